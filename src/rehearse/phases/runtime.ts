import type { RehearsalContext } from '../context';

/** Phase 4: functions and pods through their roles. */
export async function runtimePhase(_ctx: RehearsalContext): Promise<void> {}
