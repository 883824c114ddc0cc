import { resolve } from 'node:path';
import {
  AbortError,
  type DeployOptions,
  type DeployResult,
  type ICloudAssemblySource,
  type IIoHost,
  ToolkitError,
} from '@aws-cdk/toolkit-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHITECTURE_FACTORIES, type ArchitectureFactory } from '../../src/app/architectures';
import { runDeployCommand } from '../../src/cli/commands/deploy';
import { PublishedValue } from '../../src/constructs/published-value';
import { type DevServer, startDevServer } from '../../src/dev/server';
import {
  type DeployDependencies,
  type DeployGate,
  type DeployToolkit,
  type HealthProbes,
  networkProbes,
} from '../../src/release/deploy';
import {
  type HttpRequest,
  NOT_CHECKED_PRIVATE,
  parameterOfOutputDescription,
} from '../../src/release/health';
import { readAssembly } from '../../src/release/plan';
import { EnvironmentStack } from '../../src/stacks/environment-stack';

const CONFIG = resolve('test/release/fixtures/deploy.yaml');

/** Light stand-ins for the architecture stacks: they publish what health checks look for. */
function publishing(arch: 'webapp' | 'eks' | 'druid', ...keys: string[]): ArchitectureFactory {
  return ({ scope, platform, environment }) => {
    const stack = new EnvironmentStack(scope, arch, { platform, environment, architecture: arch });
    for (const key of keys) {
      new PublishedValue(stack, `Published-${key.replace(/\//g, '-')}`, {
        naming: environment.naming,
        architecture: arch,
        key,
        value: `placeholder-${arch}`,
        description: `${arch} ${key}`,
      });
    }
    return stack;
  };
}
const saved = { ...ARCHITECTURE_FACTORIES };
beforeAll(() => {
  ARCHITECTURE_FACTORIES.webapp = publishing(
    'webapp',
    'api/url',
    'user-pool/id',
    'user-pool/domain',
    'user-pool/health-client-id',
  );
  ARCHITECTURE_FACTORIES.eks = publishing('eks', 'cluster/endpoint');
  ARCHITECTURE_FACTORIES.druid = publishing('druid', 'metadata-db/endpoint');
});
afterAll(() => Object.assign(ARCHITECTURE_FACTORIES, saved));

const OUTPUT_VALUES: Record<string, string> = {
  '/fastish/dev/webapp/api/url': 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/',
  '/fastish/dev/webapp/user-pool/id': 'eu-west-1_AbCdEf',
  '/fastish/dev/webapp/user-pool/domain': 'https://acme-dev-auth.auth.eu-west-1.amazoncognito.com',
  '/fastish/dev/webapp/user-pool/health-client-id': 'healthclient123',
  '/fastish/dev/eks/cluster/endpoint': 'https://ABC.gr7.eu-west-1.eks.amazonaws.com',
  '/fastish/dev/druid/metadata-db/endpoint': 'meta.cluster-xyz.eu-west-1.rds.amazonaws.com:5432',
};

interface FakeBehaviour {
  /** Stack name whose deployment fails (CloudFormation rolls it back). */
  readonly failAt?: string;
  /** Output values to use instead of OUTPUT_VALUES, by parameter. */
  readonly outputs?: Record<string, string>;
}

/** The AWS boundary: behaves like toolkit-lib's deploy (order, I5060 confirmation, events, abort). */
class FakeToolkit implements DeployToolkit {
  dir = '';
  options?: DeployOptions;
  readonly questions: string[] = [];
  constructor(
    private readonly io: IIoHost,
    private readonly behaviour: FakeBehaviour,
  ) {}

  async fromAssemblyDirectory(directory: string): Promise<ICloudAssemblySource> {
    this.dir = directory;
    return { produce: async () => ({}) } as unknown as ICloudAssemblySource;
  }

