import { join } from 'node:path';
import '../../src/stacks/register';
import { ARCHITECTURE_FACTORIES } from '../../src/app/architectures';
import { loadConfig, type PlatformModel } from '../../src/config';

export const EXAMPLE_CONFIG = join(__dirname, '..', '..', 'examples', 'fastish.yaml');

/** Architectures the example enables that no stack factory is registered for (yet). */
export function unregisteredExampleArchitectures(): string[] {
  const model = loadConfig(EXAMPLE_CONFIG);
  return [...new Set(model.environments.flatMap((e) => e.architectures))].filter(
    (a) => !ARCHITECTURE_FACTORIES[a],
  );
}

/** The whole example platform, exactly as `examples/fastish.yaml` describes it. */
export function exampleModel(): PlatformModel {
  return loadConfig(EXAMPLE_CONFIG);
}

/** Only the bootstrap stacks of the example (fast: no workload architectures). */
export function bootstrapOnlyModel(): PlatformModel {
  const model = loadConfig(EXAMPLE_CONFIG);
  return { ...model, environments: model.environments.map((e) => ({ ...e, architectures: [] })) };
}
