import { renderTable } from '../cli/table';

/**
 * One line of a preflight or smoke report. `fail` is a blocker (non-zero exit); `warn` is something to look
 * at that does not block (a check that could not be completed from here, an advisory); `skip` says why a
 * check did not run.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckRow {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export const row = (check: string, status: CheckStatus, detail: string): CheckRow => ({
  check,
  status,
  detail,
});

/** The error of an AWS or network call in one phrase: its name (AccessDenied, ENOTFOUND) and message. */
export function describeError(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : '';
  const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : code;
  const message = typeof e.message === 'string' ? e.message : String(err);
  // fetch() reports network failures as `TypeError: fetch failed` with the system error as its cause.
  const cause =
    typeof e.cause?.code === 'string' && !message.includes(e.cause.code) ? ` (${e.cause.code})` : '';
  return `${name && !message.startsWith(name) ? `${name}: ` : ''}${message}${cause}`;
}

/** The table (check, status, detail) and a summary line. */
export function renderRows(title: string, rows: readonly CheckRow[]): string {
  const failed = rows.filter((r) => r.status === 'fail').length;
  const warned = rows.filter((r) => r.status === 'warn').length;
  const table = renderTable(
    ['Check', 'Status', 'Detail'],
    rows.map((r) => [r.check, r.status === 'fail' ? 'FAIL' : r.status, r.detail]),
  );
  const verdict =
    failed > 0
      ? `${failed} blocker(s), ${warned} warning(s)`
      : `no blockers, ${warned} warning(s), ${rows.filter((r) => r.status === 'pass').length} passed`;
  return `${title}\n\n${table}\n\n${verdict}\n`;
}

/** 1 when any row is a blocker. */
export function rowsExitCode(rows: readonly CheckRow[]): number {
  return rows.some((r) => r.status === 'fail') ? 1 : 0;
}