  async deploy(_cx: ICloudAssemblySource, options?: DeployOptions): Promise<DeployResult> {
    this.options = options;
    const pattern = options?.stacks?.patterns?.[0] ?? '';
    // As the toolkit's glob: `dev/*` selects the stage's own stacks, not those of `dev/operator`.
    const stacks = readAssembly(this.dir).filter((s) =>
      pattern.endsWith('/*')
        ? s.id.startsWith(pattern.slice(0, -1)) && !s.id.slice(pattern.length - 1).includes('/')
        : s.id === pattern,
    );
    const deployed: DeployResult['stacks'][number][] = [];
    const msg = (code: string, data: unknown, message = '') => ({
      time: new Date(),
      level: 'info' as const,
      action: 'deploy' as const,
      code: code as never,
      message,
      data,
    });
    for (const [i, stack] of stacks.entries()) {
      await this.io.notify(msg('CDK_TOOLKIT_I5100', { current: i + 1, total: stacks.length, stack }));
      const question = `Resources\n[+] changes in ${stack.stackName}\n\nStack includes updates. Do you wish to deploy these changes?`;
      this.questions.push(question);
      const ok = await this.io.requestResponse({
        ...msg('CDK_TOOLKIT_I5060', {}, question),
        defaultResponse: true,
      });
      if (!ok) throw new AbortError('DeployAborted', 'Deployment cancelled');
      if (this.behaviour.failAt === stack.stackName) {
        const event = (
          ResourceType: string,
          LogicalResourceId: string,
          ResourceStatus: string,
          reason: string,
        ) =>
          this.io.notify(
            msg('CDK_TOOLKIT_I5502', {
              event: {
                StackName: stack.stackName,
                ResourceType,
                LogicalResourceId,
                ResourceStatus,
                ResourceStatusReason: reason,
              },
            }),
          );
        await event('AWS::SSM::Parameter', 'EndpointParameter', 'CREATE_FAILED', 'Parameter already exists');
        await event(
          'AWS::CloudFormation::Stack',
          stack.stackName,
          'UPDATE_ROLLBACK_COMPLETE',
          'Resource(s) failed',
        );
        throw new ToolkitError(
          'DeployFailed',
          `The stack named ${stack.stackName} failed to deploy: UPDATE_ROLLBACK_COMPLETE`,
        );
      }
      const outputs: Record<string, string> = {};
      for (const [key, out] of Object.entries(
        (stack.template.Outputs ?? {}) as Record<string, { Description?: string }>,
      )) {
        // Every environment answers with the same fake endpoints.
        const param = parameterOfOutputDescription(out.Description)?.replace(
          /^\/fastish\/[^/]+\//,
          '/fastish/dev/',
        );
        const value = param ? (this.behaviour.outputs?.[param] ?? OUTPUT_VALUES[param]) : undefined;
        if (value) outputs[key] = value;
      }
      const arn = `arn:aws:cloudformation:eu-west-1:222222222222:stack/${stack.stackName}/1`;
      await this.io.notify(msg('CDK_TOOLKIT_I5900', { stackArn: arn }, `✅ ${stack.stackName}`));
      deployed.push({
        stackName: stack.stackName,
        hierarchicalId: stack.id,
        environment: { account: '222222222222', region: 'eu-west-1', name: 'aws://222222222222/eu-west-1' },
        stackArn: arn,
        outputs,
        deleteFailures: [],
      } as never);
    }
    return { stacks: deployed };
  }
}

interface Harness {
  code: number;
  out: string;
  err: string;
  toolkit?: FakeToolkit;
  confirmations: string[];
  probed: string[];
  secretsRead: string[];
}

/** The fake AWS answers: a token from the token endpoint, 200 from the deep check, 403 from the EKS API. */
async function fakeHttp(request: HttpRequest): Promise<{ status: number; body: string }> {
  if (request.url.endsWith('/oauth2/token')) return { status: 200, body: '{"access_token":"a.b.c"}' };
  if (request.url.endsWith('/health/deep')) {
    return { status: 200, body: '{"status":"ok","checks":[{"name":"authorizer"},{"name":"sts"}]}' };
  }
  return { status: 403, body: '' };
}

