import { parse } from 'yaml';
import { type CheckRow, describeError, row } from '../check-rows';
import type { ChartRequirement, Requirements } from './requirements';

/** The one non-AWS call of preflight (chart repositories), injectable so tests never leave the machine. */
export type Fetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; signal?: AbortSignal },
) => Promise<Response>;

const TIMEOUT_MS = 30_000;

/** Versions of `chart` in a classic Helm repository's `index.yaml` (`entries.<chart>[].version`). */
async function indexVersions(fetch: Fetch, repository: string, cache: Map<string, Promise<unknown>>) {
  const url = `${repository.replace(/\/+$/, '')}/index.yaml`;
  let index = cache.get(url);
  if (!index) {
    index = fetch(url).then(async (res) => {
      if (!res.ok) throw new Error(`GET ${url} returned ${res.status}`);
      return parse(await res.text(), { maxAliasCount: -1 }) as unknown;
    });
    cache.set(url, index);
  }
  return { url, index: (await index) as { entries?: Record<string, { version?: unknown }[]> } };
}

/**
 * Whether an OCI registry has `<repository>:<tag>`, with the registry token flow every OCI registry
 * (public.ecr.aws included) uses for anonymous pulls: the manifest request answers 401 with
 * `WWW-Authenticate: Bearer realm=…,service=…`, and the realm gives a token for the repository's pull scope.
 */
async function ociTagExists(
  fetch: Fetch,
  reference: string,
  tag: string,
): Promise<{ exists: boolean; url: string }> {
  const [host, ...path] = reference.replace(/^oci:\/\//, '').split('/');
  const url = `https://${host}/v2/${path.join('/')}/manifests/${tag}`;
  const accept = [
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
  ].join(', ');
  let res = await fetch(url, { method: 'HEAD', headers: { accept } });
  if (res.status === 401) {
    const challenge = res.headers.get('www-authenticate') ?? '';
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!params.realm) throw new Error(`${url}: 401 without a bearer challenge`);
    const tokenUrl = new URL(params.realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    // The pull scope of the repository, as registry clients ask for it (challenges may name a broader one).
    tokenUrl.searchParams.set('scope', `repository:${path.join('/')}:pull`);
    const tokenRes = await fetch(tokenUrl.toString());
    if (!tokenRes.ok) throw new Error(`token from ${tokenUrl.origin} returned ${tokenRes.status}`);
    const body = (await tokenRes.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    res = await fetch(url, { method: 'HEAD', headers: { accept, authorization: `Bearer ${token}` } });
  }
  if (res.status === 200) return { exists: true, url };
  if (res.status === 404) return { exists: false, url };
  throw new Error(`HEAD ${url} returned ${res.status}`);
}

async function checkChart(
  fetch: Fetch,
  c: ChartRequirement,
  cache: Map<string, Promise<unknown>>,
): Promise<CheckRow> {
  const check = `helm chart ${c.chart}`;
  const what = `${c.chart} ${c.version} from ${c.repository}`;
  try {
    if (c.repository.startsWith('oci://')) {
      // Helm stores chart versions as tags, with `+` (not allowed in a tag) written as `_`.
      const { exists, url } = await ociTagExists(fetch, c.repository, c.version.replace(/\+/g, '_'));
      return exists
        ? row(check, 'pass', `${what}: tag found (${url})`)
        : row(check, 'fail', `${what}: no such tag in the registry: change the pin in src/versions.ts`);
    }
    const { url, index } = await indexVersions(fetch, c.repository, cache);
    const versions = (index.entries?.[c.chart] ?? []).map((e) => String(e.version));
    if (versions.includes(c.version)) return row(check, 'pass', `${what}: listed in ${url}`);
    return row(
      check,
      'fail',
      versions.length === 0
        ? `${what}: ${url} lists no chart named ${c.chart}`
        : `${what}: not in ${url} (newest listed: ${versions.slice(0, 3).join(', ')}): change the pin in src/versions.ts`,
    );
  } catch (err) {
    // Unreachable from here says nothing about the deploy (the chart is pulled from inside the VPC).
    return row(check, 'warn', `${what}: could not check from here: ${describeError(err)}`);
  }
}

/** Every Helm chart version the templates install is published by its repository. */
export async function checkCharts(req: Requirements, fetch: Fetch): Promise<CheckRow[]> {
  const cache = new Map<string, Promise<unknown>>();
  const timed: Fetch = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  return Promise.all(req.charts.map((c) => checkChart(timed, c, cache)));
}
