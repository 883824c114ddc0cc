import { buildPlatform, createApp } from '../app/platform';
import { loadConfig } from '../config';

/**
 * Synthesizes the working tree's platform for a config file into `outdir` (in-process, offline): the
 * same assembly `fastish synth` and `cdk synth` write, so either can be the other side of a plan.
 */
export function synthWorkingTree(configPath: string, outdir: string): void {
  const app = createApp({ outdir });
  buildPlatform(loadConfig(configPath), app);
  app.synth();
}
