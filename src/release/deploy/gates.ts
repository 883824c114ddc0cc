import type { Platform } from '../../app/platform';
import { runChecks } from '../../checks/run';

export interface GateResult {
  readonly name: string;
  readonly passed: boolean;
  /** Lines explaining a failure (or a short summary). */
  readonly details: readonly string[];
}

/** A pre-deploy gate run on the built platform (synthesized or not). */
export interface DeployGate {
  readonly name: string;
  run(platform: Platform): Promise<GateResult> | GateResult;
}

/** `fastish check` as a gate: cdk-nag packs + Fastish rules, zero blocking findings. */
export const checksGate: DeployGate = {
  name: 'checks',
  async run(platform) {
    const report = await runChecks(platform);
    const blocking = report.findings.filter((f) => f.blocking);
    return {
      name: 'checks',
      passed: report.blocking === 0,
      details:
        report.blocking === 0
          ? [`${report.stacks.length} stacks checked, 0 blocking findings`]
          : blocking
              .slice(0, 20)
              .map((f) => `${f.stack} ${f.ruleId} ${f.path}: ${f.message}`)
              .concat(blocking.length > 20 ? [`… and ${blocking.length - 20} more (run fastish check)`] : []),
    };
  },
};
