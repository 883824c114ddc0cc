/**
 * Post-deploy health checks, shared by `fastish deploy` and the pipeline's health-check steps.
 * Targets are found by the SSM key their stack publishes with `PublishedValue`
 * (`/fastish/<env>/<arch>/<key>`, repeated in the CloudFormation output's description), so a stack
 * opts in by publishing the value: no output names are hard-coded here.
 */
export type HealthKind = 'api' | 'database' | 'kubernetes';

export interface HealthTarget {
  readonly kind: HealthKind;
  readonly architecture: string;
  /** Key below `/fastish/<env>/<arch>/`. */
  readonly key: RegExp;
  readonly description: string;
}

export const HEALTH_TARGETS: readonly HealthTarget[] = [
  {
    kind: 'api',
    architecture: 'webapp',
    key: /^api\/url$/,
    description: 'API `GET <api url>health` returns 200',
  },
  {
    kind: 'database',
    architecture: 'druid',
    key: /^(metadata|database|db)[\w-]*\/endpoint$/,
    description: 'database accepts TCP connections on its endpoint',
  },
  {
    kind: 'kubernetes',
    architecture: 'eks',
    key: /^cluster\/endpoint$/,
    description: 'EKS API endpoint answers HTTPS',
  },
];

const PARAMETER = /^\/fastish\/[^/]+\/([^/]+)\/(.+)$/;

/** The health target a published SSM parameter name stands for, if any. */
export function healthTargetOf(parameterName: string): HealthTarget | undefined {
  const m = PARAMETER.exec(parameterName);
  if (!m) return undefined;
  const [, arch, key] = m;
  return HEALTH_TARGETS.find((t) => t.architecture === arch && t.key.test(key ?? ''));
}

/** Published values carry their parameter in the output description: `… (SSM: /fastish/…)`. */
export function parameterOfOutputDescription(description: unknown): string | undefined {
  if (typeof description !== 'string') return undefined;
  return /\(SSM: (\/fastish\/[^)\s]+)\)$/.exec(description)?.[1];
}

/** The health URL of an API invoke URL (`https://…/prod/` → `https://…/prod/health`). */
export function healthUrl(apiUrl: string): string {
  return `${apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`}health`;
}

/** Host and port of a database endpoint value (`host:port`, or a bare host with the PostgreSQL port). */
export function databaseAddress(endpoint: string, defaultPort = 5432): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(endpoint);
  return m ? { host: m[1] as string, port: Number(m[2]) } : { host: endpoint, port: defaultPort };
}

/** Shell commands a pipeline step runs for a target, reading the value from `$<variable>`. */
export function healthShellCommands(kind: HealthKind, variable: string): string[] {
  switch (kind) {
    case 'api':
      return [
        `url="\${${variable}%/}/health"`,
        'code=$(curl -sS -o /dev/null -w "%{http_code}" --retry 5 --retry-all-errors --retry-delay 10 --max-time 15 "$url")',
        'echo "GET $url -> $code"',
        'test "$code" = "200"',
      ];
    case 'kubernetes':
      // Any HTTP answer (401/403 included) proves the API server is up and TLS works.
      return [
        `code=$(curl -sS -o /dev/null -w "%{http_code}" --retry 5 --retry-all-errors --retry-delay 10 --max-time 15 "\${${variable}}/readyz" || true)`,
        'echo "EKS API answered HTTP $code"',
        'test "$code" != "000"',
      ];
    case 'database':
      return [
        `hostport="\${${variable}}"; host="\${hostport%:*}"; port="\${hostport##*:}"; [ "$port" = "$hostport" ] && port=5432`,
        'timeout 15 bash -c "</dev/tcp/$host/$port" && echo "database accepts connections on $host:$port"',
      ];
  }
}
