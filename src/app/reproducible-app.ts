import { App, type StageSynthesisOptions } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { dropAcknowledgementTraces } from '../constructs/reproducible';

/**
 * Context that makes the cloud assembly the same bytes whoever synthesizes it, from whichever checkout:
 * no stack traces (absolute source paths, and a different call stack per entry point) and none of the
 * metadata the CDK CLI adds by default but `fastish synth` does not (construct paths and asset paths in
 * templates; `fastish plan` reads construct paths from the assembly's metadata files instead, and the
 * templates keep their room under CloudFormation's 51,200-byte inline limit). Applied after the CLI's
 * context (`postCliContext`), so `cdk synth`, `npm run synth` and `fastish synth` write the same files.
 */
export const ASSEMBLY_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:enable-path-metadata': false,
  'aws:cdk:enable-asset-metadata': false,
};

/** An `App` whose assembly does not depend on where or how it is synthesized (see `dropAcknowledgementTraces`). */
export class ReproducibleApp extends App {
  override synth(options?: StageSynthesisOptions): CloudAssembly {
    dropAcknowledgementTraces(this);
    return super.synth(options);
  }
}
