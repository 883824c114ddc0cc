import { CloudFormationValidatePlugin, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { logicalIdPaths, nagAcknowledgement } from './nag';
import type { Severity } from './types';

/** Prefix of the ids of aws-cdk-lib's CloudFormation template rules, as `Validations.acknowledge` takes them. */
export const TEMPLATE_RULE_PREFIX = 'CloudFormation-Validate::';

export interface TemplateFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly logicalId?: string;
  readonly path: string;
  readonly message: string;
  readonly acknowledged?: { id: string; reason: string };
}

/**
 * aws-cdk-lib's CloudFormation template validation (resource schemas, intrinsic functions, best-practice
 * lint), run as a gate on a synthesized stack. Fastish apps synthesize with the built-in run switched
 * off (it costs seconds per synth); `fastish check`, the pipeline and the test suite run it here, once.
 * One validator is shared: its engine is compiled once per process.
 */
export class TemplateValidation {
  private readonly plugin = new CloudFormationValidatePlugin();

  validate(stack: Stack, templatePath: string): TemplateFinding[] {
    const report = this.plugin.validate({
      appConstruct: stack.node.root,
      templatePaths: [templatePath],
      stackTemplates: [
        { stackConstructPath: stack.node.path, templatePath, accountId: stack.account, region: stack.region },
      ],
    });
    const paths = logicalIdPaths(stack);
    const byPath = new Map<string, IConstruct>();
    for (const c of stack.node.findAll()) byPath.set(c.node.path, c);
    const out: TemplateFinding[] = [];
    for (const violation of report.violations) {
      if (violation.severity !== 'error' && violation.severity !== 'warning') continue;
      const ruleId = `${TEMPLATE_RULE_PREFIX}${violation.ruleName}`;
      for (const resource of violation.violatingResources) {
        const logicalId = resource.resourceLogicalId;
        const path = (logicalId ? paths.get(logicalId) : undefined) ?? stack.node.path;
        const construct = byPath.get(path) ?? stack;
        const ack = nagAcknowledgement(construct, ruleId);
        out.push({
          ruleId,
          severity: violation.severity === 'error' ? 'error' : 'warning',
          ...(logicalId ? { logicalId } : {}),
          path,
          message: violation.description,
          ...(ack ? { acknowledged: ack } : {}),
        });
      }
    }
    return out;
  }
}
