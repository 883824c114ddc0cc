import { join } from 'node:path';
import { loadConfig, type PlatformModel } from '../../src/config';

export const EXAMPLE_CONFIG = join(__dirname, '..', '..', 'examples', 'fastish.yaml');

/** The whole example platform, exactly as `examples/fastish.yaml` describes it. */
export function exampleModel(): PlatformModel {
  return loadConfig(EXAMPLE_CONFIG);
}

/** Only the bootstrap stacks of the example (fast: no workload architectures). */
export function bootstrapOnlyModel(): PlatformModel {
  const model = loadConfig(EXAMPLE_CONFIG);
  return { ...model, environments: model.environments.map((e) => ({ ...e, architectures: [] })) };
}