async function deploy(
  args: string[],
  options: {
    behaviour?: FakeBehaviour;
    gates?: DeployGate[];
    answer?: boolean;
    probes?: Partial<HealthProbes>;
  } = {},
): Promise<Harness> {
  const h: Harness = { code: -1, out: '', err: '', confirmations: [], probed: [], secretsRead: [] };
  const deps: Partial<DeployDependencies> = {
    createToolkit: (io) => {
      h.toolkit = new FakeToolkit(io, options.behaviour ?? {});
      return h.toolkit;
    },
    confirm: async (q) => {
      h.confirmations.push(q);
      return options.answer ?? true;
    },
    gates: options.gates ?? [
      { name: 'checks', run: () => ({ name: 'checks', passed: true, details: ['0 findings'] }) },
    ],
    probes: {
      http: async (request, timeout) => {
        h.probed.push(`${request.method} ${request.url}`);
        return (options.probes?.http ?? fakeHttp)(request, timeout);
      },
      healthClientSecret: async (target) => {
        h.secretsRead.push(`${target.region} ${target.userPoolId} ${target.clientId}`);
        return options.probes?.healthClientSecret ? options.probes.healthClientSecret(target) : 'secret';
      },
    },
  };
  h.code = await runDeployCommand(args, { out: (t) => (h.out += t), err: (t) => (h.err += t) }, deps);
  return h;
}

describe('fastish deploy (AWS boundary faked)', () => {
  it('deploys every stack of the environment in order with change sets and rollback, then health-checks', async () => {
    const h = await deploy(['dev', '--config', CONFIG]);
    expect(h.code, h.out + h.err).toBe(0);
    expect(h.toolkit?.options).toMatchObject({
      stacks: { patterns: ['dev/*'] },
      deploymentMethod: { method: 'change-set' },
      rollback: true,
      concurrency: 1,
    });
    expect(h.out).toContain('Deploy dev: SUCCEEDED');
    expect(h.out).toContain(
      'Deployed: acme-dev-bootstrap, acme-dev-teams, acme-dev-webapp, acme-dev-eks, acme-dev-druid',
    );
    // One confirmation per stack, each showing the change-set diff.
    expect(h.confirmations).toHaveLength(5);
    expect(h.confirmations[0]).toContain('changes in acme-dev-bootstrap');
    // The API gets the deep check (secret with the deploying credentials, token, /health/deep); the public
    // EKS endpoint an HTTPS probe; the private Aurora endpoint no probe at all.
    expect(h.secretsRead).toEqual(['eu-west-1 eu-west-1_AbCdEf healthclient123']);
    expect(h.probed).toEqual([
      'POST https://acme-dev-auth.auth.eu-west-1.amazoncognito.com/oauth2/token',
      'GET https://abc.execute-api.eu-west-1.amazonaws.com/prod/health/deep',
      'GET https://ABC.gr7.eu-west-1.eks.amazonaws.com/readyz',
    ]);
    expect(h.out).toMatch(
      /api\s+acme-dev-webapp\s+\S+\/prod\/health\/deep\s+passed\s+authorizer, sts passed/,
    );
    expect(h.out).toMatch(
      /database .*rds\.amazonaws\.com:5432\s+skipped\s+not checked from here: private endpoint/,
    );
  });

  it('--yes approves without asking', async () => {
    const h = await deploy(['dev', '--yes', '--config', CONFIG]);
    expect(h.code).toBe(0);
    expect(h.confirmations).toEqual([]);
    expect(h.err).toContain('(--yes: approved)');
  });

  it('a failing gate stops before anything is deployed', async () => {
    const h = await deploy(['dev', '--config', CONFIG], {
      gates: [
        {
          name: 'checks',
          run: () => ({
            name: 'checks',
            passed: false,
            details: ['1 blocking finding', 'acme-dev-webapp AwsSolutions-S1 …'],
          }),
        },
      ],
    });
    expect(h.code).toBe(1);
    expect(h.toolkit).toBeUndefined();
    expect(h.out).toContain('GATES-FAILED');
    expect(h.out).toContain('AwsSolutions-S1');
    expect(h.out).toContain('nothing was deployed');
  });

  it('an invalid environment is reported before any synth (exit 2, like config errors)', async () => {
    const h = await deploy(['staging', '--config', CONFIG]);
    expect(h.code).toBe(2);
    expect(h.toolkit).toBeUndefined();
    expect(h.out).toContain('unknown environment "staging"; the config defines: dev, prod');
  });

  it('declining the confirmation deploys nothing further', async () => {
    const h = await deploy(['dev', '--config', CONFIG], { answer: false });
    expect(h.code).toBe(1);
    expect(h.confirmations).toHaveLength(1);
    expect(h.out).toContain('Deploy dev: DECLINED');
    expect(h.out).toContain('0 stack(s) deployed before the declined change set');
    expect(h.probed).toEqual([]);
  });

  it('a failed deployment reports the rollback and the failed resource', async () => {
    const h = await deploy(['dev', '--yes', '--config', CONFIG], { behaviour: { failAt: 'acme-dev-eks' } });
    expect(h.code).toBe(1);
    expect(h.out).toContain('Deploy dev: FAILED');
    expect(h.out).toContain('Deployed: acme-dev-bootstrap, acme-dev-teams, acme-dev-webapp');
    expect(h.out).toMatch(/acme-dev-eks\s+UPDATE_ROLLBACK_COMPLETE/);
    expect(h.out).toContain('rolled back automatically to the last good state: acme-dev-eks');
    expect(h.out).toContain(
      'EndpointParameter (AWS::SSM::Parameter) CREATE_FAILED: Parameter already exists',
    );
    expect(h.probed).toEqual([]);
  });

  it('a failed health check exits non-zero and names the failed dependency', async () => {
    const h = await deploy(['dev', '--yes', '--config', CONFIG], {
      probes: {
        http: async (request) =>
          request.url.endsWith('/health/deep')
            ? { status: 401, body: '{"error":{"code":"unauthorized","message":"Missing or invalid token"}}' }
            : fakeHttp(request),
      },
    });
    expect(h.code).toBe(1);
    expect(h.out).toContain('Deploy dev: UNHEALTHY');
    expect(h.out).toMatch(/api .*failed\s+GET returned 401 unauthorized/);
    // 403 from the EKS API still proves it is reachable.
    expect(h.out).toMatch(/kubernetes .*passed\s+API server answered HTTP 403/);
    expect(h.out).toContain('1 health check(s) failed');
  });

  it('private endpoints (EKS without public CIDRs, Aurora) are reported as not checked, never probed', async () => {
    const h = await deploy(['prod', '--yes', '--config', CONFIG]);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/kubernetes .*skipped\s+not checked from here: private endpoint/);
    expect(h.out.split(NOT_CHECKED_PRIVATE)).toHaveLength(3); // EKS and the database
    expect(h.probed.filter((p) => !p.includes('/oauth2/token') && !p.endsWith('/health/deep'))).toEqual([]);
  });

  it('`deploy release` deploys only the pipeline stack, in the pipeline environment', async () => {
    const h = await deploy(['release', '--yes', '--config', resolve('test/release/fixtures/release.yaml')]);
    expect(h.code, h.out).toBe(0);
    expect(h.toolkit?.options?.stacks?.patterns).toEqual(['release']);
    expect(h.out).toContain('Deployed: acme-dev-release');
  });

  it('--json reports machine-readably', async () => {
    const h = await deploy(['dev', '--yes', '--json', '--config', CONFIG]);
    const report = JSON.parse(h.out) as { status: string; health: { status: string }[] };
    expect(report.status).toBe('succeeded');
    expect(report.health.map((x) => x.status)).toEqual(['passed', 'passed', 'skipped']);
  });
});

