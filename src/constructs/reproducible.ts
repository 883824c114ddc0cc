import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Drops the call stacks aws-cdk-lib records with every `Validations.acknowledge` (Fastish's and its
 * own, e.g. a VPC flow log's) in `scope` and below, whatever the stack-trace context says. They land
 * in the cloud assembly's metadata with absolute source paths and differ per entry point, so the
 * assembly would differ per checkout. The rule id and reason, what reviewers and cdk-nag read, stay.
 * Call it before the scope is synthesized (a stage handed to CDK Pipelines is synthesized at once).
 */
export function dropAcknowledgementTraces(scope: IConstruct): void {
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.trace) {
        delete (entry as { trace?: readonly string[] }).trace;
      }
    }
  }
}
