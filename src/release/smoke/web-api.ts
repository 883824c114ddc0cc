import { type CheckRow, describeError, row } from '../check-rows';
import { jsonOf, type SmokeHttp, statusLine } from './http';

export interface WebApiTarget {
  /** Invoke URL of the stage (`https://<api>.execute-api.<region>.amazonaws.com/<stage>/`). */
  readonly apiUrl: string;
  /** The smoke user's ID token and who it is, for the report. */
  readonly signIn: () => Promise<{ readonly idToken: string; readonly user: string }>;
}

const CHECK = (step: string) => `web api: ${step}`;

interface Outcome {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The path of a tenant request through the deployed API, as an ordinary member of a smoke tenant (no
 * privilege the console's users lack, so nothing here weakens tenant isolation): sign in, create an item,
 * read it back, delete it (If-Match its version), and see it gone. A step that fails stops the rest; an item
 * already created is deleted on the way out.
 */
export async function smokeWebApi(
  target: WebApiTarget,
  http: SmokeHttp,
  runId: string,
  timeoutMs: number,
): Promise<CheckRow[]> {
  const rows: CheckRow[] = [];
  const steps = ['sign-in', 'create', 'read', 'delete'];
  const stop = (failed: string, detail: string) => {
    rows.push(row(CHECK(failed), 'fail', detail));
    for (const s of steps.slice(steps.indexOf(failed) + 1))
      rows.push(row(CHECK(s), 'skip', `not run: ${failed} failed`));
    return rows;
  };
  const base = target.apiUrl.replace(/\/+$/, '');
  let auth: { idToken: string; user: string };
  try {
    auth = await target.signIn();
  } catch (err) {
    return stop('sign-in', describeError(err));
  }
  rows.push(row(CHECK('sign-in'), 'pass', `ID token for ${auth.user}`));
  const call = (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ) =>
    http(
      {
        method,
        url: `${base}${path}`,
        headers: {
          authorization: `Bearer ${auth.idToken}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      timeoutMs,
    );
  const attempt = async (run: () => Promise<Outcome>): Promise<Outcome> => {
    try {
      return await run();
    } catch (err) {
      return { ok: false, detail: describeError(err) };
    }
  };

  const name = `fastish smoke ${runId}`;
  let id = '';
  let etag = '';
  const created = await attempt(async () => {
    const body = { name, attributes: { smoke: runId } };
    const res = await call('POST', '/items', { 'idempotency-key': `smoke-${runId}` }, body);
    id = res.status === 201 ? String(jsonOf(res.body).id ?? '') : '';
    etag = res.headers.etag ?? '';
    return id
      ? { ok: true, detail: `POST /items → 201, item ${id}, ETag ${etag}` }
      : {
          ok: false,
          detail: `POST /items → ${statusLine(res)}${res.status === 201 ? ' without an id' : ''}`,
        };
  });
  if (!created.ok) return stop('create', created.detail);
  rows.push(row(CHECK('create'), 'pass', created.detail));

  const read = await attempt(async () => {
    const res = await call('GET', `/items/${id}`);
    const got = jsonOf(res.body).name;
    if (res.status !== 200) return { ok: false, detail: `GET /items/${id} → ${statusLine(res)}` };
    return got === name
      ? { ok: true, detail: `GET /items/${id} → 200, the same item` }
      : { ok: false, detail: `GET /items/${id} → 200, but its name is ${JSON.stringify(got)}` };
  });
  rows.push(row(CHECK('read'), read.ok ? 'pass' : 'fail', read.detail));

  // Deleted even when the read failed: the smoke test leaves nothing behind.
  const removed = await attempt(async () => {
    const res = await call('DELETE', `/items/${id}`, etag ? { 'if-match': etag } : {});
    if (res.status !== 204) return { ok: false, detail: `DELETE /items/${id} → ${statusLine(res)}` };
    const after = await call('GET', `/items/${id}`);
    return after.status === 404
      ? { ok: true, detail: `DELETE /items/${id} → 204, then GET → 404` }
      : { ok: false, detail: `DELETE → 204, but GET afterwards → ${statusLine(after)}` };
  });
  rows.push(row(CHECK('delete'), removed.ok ? 'pass' : 'fail', removed.detail));
  return rows;
}
