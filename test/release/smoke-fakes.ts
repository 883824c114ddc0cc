import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Small local stand-ins for the two in-cluster APIs the smoke test uses: the few Kubernetes endpoints
 * (nodes, one pod's create/get/delete) and the Druid router's (task submit and status, SQL, datasource
 * delete). Each records the requests it got.
 */
export interface FakeApi {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

async function serve(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      handler(req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const send = (res: ServerResponse, status: number, body?: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
};

export interface FakeNode {
  name: string;
  ready: boolean;
  createdAt: string;
  /** NodePool label (Karpenter's nodes only). */
  nodepool?: string;
}

export interface KubernetesBehaviour {
  nodes: FakeNode[];
  /** Node the scheduler puts the smoke pod on after `pendingPolls` reads; none = it stays Pending. */
  scheduleOn?: string;
  pendingPolls?: number;
  /** Decides whether a bearer token is accepted (the EKS authenticator's part). */
  authenticate: (token: string) => boolean;
}

export async function fakeKubernetes(
  b: KubernetesBehaviour,
): Promise<FakeApi & { pods: Map<string, unknown> }> {
  const pods = new Map<string, unknown>();
  const reads = new Map<string, number>();
  const node = (n: FakeNode) => ({
    metadata: {
      name: n.name,
      creationTimestamp: n.createdAt,
      labels: n.nodepool ? { 'karpenter.sh/nodepool': n.nodepool } : {},
    },
    status: { conditions: [{ type: 'Ready', status: n.ready ? 'True' : 'False' }] },
  });
  const { server, url, requests } = await serve((req, body, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!b.authenticate(token)) return send(res, 401, { kind: 'Status', reason: 'Unauthorized' });
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && path === '/api/v1/nodes') return send(res, 200, { items: b.nodes.map(node) });
    const oneNode = /^\/api\/v1\/nodes\/([^/]+)$/.exec(path);
    const found = b.nodes.find((n) => n.name === oneNode?.[1]);
    if (req.method === 'GET' && found) return send(res, 200, node(found));
    if (req.method === 'POST' && path === '/api/v1/namespaces/default/pods') {
      const pod = JSON.parse(body) as { metadata: { name: string } };
      pods.set(pod.metadata.name, pod);
      return send(res, 201, pod);
    }
    const onePod = /^\/api\/v1\/namespaces\/default\/pods\/([^/]+)$/.exec(path);
    const name = onePod?.[1] ?? '';
    if (onePod && req.method === 'GET' && pods.has(name)) {
      const count = (reads.get(name) ?? 0) + 1;
      reads.set(name, count);
      const scheduled = b.scheduleOn !== undefined && count > (b.pendingPolls ?? 0);
      return send(res, 200, {
        ...(pods.get(name) as object),
        spec: scheduled ? { nodeName: b.scheduleOn } : {},
        status: scheduled
          ? { phase: 'Running' }
          : {
              phase: 'Pending',
              conditions: [
                {
                  type: 'PodScheduled',
                  status: 'False',
                  message: "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity",
                },
              ],
            },
      });
    }
    if (onePod && req.method === 'DELETE' && pods.delete(name)) return send(res, 200, { kind: 'Status' });
    return send(res, 404, { kind: 'Status', reason: 'NotFound' });
  });
  return { url, requests, pods, close: () => new Promise((r) => server.close(() => r())) };
}

export interface DruidBehaviour {
  password: string;
  /** Final task status; `RUNNING` keeps it running. */
  taskStatus: 'SUCCESS' | 'FAILED' | 'RUNNING';
  errorMsg?: string;
  /** SQL answers before the ingested rows are served (segment loading). */
  unloadedQueries?: number;
  /** The rows are never served. */
  neverServed?: boolean;
}

/** Rows the fake Druid holds, per datasource: what the inline tasks ingested. */
export async function fakeDruid(
  b: DruidBehaviour,
): Promise<FakeApi & { datasources: Map<string, unknown[]> }> {
  const datasources = new Map<string, unknown[]>();
  const pending = new Map<string, unknown[]>();
  let queries = 0;
  const { server, url, requests } = await serve((req, body, res) => {
    if (req.headers.authorization !== `Basic ${Buffer.from(`admin:${b.password}`).toString('base64')}`) {
      return send(res, 401, { error: 'Unauthorized' });
    }
    const path = req.url ?? '';
    if (req.method === 'POST' && path === '/druid/indexer/v1/task') {
      const task = JSON.parse(body) as {
        spec: {
          dataSchema: { dataSource: string };
          ioConfig: { inputSource: { type: string; data: string } };
        };
      };
      const rows = task.spec.ioConfig.inputSource.data.split('\n').map((l) => JSON.parse(l) as unknown);
      pending.set(task.spec.dataSchema.dataSource, rows);
      return send(res, 200, { task: 'index_parallel_fastish_smoke_1' });
    }
    if (req.method === 'GET' && path === '/druid/indexer/v1/task/index_parallel_fastish_smoke_1/status') {
      if (b.taskStatus === 'SUCCESS') for (const [ds, rows] of pending) datasources.set(ds, rows);
      return send(res, 200, {
        task: 'index_parallel_fastish_smoke_1',
        status: { status: b.taskStatus, ...(b.errorMsg ? { errorMsg: b.errorMsg } : {}) },
      });
    }
    if (req.method === 'POST' && path === '/druid/v2/sql') {
      // Only the one query the smoke test makes: count and sum of the rows of one run.
      const q = JSON.parse(body) as { query: string; parameters: { value: string }[] };
      const ds = /FROM "([^"]+)"/.exec(q.query)?.[1] ?? '';
      queries += 1;
      const served = !b.neverServed && queries > (b.unloadedQueries ?? 0);
      const rows = ((served ? datasources.get(ds) : undefined) ?? []) as { run: string; value: number }[];
      const mine = rows.filter((r) => r.run === q.parameters[0]?.value);
      return send(res, 200, [{ rows: mine.length, total: mine.reduce((a, r) => a + r.value, 0) }]);
    }
    const drop = /^\/druid\/coordinator\/v1\/datasources\/([^/]+)$/.exec(path);
    if (req.method === 'DELETE' && drop) {
      datasources.delete(drop[1] as string);
      return send(res, 200, { numChangedSegments: 1 });
    }
    return send(res, 404, { error: 'not found' });
  });
  return { url, requests, datasources, close: () => new Promise((r) => server.close(() => r())) };
}

