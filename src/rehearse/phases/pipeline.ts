import type { RehearsalContext } from '../context';

/** Phase 3: the release pipeline's own calls. */
export async function pipelinePhase(_ctx: RehearsalContext): Promise<void> {}
