import { randomBytes } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { EnvironmentModel } from '../../config';
import { type CheckRow, describeError, row } from '../check-rows';
import { NOT_CHECKED_PRIVATE } from '../health';
import { type SmokeUser, srpSignIn } from './cognito-srp';
import { smokeDruid } from './druid';
import { eksToken } from './eks-token';
import { nodeHttp, type SmokeHttp } from './http';
import { smokeKubernetes } from './kubernetes';
import { type Published, publishedValue, readPublished, SMOKE_KEYS } from './published';
import { smokeWebApi } from './web-api';

export { SMOKE_DATASOURCE } from './druid';
export { eksTokenFor, presignUrl } from './eks-token';
export type { SmokeHttp, SmokeRequest, SmokeResponse } from './http';
export { nodeHttp } from './http';
export { SMOKE_POD_IMAGE } from './kubernetes';

export interface SignInTarget {
  readonly region: string;
  readonly userPoolId: string;
  /** The console's app client (the only one whose ID tokens the API accepts). */
  readonly clientId: string;
  /** Secrets Manager secret holding the smoke user: `{"username", "password", "totpSecret"?}`. */
  readonly secretName: string;
}

export interface SmokeTiming {
  readonly requestMs: number;
  readonly podMs: number;
  readonly taskMs: number;
  readonly queryMs: number;
  readonly pollMs: number;
}

export interface SmokeDependencies {
  readonly http: SmokeHttp;
  /** The smoke user's ID token. @default Cognito SRP sign-in with the user stored in Secrets Manager */
  readonly signIn: (target: SignInTarget) => Promise<{ idToken: string; user: string }>;
  /** Bearer token for the EKS API. @default a presigned STS call with the operator's credentials */
  readonly eksToken: (clusterName: string, region: string) => Promise<string>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly progress: (line: string) => void;
  readonly timing: SmokeTiming;
}

export interface SmokeOptions {
  /** This machine is inside the VPC: the internal Druid router (and a private EKS API) are reachable. */
  readonly inVpc: boolean;
  /** @default `<org>-<env>-webapp-smoke-user` */
  readonly smokeSecret?: string;
}

export interface SmokeReport {
  readonly environment: string;
  readonly runId: string;
  readonly rows: readonly CheckRow[];
}

/** The secret an operator creates once per environment for the smoke user (docs/operations.md). */
export const smokeSecretName = (env: EnvironmentModel) => env.naming.name('secret', 'webapp', 'smoke-user');

async function secretString(region: string, secretId: string): Promise<string> {
  const client = new SecretsManagerClient({ region });
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!out.SecretString) throw new Error(`secret ${secretId} has no string value`);
    return out.SecretString;
  } catch (err) {
    if ((err as Error).name === 'ResourceNotFoundException') {
      throw new Error(`no secret ${secretId}: create it as docs/operations.md ("Smoke test") describes`);
    }
    throw err;
  } finally {
    client.destroy();
  }
}

/** The default sign-in: the smoke user from Secrets Manager, through Cognito's SRP flow. */
export async function cognitoSignIn(t: SignInTarget): Promise<{ idToken: string; user: string }> {
  const raw = JSON.parse(await secretString(t.region, t.secretName)) as Partial<SmokeUser>;
  if (typeof raw.username !== 'string' || typeof raw.password !== 'string') {
    throw new Error(`secret ${t.secretName} must be JSON {"username", "password", "totpSecret"?}`);
  }
  const user: SmokeUser = {
    username: raw.username,
    password: raw.password,
    ...(raw.totpSecret ? { totpSecret: raw.totpSecret } : {}),
  };
  const cognito = new CognitoIdentityProviderClient({ region: t.region });
  try {
    return { idToken: await srpSignIn(cognito, t, user), user: user.username };
  } finally {
    cognito.destroy();
  }
}

export function defaultSmokeDependencies(progress: (line: string) => void): SmokeDependencies {
  return {
    http: nodeHttp,
    signIn: cognitoSignIn,
    eksToken,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
    progress,
    timing: { requestMs: 15_000, podMs: 300_000, taskMs: 600_000, queryMs: 300_000, pollMs: 5_000 },
  };
}

const skipped = (checks: string[], why: string) => checks.map((c) => row(c, 'skip', why));

