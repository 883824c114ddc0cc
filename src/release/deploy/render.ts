import { table } from '../plan/render';
import type { DeployReport } from './deploy';

/** The final, human-readable deploy report. */
export function renderDeployReport(report: DeployReport): string {
  const out: string[] = [`Deploy ${report.environment}: ${report.status.toUpperCase()}`];
  if (report.gates.length > 0) {
    out.push(
      table(
        ['Gate', 'Result', 'Details'],
        report.gates.map((g) => [g.name, g.passed ? 'passed' : 'FAILED', g.details[0] ?? '']),
      ),
    );
    for (const g of report.gates.filter((x) => !x.passed))
      out.push(...g.details.slice(1).map((d) => `  ${d}`));
  }
  if (report.deployed.length > 0) out.push(`Deployed: ${report.deployed.join(', ')}`);
  if (report.failures.length > 0) {
    out.push(
      table(
        ['Stack', 'Last status', 'Reason'],
        report.failures.map((f) => [f.stack, f.status, f.reason ?? '']),
      ),
    );
  }
  for (const r of report.failedResources) out.push(`  failed resource: ${r}`);
  if (report.health.length > 0) {
    out.push(
      table(
        ['Health check', 'Stack', 'Target', 'Result', 'Detail'],
        report.health.map((h) => [h.kind, h.stack, h.target, h.status, h.detail]),
      ),
    );
  }
  out.push(report.message);
  return `${out.join('\n\n')}\n`;
}

/** 0 succeeded, 2 invalid config (as every config-reading command), 1 anything else that failed. */
export function deployExitCode(report: DeployReport): number {
  if (report.status === 'succeeded') return 0;
  return report.status === 'invalid-config' ? 2 : 1;
}
