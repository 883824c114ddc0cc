import type { Construct } from 'constructs';
import type { Architecture, EnvironmentModel, PlatformModel } from '../config';
import type { BootstrapStack } from '../stacks/bootstrap/bootstrap-stack';
import type { EnvironmentStack } from '../stacks/environment-stack';

/** What an architecture's stack factory receives: the stage, the models and stacks built before it. */
export interface ArchitectureContext {
  readonly scope: Construct;
  readonly platform: PlatformModel;
  readonly environment: EnvironmentModel;
  readonly bootstrap: BootstrapStack;
  /** Stacks of architectures already built in this environment (dependencies come first). */
  readonly built: ReadonlyMap<Architecture, EnvironmentStack>;
}

export type ArchitectureFactory = (context: ArchitectureContext) => EnvironmentStack;

/**
 * Stack factory per architecture. Each architecture registers here; the app builds them in
 * dependency order (see `ARCHITECTURE_NEEDS`).
 */
export const ARCHITECTURE_FACTORIES: Partial<Record<Architecture, ArchitectureFactory>> = {};
