import { resolve } from 'node:path';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runSmokeCommand } from '../../src/cli/commands/smoke';
import { main } from '../../src/cli/main';
import { type DevServer, startDevServer } from '../../src/dev/server';
import { NOT_CHECKED_PRIVATE } from '../../src/release/health';
import type { SmokeDependencies } from '../../src/release/smoke';
import { call, onboard } from '../runtime/harness';
import {
  type DruidBehaviour,
  type FakeApi,
  fakeDruid,
  fakeKubernetes,
  type KubernetesBehaviour,
  verifyEksToken,
} from './smoke-fakes';

const CONFIG = resolve('test/release/fixtures/deploy.yaml');
const START = Date.parse('2026-03-01T12:00:00Z');
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIDSMOKETEST',
  AWS_SECRET_ACCESS_KEY: 'smoke-secret-key',
  AWS_SESSION_TOKEN: 'session',
};

const ssm = mockClient(SSMClient);
const eks = mockClient(EKSClient);
const secrets = mockClient(SecretsManagerClient);

let server: DevServer;
let adminUserId: string;
let operator: string;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  // The EKS token is presigned with whatever the SDK's default chain finds: here, these (no network).
  for (const [k, v] of Object.entries(CREDENTIALS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  server = await startDevServer({ logLevel: 'SILENT' });
  operator = await server.mintToken({ tenantId: 'platform', role: 'operator' });
  adminUserId = (await onboard(server, operator, 'smoke', 'premium')).adminUserId;
});
afterAll(async () => {
  await server.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

interface World {
  kubernetes?: Partial<KubernetesBehaviour>;
  druid?: Partial<DruidBehaviour>;
  published?: Record<string, string>;
  signIn?: SmokeDependencies['signIn'];
}

const RECENT = new Date(START - 60_000).toISOString();
const OLD = new Date(START - 86_400_000).toISOString();
const NODES = [
  { name: 'ip-10-0-1-10', ready: true, createdAt: OLD },
  { name: 'ip-10-0-2-20', ready: true, createdAt: OLD, nodepool: 'default' },
];

/** Runs `fastish smoke` against the dev server (web API) and local Kubernetes and Druid fakes. */
async function smoke(args: string[], world: World = {}) {
  const apis: FakeApi[] = [];
  const tokens: string[] = [];
  const k8s = await fakeKubernetes({
    nodes: NODES,
    scheduleOn: 'ip-10-0-2-20',
    pendingPolls: 2,
    authenticate: (token) => {
      tokens.push(token);
      return verifyEksToken(token, 'acme-dev-eks', CREDENTIALS.AWS_ACCESS_KEY_ID).ok;
    },
    ...world.kubernetes,
  });
  const druid = await fakeDruid({
    password: 'druid-admin-pw',
    taskStatus: 'SUCCESS',
    unloadedQueries: 1,
    ...world.druid,
  });
  apis.push(k8s, druid);
  const published: Record<string, string> = {
    '/fastish/dev/webapp/api/url': `${server.url}/`,
    '/fastish/dev/webapp/user-pool/id': 'eu-west-1_Smoke',
    '/fastish/dev/webapp/user-pool/client-id': 'console-client',
    '/fastish/dev/eks/cluster/name': 'acme-dev-eks',
    '/fastish/dev/druid/router/url': druid.url,
    '/fastish/dev/druid/secrets/admin-password-arn':
      'arn:aws:secretsmanager:eu-west-1:222222222222:secret:druid-admin',
    ...world.published,
  };
  ssm.reset();
  ssm.on(GetParametersCommand).callsFake(({ Names }: { Names: string[] }) => ({
    Parameters: Names.filter((n) => published[n]).map((Name) => ({ Name, Value: published[Name] })),
    InvalidParameters: Names.filter((n) => !published[n]),
  }));
  eks.reset();
  eks.on(DescribeClusterCommand, { name: 'acme-dev-eks' }).resolves({
    cluster: {
      endpoint: k8s.url,
      certificateAuthority: { data: Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64') },
    },
  });
  secrets.reset();
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'druid-admin-pw' });

  let clock = START;
  const signIns: string[] = [];
  const result = { code: -1, out: '', err: '', k8s, druid, tokens, signIns };
  try {
    result.code = await runSmokeCommand(
      ['--config', CONFIG, ...args],
      { out: (t) => (result.out += t), err: (t) => (result.err += t) },
      {
        // The smoke user: an ordinary admin of the smoke tenant, its token from the local issuer.
        signIn:
          world.signIn ??
          (async (t) => {
            signIns.push(`${t.userPoolId} ${t.clientId} ${t.secretName}`);
            const idToken = await server.mintToken({
              tenantId: 'smoke',
              role: 'admin',
              userId: adminUserId,
              tier: 'premium',
            });
            return { idToken, user: 'smoke-admin@smoke.test' };
          }),
        sleep: async (ms) => {
          clock += ms;
        },
        now: () => clock,
        timing: { requestMs: 5_000, podMs: 60_000, taskMs: 60_000, queryMs: 60_000, pollMs: 5_000 },
      },
    );
  } finally {
    await Promise.all(apis.map((a) => a.close()));
  }
  return result;
}

describe('fastish smoke (web API on the dev server, Kubernetes and Druid on local fakes)', () => {
  beforeEach(async () => {
    // A suspension left by a test would fail the next one.
    await call(server, 'POST', '/tenants/smoke/resume', { token: operator });
  });

  it('signs in, creates, reads and deletes an item; nodes Ready; a pod on a Karpenter node; Druid rows back', async () => {
    const r = await smoke(['--env', 'dev', '--in-vpc']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/web api: sign-in\s+pass\s+ID token for smoke-admin@smoke\.test/);
    expect(r.out).toMatch(/web api: create\s+pass\s+POST \/items → 201, item (\S+), ETag "1"/);
    expect(r.out).toMatch(/web api: read\s+pass\s+GET \/items\/\S+ → 200, the same item/);
    expect(r.out).toMatch(/web api: delete\s+pass\s+DELETE \/items\/\S+ → 204, then GET → 404/);
    expect(r.signIns).toEqual(['eu-west-1_Smoke console-client acme-dev-webapp-smoke-user']);
    expect(r.out).toMatch(/eks: nodes\s+pass\s+2\/2 Ready \(1 launched by Karpenter\)/);
    expect(r.out).toMatch(
      /eks: karpenter pod\s+pass\s+pod fastish-smoke-[0-9a-f]{8} Running on ip-10-0-2-20 \(NodePool default\) after 10 s/,
    );
    expect(r.out).toMatch(
      /druid: ingest\s+pass\s+task index_parallel_fastish_smoke_1 SUCCESS .*3 rows into fastish_smoke/,
    );
    expect(r.out).toMatch(
      /druid: query\s+pass\s+SQL through the router returned this run's 3 rows \(total 6\)/,
    );
    // Every Kubernetes call carried a token the EKS authenticator would accept; nothing is left behind.
    expect(r.tokens.length).toBeGreaterThan(3);
    expect(r.k8s.pods.size).toBe(0);
    expect(r.k8s.requests.at(-1)).toMatch(
      /^DELETE \/api\/v1\/namespaces\/default\/pods\/fastish-smoke-\w+\?gracePeriodSeconds=0$/,
    );
    expect(r.druid.datasources.has('fastish_smoke')).toBe(false);
  });

  it('web api: a failed step is a failure naming the request and status; the rest is skipped', async () => {
    await call(server, 'POST', '/tenants/smoke/suspend', { token: operator });
    const r = await smoke(['--env', 'dev']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/web api: create\s+FAIL\s+POST \/items → 403 tenant_suspended/);
    expect(r.out).toMatch(/web api: read\s+skip\s+not run: create failed/);
    const noUser = await smoke(['--env', 'dev'], {
      signIn: async () => {
        throw new Error(
          'no secret acme-dev-webapp-smoke-user: create it as docs/operations.md ("Smoke test") describes',
        );
      },
    });
    expect(noUser.code).toBe(1);
    expect(noUser.out).toMatch(/web api: sign-in\s+FAIL\s+no secret acme-dev-webapp-smoke-user/);
    // A token the API does not accept: the authorizer's 401.
    const forged = await smoke(['--env', 'dev'], {
      signIn: async () => ({ idToken: 'a.b.c', user: 'forged' }),
    });
    expect(forged.out).toMatch(/web api: create\s+FAIL\s+POST \/items → 401 unauthorized/);
  });

  it('web api: values the stack did not publish are a failure naming the parameter', async () => {
    const r = await smoke(['--env', 'dev'], { published: { '/fastish/dev/webapp/api/url': '' } });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /web api: sign-in\s+FAIL\s+\/fastish\/dev\/webapp\/api\/url is not published: is acme-dev-webapp deployed\?/,
    );
  });

  it('eks: a node NotReady for long fails (one still joining does not)', async () => {
    const nodes = [
      ...NODES,
      { name: 'ip-10-0-3-30', ready: false, createdAt: OLD, nodepool: 'default' },
      { name: 'ip-10-0-3-31', ready: false, createdAt: RECENT, nodepool: 'default' },
    ];
    const r = await smoke(['--env', 'dev'], { kubernetes: { nodes } });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /eks: nodes\s+FAIL\s+2\/4 Ready \(3 launched by Karpenter\), 1 joining; not Ready: ip-10-0-3-30$/m,
    );
    const joining = await smoke(['--env', 'dev'], {
      kubernetes: { nodes: nodes.filter((n) => n.name !== 'ip-10-0-3-30') },
    });
    expect(joining.out).toMatch(/eks: nodes\s+pass\s+2\/3 Ready \(2 launched by Karpenter\), 1 joining/);
  });

  it('eks: a pod Karpenter never places fails with the scheduler message, and is deleted', async () => {
    const r = await smoke(['--env', 'dev'], { kubernetes: { scheduleOn: undefined } });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /eks: karpenter pod\s+FAIL\s+pod fastish-smoke-\w+ not Running after 60 s \(Pending: 0\/2 nodes are available/,
    );
    expect(r.k8s.pods.size).toBe(0);
    const rejected = await smoke(['--env', 'dev'], { kubernetes: { authenticate: () => false } });
    expect(rejected.out).toMatch(/eks: nodes\s+FAIL\s+GET \/api\/v1\/nodes → 401/);
    expect(rejected.out).toMatch(/eks: karpenter pod\s+skip/);
  });

  it('druid: a failed ingestion task fails ingest and skips the query', async () => {
    const r = await smoke(['--env', 'dev', '--in-vpc'], {
      druid: { taskStatus: 'FAILED', errorMsg: 'No permission to write' },
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /druid: ingest\s+FAIL\s+task index_parallel_fastish_smoke_1 is FAILED: No permission to write/,
    );
    expect(r.out).toMatch(/druid: query\s+skip\s+not run: nothing was ingested/);
  });

  it('druid: rows never served fail the query; a wrong password fails the submission', async () => {
    const r = await smoke(['--env', 'dev', '--in-vpc'], { druid: { neverServed: true } });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /druid: query\s+FAIL\s+this run's rows not queryable after 60 s \(last answer: 0 row\(s\), total 0\)/,
    );
    const wrong = await smoke(['--env', 'dev', '--in-vpc'], { druid: { password: 'another' } });
    expect(wrong.out).toMatch(/druid: ingest\s+FAIL\s+POST \/druid\/indexer\/v1\/task → 401 Unauthorized/);
  });

  it('private endpoints are not checked from here without --in-vpc, and never contacted', async () => {
    const prod = await smoke(['--env', 'prod'], {
      published: {
        '/fastish/prod/webapp/api/url': `${server.url}/`,
        '/fastish/prod/webapp/user-pool/id': 'p',
        '/fastish/prod/webapp/user-pool/client-id': 'c',
      },
    });
    expect(prod.code, prod.out).toBe(0);
    expect(prod.out).toMatch(new RegExp(`eks: nodes\\s+skip\\s+${NOT_CHECKED_PRIVATE} \\(the EKS API`));
    expect(prod.out).toMatch(
      new RegExp(`druid: ingest\\s+skip\\s+${NOT_CHECKED_PRIVATE} \\(the router's internal load balancer`),
    );
    expect(prod.k8s.requests).toEqual([]);
    expect(prod.druid.requests).toEqual([]);
    // dev opens the EKS API to public CIDRs: checked without --in-vpc; the router still is not.
    const dev = await smoke(['--env', 'dev']);
    expect(dev.out).toMatch(/eks: nodes\s+pass/);
    expect(dev.druid.requests).toEqual([]);
  });

  it('is a CLI command; --env is required', async () => {
    const io = { out: '', err: '' };
    const cli = (argv: string[]) => main(argv, { out: (t) => (io.out += t), err: (t) => (io.err += t) });
    expect(await cli(['smoke', '--config', CONFIG])).toBe(2);
    expect(io.err).toContain('--env <name> is required');
    expect(await cli(['--help'])).toBe(0);
    expect(io.out).toMatch(/smoke\s+After a deploy/);
  });
});
