import { loadConfig } from '../config';
import '../stacks/register';
import { buildPlatform, createApp } from '../app/platform';

/**
 * Context both sides of a plan synthesize with: construct paths in template metadata, so the plan
 * can name the construct behind each change (as the CDK CLI does).
 */
export const PLAN_SYNTH_CONTEXT = { 'aws:cdk:enable-path-metadata': true } as const;

/** Synthesizes the working tree's platform for a config file into `outdir` (in-process, offline). */
export function synthWorkingTree(configPath: string, outdir: string): void {
  const app = createApp({ outdir, context: { ...PLAN_SYNTH_CONTEXT } });
  buildPlatform(loadConfig(configPath), app);
  app.synth();
}
