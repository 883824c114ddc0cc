import { type CheckRow, describeError, row } from '../check-rows';
import { jsonOf, type SmokeHttp, type SmokeRequest, statusLine } from './http';

export interface DruidTarget {
  /** `https://<router host>` (the internal ALB, reachable only from the VPC). */
  readonly routerUrl: string;
  /** The `admin` user's password (druid-basic-security), from its Secrets Manager secret. */
  readonly adminPassword: string;
}

export interface DruidTiming {
  readonly requestMs: number;
  /** How long the ingestion task may take (a peon JVM starts for it). */
  readonly taskMs: number;
  /** How long the rows may take to become queryable (historicals load the segment). */
  readonly queryMs: number;
  readonly pollMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

/** The smoke test's own datasource. Each run replaces its one day, so it never grows. */
export const SMOKE_DATASOURCE = 'fastish_smoke';
const DAY = '2000-01-01';
const ROWS = [1, 2, 3];

/** A native batch task (index_parallel) with the rows inline: no bucket or stream involved. */
export function smokeIngestionTask(runId: string) {
  const data = ROWS.map((n) => JSON.stringify({ ts: `${DAY}T00:00:0${n}Z`, run: runId, value: n })).join(
    '\n',
  );
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource: SMOKE_DATASOURCE,
        timestampSpec: { column: 'ts', format: 'iso' },
        dimensionsSpec: { dimensions: ['run', { type: 'long', name: 'value' }] },
        granularitySpec: {
          segmentGranularity: 'day',
          queryGranularity: 'none',
          rollup: false,
          intervals: [`${DAY}/P1D`],
        },
      },
      ioConfig: {
        type: 'index_parallel',
        inputSource: { type: 'inline', data },
        inputFormat: { type: 'json' },
        appendToExisting: false,
      },
      tuningConfig: { type: 'index_parallel', maxNumConcurrentSubTasks: 1 },
    },
  };
}

/**
 * Through the router's HTTP API (its management proxy forwards `/druid/indexer/*` to the Overlord and
 * `/druid/coordinator/*` to the Coordinator; `/druid/v2/sql` goes to a Broker): submit a task that ingests a
 * few rows tagged with this run, wait for it to succeed, query the rows back with SQL until the segment is
 * served, then mark the datasource's segments unused.
 */
export async function smokeDruid(
  target: DruidTarget,
  http: SmokeHttp,
  runId: string,
  t: DruidTiming,
): Promise<CheckRow[]> {
  const base = target.routerUrl.replace(/\/+$/, '');
  const basic = Buffer.from(`admin:${target.adminPassword}`).toString('base64');
  const call = (method: SmokeRequest['method'], path: string, body?: unknown) =>
    http(
      {
        method,
        url: `${base}${path}`,
        headers: {
          authorization: `Basic ${basic}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      t.requestMs,
    );
  const waitFor = async <T>(limitMs: number, poll: () => Promise<T | undefined>): Promise<T | undefined> => {
    const started = t.now();
    while (t.now() - started < limitMs) {
      const done = await poll();
      if (done !== undefined) return done;
      await t.sleep(t.pollMs);
    }
    return undefined;
  };
  const started = t.now();
  const seconds = () => Math.round((t.now() - started) / 1000);

  let taskId = '';
  let state = 'not submitted';
  try {
    const submitted = await call('POST', '/druid/indexer/v1/task', smokeIngestionTask(runId));
    taskId = String(jsonOf(submitted.body).task ?? '');
    if (submitted.status !== 200 || !taskId)
      throw new Error(`POST /druid/indexer/v1/task → ${statusLine(submitted)}`);
    const final = await waitFor(t.taskMs, async () => {
      const res = await call('GET', `/druid/indexer/v1/task/${encodeURIComponent(taskId)}/status`);
      const status = (jsonOf(res.body).status ?? {}) as {
        status?: string;
        statusCode?: string;
        errorMsg?: string;
      };
      state = status.status ?? status.statusCode ?? statusLine(res);
      return state === 'SUCCESS' || state === 'FAILED' ? status : undefined;
    });
    if (!final || state !== 'SUCCESS') {
      const why = final?.errorMsg
        ? `: ${final.errorMsg}`
        : final
          ? ''
          : ` after ${Math.round(t.taskMs / 1000)} s`;
      throw new Error(`task ${taskId} is ${state}${why}`);
    }
  } catch (err) {
    return [
      row('druid: ingest', 'fail', describeError(err)),
      row('druid: query', 'skip', 'not run: nothing was ingested'),
    ];
  }
  const rows = [
    row(
      'druid: ingest',
      'pass',
      `task ${taskId} SUCCESS after ${seconds()} s: ${ROWS.length} rows into ${SMOKE_DATASOURCE}`,
    ),
  ];

  const sql = {
    query: `SELECT COUNT(*) AS "rows", SUM("value") AS "total" FROM "${SMOKE_DATASOURCE}" WHERE "run" = ?`,
    parameters: [{ type: 'VARCHAR', value: runId }],
  };
  const want = { rows: ROWS.length, total: ROWS.reduce((a, b) => a + b, 0) };
  let seen = 'no answer';
  try {
    const found = await waitFor(t.queryMs, async () => {
      const res = await call('POST', '/druid/v2/sql', sql);
      const first = (() => {
        try {
          return (JSON.parse(res.body) as { rows?: number; total?: number }[])[0];
        } catch {
          return undefined;
        }
      })();
      seen = res.status === 200 ? `${first?.rows ?? 0} row(s), total ${first?.total ?? 0}` : statusLine(res);
      return first?.rows === want.rows && first.total === want.total ? true : undefined;
    });
    rows.push(
      found
        ? row(
            'druid: query',
            'pass',
            `SQL through the router returned this run's ${want.rows} rows (total ${want.total})`,
          )
        : row(
            'druid: query',
            'fail',
            `this run's rows not queryable after ${Math.round(t.queryMs / 1000)} s (last answer: ${seen})`,
          ),
    );
  } catch (err) {
    rows.push(row('druid: query', 'fail', describeError(err)));
  }
  // Leave nothing served: the run's segment is marked unused (the coordinator's kill task may delete it).
  try {
    const res = await call('DELETE', `/druid/coordinator/v1/datasources/${SMOKE_DATASOURCE}`);
    if (res.status !== 200) throw new Error(`DELETE → ${statusLine(res)}`);
  } catch (err) {
    rows.push(
      row('druid: cleanup', 'warn', `could not mark ${SMOKE_DATASOURCE} unused: ${describeError(err)}`),
    );
  }
  return rows;
}
