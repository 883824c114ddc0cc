import { type CheckRow, describeError, row } from '../check-rows';
import { jsonOf, type SmokeHttp, type SmokeRequest, type SmokeResponse, statusLine } from './http';

export interface KubernetesTarget {
  /** `https://<id>.<region>.eks.amazonaws.com` */
  readonly endpoint: string;
  /** PEM of the cluster's CA (DescribeCluster `certificateAuthority.data`, base64-decoded). */
  readonly ca?: string;
  readonly token: string;
}

export interface KubernetesTiming {
  readonly requestMs: number;
  /** How long the pod may take to be scheduled and run (Karpenter may have to launch a node). */
  readonly podMs: number;
  readonly pollMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

/** Label Karpenter puts on every node it launches (karpenter.sh/v1), naming the NodePool. */
export const KARPENTER_NODEPOOL_LABEL = 'karpenter.sh/nodepool';
/**
 * The smoke pod's image: the pause container (multi-arch, runs as any user, does nothing). Kept here rather
 * than in versions.ts only because it is the smoke test's alone.
 */
export const SMOKE_POD_IMAGE = 'registry.k8s.io/pause:3.10';
/** Nodes younger than this may still be joining: NotReady is reported, not failed. */
const JOINING_MS = 5 * 60_000;

interface Node {
  metadata?: { name?: string; creationTimestamp?: string; labels?: Record<string, string> };
  status?: { conditions?: { type?: string; status?: string; reason?: string }[] };
}

const ready = (n: Node) =>
  n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** The smoke pod: only Karpenter's nodes (node affinity), restricted security context, tiny requests. */
export function smokePod(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { 'app.kubernetes.io/name': 'fastish-smoke' } },
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: KARPENTER_NODEPOOL_LABEL, operator: 'Exists' }] },
            ],
          },
        },
      },
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: 65535, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'pause',
          image: SMOKE_POD_IMAGE,
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '16Mi' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    },
  };
}

/**
 * Through the Kubernetes API (a bearer token from a presigned STS call, the cluster's CA): every node is
 * Ready (nodes still joining excepted), and a new pod that only Karpenter's nodes may take is scheduled and
 * runs — on an existing Karpenter node, or on one Karpenter launches for it. The pod is deleted afterwards.
 */
export async function smokeKubernetes(
  target: KubernetesTarget,
  http: SmokeHttp,
  runId: string,
  t: KubernetesTiming,
): Promise<CheckRow[]> {
  const base = target.endpoint.replace(/\/+$/, '');
  const api = (method: SmokeRequest['method'], path: string, body?: unknown): Promise<SmokeResponse> =>
    http(
      {
        method,
        url: `${base}${path}`,
        headers: {
          authorization: `Bearer ${target.token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(target.ca ? { ca: target.ca } : {}),
      },
      t.requestMs,
    );
  const rows: CheckRow[] = [];

  let nodes: Node[];
  try {
    const res = await api('GET', '/api/v1/nodes');
    if (res.status !== 200) throw new Error(`GET /api/v1/nodes → ${statusLine(res)}`);
    nodes = (jsonOf(res.body).items as Node[] | undefined) ?? [];
  } catch (err) {
    return [
      row('eks: nodes', 'fail', describeError(err)),
      row('eks: karpenter pod', 'skip', 'not run: the Kubernetes API did not answer'),
    ];
  }
  const notReady = nodes.filter((n) => !ready(n));
  const joining = notReady.filter(
    (n) => t.now() - Date.parse(n.metadata?.creationTimestamp ?? '') < JOINING_MS,
  );
  const broken = notReady.filter((n) => !joining.includes(n));
  const karpenter = nodes.filter((n) => n.metadata?.labels?.[KARPENTER_NODEPOOL_LABEL]);
  const summary = `${nodes.length - notReady.length}/${nodes.length} Ready (${karpenter.length} launched by Karpenter)${joining.length > 0 ? `, ${joining.length} joining` : ''}`;
  rows.push(
    nodes.length === 0
      ? row('eks: nodes', 'fail', 'the cluster has no nodes')
      : broken.length > 0
        ? row(
            'eks: nodes',
            'fail',
            `${summary}; not Ready: ${broken.map((n) => n.metadata?.name).join(', ')}`,
          )
        : row('eks: nodes', 'pass', summary),
  );

  const name = `fastish-smoke-${runId}`;
  const path = `/api/v1/namespaces/default/pods/${name}`;
  const started = t.now();
  try {
    const created = await api('POST', '/api/v1/namespaces/default/pods', smokePod(name));
    if (created.status !== 201) throw new Error(`creating pod ${name} → ${statusLine(created)}`);
    let last = '';
    while (t.now() - started < t.podMs) {
      const res = await api('GET', path);
      const pod = jsonOf(res.body) as {
        spec?: { nodeName?: string };
        status?: { phase?: string; conditions?: { type?: string; status?: string; message?: string }[] };
      };
      const nodeName = pod.spec?.nodeName;
      if (pod.status?.phase === 'Running' && nodeName) {
        const node = jsonOf((await api('GET', `/api/v1/nodes/${nodeName}`)).body) as Node;
        const pool = node.metadata?.labels?.[KARPENTER_NODEPOOL_LABEL];
        rows.push(
          pool
            ? row(
                'eks: karpenter pod',
                'pass',
                `pod ${name} Running on ${nodeName} (NodePool ${pool}) after ${Math.round((t.now() - started) / 1000)} s`,
              )
            : row(
                'eks: karpenter pod',
                'fail',
                `pod ${name} runs on ${nodeName}, which has no ${KARPENTER_NODEPOOL_LABEL} label`,
              ),
        );
        return rows;
      }
      const unscheduled = pod.status?.conditions?.find(
        (c) => c.type === 'PodScheduled' && c.status === 'False',
      );
      last = `${pod.status?.phase ?? 'unknown'}${nodeName ? ` on ${nodeName}` : ''}${unscheduled?.message ? `: ${unscheduled.message}` : ''}`;
      await t.sleep(t.pollMs);
    }
    rows.push(
      row(
        'eks: karpenter pod',
        'fail',
        `pod ${name} not Running after ${Math.round(t.podMs / 1000)} s (${last})`,
      ),
    );
  } catch (err) {
    rows.push(row('eks: karpenter pod', 'fail', describeError(err)));
  } finally {
    await api('DELETE', `${path}?gracePeriodSeconds=0`).catch(() => undefined);
  }
  return rows;
}