const AUTHENTICATOR_PARAMETERS = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);

/**
 * What the EKS authenticator checks of a token before it calls STS with it, from
 * kubernetes-sigs/aws-iam-authenticator pkg/token/token.go (Verify, parameterWhitelist,
 * hasSignedClusterIDHeader): the `k8s-aws-v1.` prefix, unpadded base64url, an https URL with path `/` on an
 * STS host, only whitelisted query parameters, Action=GetCallerIdentity, the `x-k8s-aws-id` header signed,
 * X-Amz-Expires within 0..900. Plus, here, that it was presigned for this cluster and access key.
 */
export function verifyEksToken(
  token: string,
  cluster: string,
  accessKeyId: string,
): { ok: boolean; why?: string } {
  const fail = (why: string) => ({ ok: false, why });
  if (!token.startsWith('k8s-aws-v1.')) return fail('prefix');
  const encoded = token.slice('k8s-aws-v1.'.length);
  if (/[=+/]/.test(encoded)) return fail('not unpadded base64url');
  const url = new URL(Buffer.from(encoded, 'base64url').toString('utf8'));
  if (
    url.protocol !== 'https:' ||
    url.pathname !== '/' ||
    !/^sts\.[a-z0-9-]+\.amazonaws\.com$/.test(url.host)
  ) {
    return fail(`url ${url.origin}${url.pathname}`);
  }
  const params = new Map([...url.searchParams].map(([k, v]) => [k.toLowerCase(), v]));
  for (const k of params.keys()) if (!AUTHENTICATOR_PARAMETERS.has(k)) return fail(`parameter ${k}`);
  if (params.get('action') !== 'GetCallerIdentity') return fail('action');
  if (!(params.get('x-amz-signedheaders') ?? '').split(';').includes('x-k8s-aws-id'))
    return fail('cluster header not signed');
  const expires = Number(params.get('x-amz-expires'));
  if (!(expires >= 0 && expires <= 900)) return fail('expires');
  if (!params.get('x-amz-credential')?.startsWith(`${accessKeyId}/`)) return fail('credential');
  return cluster.length > 0 && /^[0-9a-f]{64}$/.test(params.get('x-amz-signature') ?? '')
    ? { ok: true }
    : fail('signature');
}
