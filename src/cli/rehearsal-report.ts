import type { RehearsalReport } from '../rehearse/rehearse';
import { renderTable } from './table';

const shortArn = (arn: string) => (arn.startsWith('arn:') ? arn.split(':').slice(4).join(':') : arn);

/**
 * The rehearsal as tables: one line per phase, then per phase every denied call (with the statement
 * that would be needed) and every blocking finding; `verbose` lists every call.
 */
export function renderRehearsal(report: RehearsalReport, verbose = false): string {
  const out: string[] = [
    renderTable(
      ['phase', 'calls', 'allowed', 'denied', 'blockers', 'notes'],
      report.phases.map((p) => [
        p.title,
        p.calls.length,
        p.calls.length - p.denied,
        p.denied,
        p.findings.filter((f) => f.blocking).length,
        p.findings.filter((f) => !f.blocking).length,
      ]),
    ),
  ];
  for (const phase of report.phases) {
    const calls = verbose ? phase.calls : phase.calls.filter((c) => !c.allowed);
    const blockers = phase.findings.filter((f) => f.blocking);
    if (calls.length === 0 && blockers.length === 0) continue;
    out.push('', phase.title);
    if (calls.length > 0) {
      out.push(
        renderTable(
          ['call', 'principal', 'resource', 'result', 'step', 'needed'],
          calls.map((c) => [
            c.action,
            shortArn(c.principal),
            shortArn(c.resource),
            c.allowed ? 'allowed' : `DENIED: ${c.reason}`,
            c.step,
            c.needed ?? '',
          ]),
        ),
      );
    }
    for (const f of blockers) out.push(`BLOCKER ${f.step}: ${f.problem}`);
  }
  const blockers = report.phases.flatMap((p) => p.findings.filter((f) => f.blocking)).length;
  const ok = report.denied === 0 && blockers === 0;
  out.push(
    '',
    `${ok ? 'PASS' : 'FAIL'}: ${report.calls} calls, ${report.denied} denied, ${blockers} blockers`,
  );
  return `${out.join('\n')}\n`;
}
