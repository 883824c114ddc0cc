import { ConfigError, loadConfig, validateConfig } from '../config';
import { buildPlatform, createApp } from './platform';

/**
 * CDK app entry (`cdk.json` runs this). The config comes from the `fastish` context key (an object,
 * for cdk.context.json workflows) or from the file named by context `fastish-config`,
 * `FASTISH_CONFIG`, or `fastish.yaml`.
 */
function main(): void {
  // `cdk synth` runs no Fastish gates, so it keeps aws-cdk-lib's own template validation on.
  const app = createApp({ builtinCloudFormationValidation: true });
  const inline = app.node.tryGetContext('fastish') as unknown;
  try {
    const model =
      inline !== undefined
        ? validateConfig(inline, 'context "fastish"')
        : loadConfig(
            (app.node.tryGetContext('fastish-config') as string | undefined) ??
              process.env.FASTISH_CONFIG ??
              'fastish.yaml',
          );
    buildPlatform(model, app);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  app.synth();
}

main();
