import type { App, AppProps } from 'aws-cdk-lib';
import { FEATURE_FLAGS } from './feature-flags';
import { ASSEMBLY_CONTEXT, ReproducibleApp } from './reproducible-app';

/**
 * A CDK app with Fastish's feature flags and nothing that varies between runs or checkouts. In a module
 * of its own (re-exported by `platform.ts`): an app of one stack need not load every architecture.
 */
export function createApp(props: AppProps = {}): App {
  return new ReproducibleApp({
    // aws-cdk-lib's template validation costs seconds on every synth; the gates run it once instead
    // (`runChecks`: `fastish check`, `fastish synth`'s summary, the pipeline, the test suite).
    builtinCloudFormationValidation: false,
    ...props,
    context: { ...FEATURE_FLAGS, ...props.context },
    postCliContext: { ...props.postCliContext, ...ASSEMBLY_CONTEXT },
    analyticsReporting: false,
  });
}