describe('fastish deploy: the deep check against the dev server (the handlers that ship)', () => {
  let server: DevServer;
  beforeAll(async () => {
    server = await startDevServer({ logLevel: 'SILENT' });
  });
  afterAll(() => server.stop());

  const run = () =>
    deploy(['dev', '--yes', '--config', CONFIG], {
      behaviour: {
        outputs: {
          '/fastish/dev/webapp/api/url': `${server.url}/`,
          '/fastish/dev/webapp/user-pool/domain': server.url,
          '/fastish/dev/webapp/user-pool/health-client-id': server.healthClient.clientId,
        },
      },
      probes: {
        http: (request, timeout) =>
          request.url.startsWith(server.url) ? networkProbes.http(request, timeout) : fakeHttp(request),
        healthClientSecret: async () => server.healthClient.clientSecret,
      },
    });

  it('passes through the authorizer, STS and DynamoDB, and names DynamoDB when it is down', async () => {
    const ok = await run();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/api .*\/health\/deep\s+passed\s+authorizer, sts, dynamodb, isolation passed/);
    await server.dynamo.stop();
    const down = await run();
    expect(down.code).toBe(1);
    expect(down.out).toMatch(/api .*\/health\/deep\s+failed\s+dynamodb failed: ECONNREFUSED/);
  });
});