async function kubernetesRows(
  env: EnvironmentModel,
  published: Published,
  runId: string,
  deps: SmokeDependencies,
) {
  const clusterName = publishedValue(published, env, 'eks', SMOKE_KEYS.eks.clusterName);
  const eks = new EKSClient({ region: env.region });
  let cluster: { endpoint?: string; certificateAuthority?: { data?: string } } | undefined;
  try {
    cluster = (await eks.send(new DescribeClusterCommand({ name: clusterName }))).cluster;
  } finally {
    eks.destroy();
  }
  if (!cluster?.endpoint) throw new Error(`cluster ${clusterName} has no endpoint yet`);
  const ca = cluster.certificateAuthority?.data;
  return smokeKubernetes(
    {
      endpoint: cluster.endpoint,
      ...(ca ? { ca: Buffer.from(ca, 'base64').toString('utf8') } : {}),
      token: await deps.eksToken(clusterName, env.region),
    },
    deps.http,
    runId,
    { ...deps.timing, sleep: deps.sleep, now: deps.now },
  );
}

async function druidRows(
  env: EnvironmentModel,
  published: Published,
  runId: string,
  deps: SmokeDependencies,
) {
  const routerUrl = publishedValue(published, env, 'druid', SMOKE_KEYS.druid.routerUrl);
  const passwordArn = publishedValue(published, env, 'druid', SMOKE_KEYS.druid.adminPasswordArn);
  const adminPassword = await secretString(env.region, passwordArn);
  return smokeDruid({ routerUrl, adminPassword }, deps.http, runId, {
    ...deps.timing,
    sleep: deps.sleep,
    now: deps.now,
  });
}

/** A step that could not start (a value not published, no cluster) fails its first check and skips the rest. */
async function guarded(checks: string[], run: () => Promise<CheckRow[]>): Promise<CheckRow[]> {
  try {
    return await run();
  } catch (err) {
    const [first = 'smoke', ...rest] = checks;
    return [row(first, 'fail', describeError(err)), ...skipped(rest, `not run: ${first} failed`)];
  }
}

/**
 * `fastish smoke`: the last step of a deploy. What the environment runs, used as its users and operators use
 * it: the web API (sign in, create, read, delete), EKS (nodes Ready, a pod on a Karpenter node) and Druid
 * (ingest, query through the router). Endpoints come from the values the stacks publish in SSM. Endpoints
 * reachable only from the VPC are reported as not checked from here, never probed, unless `--in-vpc`.
 */
export async function runSmoke(
  env: EnvironmentModel,
  options: SmokeOptions,
  deps: SmokeDependencies,
): Promise<SmokeReport> {
  const runId = randomBytes(4).toString('hex');
  const report = (rows: CheckRow[]) => ({ environment: env.name, runId, rows });
  const has = (arch: string) => env.architectures.includes(arch as never);
  deps.progress(`reading the published values of ${env.name}`);
  let published: Published;
  const ssm = new SSMClient({ region: env.region });
  try {
    published = await readPublished(ssm, env);
  } catch (err) {
    return report([
      row('published values', 'fail', `GetParameters /fastish/${env.name}/…: ${describeError(err)}`),
    ]);
  } finally {
    ssm.destroy();
  }
  const rows: CheckRow[] = [];
  if (has('webapp')) {
    deps.progress('web API: sign in, create, read, delete');
    rows.push(
      ...(await guarded(
        ['web api: sign-in', 'web api: create', 'web api: read', 'web api: delete'],
        async () => {
          const value = (key: string) => publishedValue(published, env, 'webapp', key);
          const target: SignInTarget = {
            region: env.region,
            userPoolId: value(SMOKE_KEYS.webapp.userPoolId),
            clientId: value(SMOKE_KEYS.webapp.clientId),
            secretName: options.smokeSecret ?? smokeSecretName(env),
          };
          const apiUrl = value(SMOKE_KEYS.webapp.apiUrl);
          return smokeWebApi(
            { apiUrl, signIn: () => deps.signIn(target) },
            deps.http,
            runId,
            deps.timing.requestMs,
          );
        },
      )),
    );
  }
  if (has('eks')) {
    const checks = ['eks: nodes', 'eks: karpenter pod'];
    if (options.inVpc || env.settings.eks.publicEndpointCidrs.length > 0) {
      deps.progress('EKS: nodes, a pod on a Karpenter node');
      rows.push(...(await guarded(checks, () => kubernetesRows(env, published, runId, deps))));
    } else {
      rows.push(...skipped(checks, `${NOT_CHECKED_PRIVATE} (the EKS API; run with --in-vpc from inside it)`));
    }
  }
  if (has('druid')) {
    const checks = ['druid: ingest', 'druid: query'];
    if (options.inVpc) {
      deps.progress('Druid: ingest, query through the router');
      rows.push(...(await guarded(checks, () => druidRows(env, published, runId, deps))));
    } else {
      rows.push(
        ...skipped(
          checks,
          `${NOT_CHECKED_PRIVATE} (the router's internal load balancer; run with --in-vpc from inside it)`,
        ),
      );
    }
  }
  return report(rows);
}
