import type { Fetch } from '../../src/release/preflight';
import { VERSIONS } from '../../src/versions';

/** Stand-ins for what preflight reads from outside: EKS's add-on schemas and the chart repositories. */
const { charts } = VERSIONS.eks;

/** Schemas shaped as EKS publishes them (draft-07, `$ref` into `definitions`, closed objects). */
const tolerationsSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: { key: { type: 'string' }, operator: { type: 'string', enum: ['Exists', 'Equal'] } },
  },
};
export const SCHEMAS: Record<string, object> = {
  'vpc-cni': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $ref: '#/definitions/VpcCni',
    definitions: {
      VpcCni: {
        type: 'object',
        additionalProperties: false,
        properties: {
          env: {
            type: 'object',
            additionalProperties: false,
            properties: {
              ENABLE_PREFIX_DELEGATION: { type: 'string' },
              WARM_PREFIX_TARGET: { type: 'string' },
            },
          },
          enableNetworkPolicy: { type: 'string' },
        },
      },
    },
  },
  coredns: { type: 'object', additionalProperties: false, properties: { tolerations: tolerationsSchema } },
};

/** Chart repositories: `index.yaml` over HTTPS, and public.ecr.aws with its anonymous-token flow. */
export function chartRepos(
  options: { index?: Record<string, string[]>; tags?: string[]; unreachable?: string } = {},
): Fetch & { calls: string[] } {
  const index = options.index ?? {
    'https://charts.jetstack.io': ['v1.19.2', charts.certManager.version],
    'https://aws.github.io/eks-charts': [charts.awsLoadBalancerController.version],
  };
  const tags = options.tags ?? [`karpenter/karpenter:${charts.karpenter.version}`];
  const calls: string[] = [];
  const fetch = async (url: string, init?: { method?: string; headers?: Record<string, string> }) => {
    calls.push(`${init?.method ?? 'GET'} ${url}`);
    if (options.unreachable && url.startsWith(options.unreachable)) {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } });
    }
    const repo = url.replace(/\/index\.yaml$/, '');
    if (url.endsWith('/index.yaml') && index[repo]) {
      const chart = repo.includes('jetstack') ? 'cert-manager' : 'aws-load-balancer-controller';
      const entries = index[repo].map((v) => `    - name: ${chart}\n      version: ${v}\n`).join('');
      return new Response(`apiVersion: v1\nentries:\n  ${chart}:\n${entries}`);
    }
    const u = new URL(url);
    if (u.host === 'public.ecr.aws' && u.pathname === '/token') {
      return Response.json({ token: `t:${u.searchParams.get('scope')}` });
    }
    const m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(u.pathname);
    if (u.host === 'public.ecr.aws' && m) {
      const scope = `repository:${m[1]}:pull`;
      if (init?.headers?.authorization !== `Bearer t:${scope}`) {
        const challenge = 'Bearer realm="https://public.ecr.aws/token",service="public.ecr.aws",scope="aws"';
        return new Response(null, { status: 401, headers: { 'www-authenticate': challenge } });
      }
      return new Response(null, { status: tags.includes(`${m[1]}:${m[2]}`) ? 200 : 404 });
    }
    return new Response('not found', { status: 404 });
  };
  return Object.assign(fetch, { calls });
}
