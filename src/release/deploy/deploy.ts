import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DeployOptions,
  type DeployResult,
  type ICloudAssemblySource,
  type IIoHost,
  StackSelectionStrategy,
  ToolkitError,
} from '@aws-cdk/toolkit-lib';
import { buildPlatform, createApp, type Platform } from '../../app/platform';
import { ConfigError, type EnvironmentModel, loadConfig, type PlatformModel } from '../../config';
import {
  deepHealthCheck,
  deepHealthUrl,
  HEALTH_CLIENT_KEYS,
  type HealthKind,
  healthTargetOf,
  NOT_CHECKED_PRIVATE,
  parameterOfOutputDescription,
  publishedKey,
  tokenUrl,
} from '../health';
import { readAssembly } from '../plan/assembly';
import type { DeployGate, GateResult } from './gates';
import { DeployIoHost } from './io-host';
import type { HealthProbes } from './probes';

/** The part of @aws-cdk/toolkit-lib's `Toolkit` that deploy uses (faked in tests). */
export interface DeployToolkit {
  fromAssemblyDirectory(directory: string): Promise<ICloudAssemblySource>;
  deploy(cx: ICloudAssemblySource, options?: DeployOptions): Promise<DeployResult>;
}

export interface DeployDependencies {
  /** Creates the toolkit around the IoHost deploy provides (`new Toolkit({ ioHost })` for real). */
  readonly createToolkit: (ioHost: IIoHost) => DeployToolkit;
  /** Asks the person to approve a change set (not called with `--yes`). */
  readonly confirm: (question: string) => Promise<boolean>;
  readonly probes: HealthProbes;
  /** Gates after config validation, before anything is deployed. */
  readonly gates: readonly DeployGate[];
  readonly progress: (line: string) => void;
  /** Health probe timeout. @default 10000 */
  readonly probeTimeoutMs?: number;
}

export interface DeployRequest {
  readonly environment: string;
  readonly configPath: string;
  /** Approve change sets without asking. @default false */
  readonly yes?: boolean;
}

export interface HealthResult {
  readonly kind: HealthKind;
  readonly stack: string;
  readonly target: string;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly detail: string;
}

export type DeployStatus =
  | 'succeeded'
  | 'invalid-config'
  | 'gates-failed'
  | 'declined'
  | 'failed'
  | 'unhealthy';

export interface DeployReport {
  readonly environment: string;
  readonly status: DeployStatus;
  readonly gates: readonly GateResult[];
  /** Stacks deployed (or found unchanged), in deployment order. */
  readonly deployed: readonly string[];
  /** Stacks whose deployment failed, with CloudFormation's last status (rollback state). */
  readonly failures: readonly { readonly stack: string; readonly status: string; readonly reason?: string }[];
  readonly failedResources: readonly string[];
  readonly health: readonly HealthResult[];
  readonly message: string;
}

const ROLLED_BACK = /ROLLBACK_COMPLETE$/;

function selector(pattern: string): DeployOptions {
  return {
    // Every stack of the environment's stage (or the release stack); the toolkit orders them by dependency.
    stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: [pattern] },
    // Change sets: the confirmation shows exactly what CloudFormation will do.
    deploymentMethod: { method: 'change-set' },
    // CloudFormation rolls a failed stack back to its last good state.
    rollback: true,
    // One stack at a time: readable progress, strict dependency order.
    concurrency: 1,
  };
}

interface TargetOutput {
  readonly stack: string;
  readonly kind: HealthKind;
  readonly parameter: string;
  readonly outputKey: string;
  /** Output key of every value the stack publishes, by key below `/fastish/<env>/<arch>/`. */
  readonly siblings: ReadonlyMap<string, string>;
}

function healthOutputs(outdir: string, env: string): TargetOutput[] {
  const targets: TargetOutput[] = [];
  for (const stack of readAssembly(outdir)) {
    if (!stack.id.startsWith(`${env}/`)) continue;
    const outputs = (stack.template.Outputs ?? {}) as Record<string, { Description?: unknown }>;
    const siblings = new Map<string, string>();
    const found: Omit<TargetOutput, 'siblings'>[] = [];
    for (const [outputKey, output] of Object.entries(outputs)) {
      const parameter = parameterOfOutputDescription(output.Description);
      if (!parameter) continue;
      const key = publishedKey(parameter)?.key;
      if (key) siblings.set(key, outputKey);
      const target = healthTargetOf(parameter);
      if (target) found.push({ stack: stack.stackName, kind: target.kind, parameter, outputKey });
    }
    targets.push(...found.map((t) => ({ ...t, siblings })));
  }
  return targets;
}

/** The deep check of a deployed API: the health client's secret, a token, `GET /health/deep`. */
async function checkApi(
  t: TargetOutput,
  apiUrl: string,
  outputs: Record<string, string>,
  env: EnvironmentModel,
  deps: DeployDependencies,
  timeout: number,
): Promise<Pick<HealthResult, 'target' | 'status' | 'detail'>> {
  const target = deepHealthUrl(apiUrl);
  const value = (key: string) => outputs[t.siblings.get(key) ?? ''];
  const userPoolId = value(HEALTH_CLIENT_KEYS.userPoolId);
  const clientId = value(HEALTH_CLIENT_KEYS.clientId);
  const domain = value(HEALTH_CLIENT_KEYS.domain);
  if (!userPoolId || !clientId || !domain) {
    const missing = Object.values(HEALTH_CLIENT_KEYS).filter((k) => !value(k));
    return { target, status: 'failed', detail: `published ${missing.join(', ')} missing: no health client` };
  }
  const clientSecret = await deps.probes.healthClientSecret({ region: env.region, userPoolId, clientId });
  const result = await deepHealthCheck(
    { apiUrl, tokenUrl: tokenUrl(domain), clientId, clientSecret },
    deps.probes.http,
    timeout,
  );
  return { target, status: result.passed ? 'passed' : 'failed', detail: result.detail };
}

async function checkHealth(
  targets: readonly TargetOutput[],
  result: DeployResult,
  env: EnvironmentModel,
  deps: DeployDependencies,
): Promise<HealthResult[]> {
  const timeout = deps.probeTimeoutMs ?? 10_000;
  const results: HealthResult[] = [];
  for (const t of targets) {
    const outputs = result.stacks.find((s) => s.stackName === t.stack)?.outputs ?? {};
    const value = outputs[t.outputKey];
    const base = { kind: t.kind, stack: t.stack };
    if (!value) {
      results.push({
        ...base,
        target: t.parameter,
        status: 'failed',
        detail: `output ${t.outputKey} missing`,
      });
      continue;
    }
    const publicEks = t.kind === 'kubernetes' && env.settings.eks.publicEndpointCidrs.length > 0;
    if (t.kind === 'database' || (t.kind === 'kubernetes' && !publicEks)) {
      // Private endpoints: a probe from this machine would fail whatever their health.
      results.push({ ...base, target: value, status: 'skipped', detail: NOT_CHECKED_PRIVATE });
      continue;
    }
    try {
      if (t.kind === 'api') {
        results.push({ ...base, ...(await checkApi(t, value, outputs, env, deps, timeout)) });
      } else {
        const url = `${value.replace(/\/$/, '')}/readyz`;
        const { status } = await deps.probes.http({ method: 'GET', url }, timeout);
        // Any HTTP answer (401/403 included) proves the API server is up and TLS works.
        results.push({
          ...base,
          target: value,
          status: 'passed',
          detail: `API server answered HTTP ${status}`,
        });
      }
    } catch (err) {
      results.push({ ...base, target: value, status: 'failed', detail: (err as Error).message });
    }
  }
  return results;
}

/**
 * The operator's stage (bootstrap, teams) first: it creates the roles and bucket the workload stacks
 * deploy with, and a dependency cannot cross stages. Then the workload stacks, in dependency order.
 */
async function deployEnvironmentStages(
  toolkit: DeployToolkit,
  cx: ICloudAssemblySource,
  env: string,
  workloads: boolean,
): Promise<DeployResult> {
  const operator = await toolkit.deploy(cx, selector(`${env}/operator/*`));
  if (!workloads) return operator;
  const rest = await toolkit.deploy(cx, selector(`${env}/*`));
  return { ...rest, stacks: [...operator.stacks, ...rest.stacks] };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * `fastish deploy <env>`: validate the config, run the gates, synthesize, deploy the environment's
 * stacks with change-set previews and confirmation, in dependency order with automatic rollback,
 * then health-check what was deployed. Never throws for expected failures: the report says what
 * happened and `status` is `succeeded` only when everything did.
 */
export async function deployEnvironment(
  request: DeployRequest,
  deps: DeployDependencies,
): Promise<DeployReport> {
  const env = request.environment;
  const empty = { environment: env, gates: [], deployed: [], failures: [], failedResources: [], health: [] };
  let model: PlatformModel;
  try {
    model = loadConfig(request.configPath);
  } catch (err) {
    if (err instanceof ConfigError) return { ...empty, status: 'invalid-config', message: err.message };
    throw err;
  }
  // `release` deploys the pipeline stack (top level, in the pipeline environment): the first deploy of
  // the pipeline is by hand, after which it updates itself.
  const isRelease = env === 'release' && model.release !== undefined;
  const envName = isRelease ? model.release?.pipelineEnvironment : env;
  const envModel = model.environments.find((e) => e.name === envName);
  if (!envModel) {
    const known = [...model.environments.map((e) => e.name), ...(model.release ? ['release'] : [])];
    return {
      ...empty,
      status: 'invalid-config',
      message: `${request.configPath}: unknown environment "${env}"; the config defines: ${known.join(', ')}`,
    };
  }

  const outdir = mkdtempSync(join(tmpdir(), 'fastish-deploy-'));
  try {
    deps.progress('validate: config ok');
    const platform: Platform = buildPlatform(model, createApp({ outdir }));
    const gates: GateResult[] = [];
    for (const gate of deps.gates) {
      deps.progress(`gate: ${gate.name}…`);
      const result = await gate.run(platform);
      gates.push(result);
      deps.progress(`gate: ${gate.name} ${result.passed ? 'passed' : 'FAILED'}`);
      if (!result.passed) {
        return {
          ...empty,
          gates,
          status: 'gates-failed',
          message: `gate "${gate.name}" failed: nothing was deployed`,
        };
      }
    }
    platform.app.synth();

    const io = new DeployIoHost({
      yes: request.yes ?? false,
      confirm: deps.confirm,
      progress: deps.progress,
    });
    const toolkit = deps.createToolkit(io);
    const cx = await toolkit.fromAssemblyDirectory(outdir);
    let result: DeployResult;
    try {
      deps.progress(`deploy: ${env} (${envModel.account}/${envModel.region})`);
      result = isRelease
        ? await toolkit.deploy(cx, selector('release'))
        : await deployEnvironmentStages(toolkit, cx, env, envModel.architectures.length > 0);
    } catch (err) {
      const failures = [...io.stackStatus.entries()]
        .filter(([, s]) => /FAILED|ROLLBACK/.test(s.status))
        .map(([stack, s]) => ({ stack, ...s }));
      if (io.declined || ToolkitError.isAbortError(err)) {
        return {
          ...empty,
          gates,
          deployed: io.deployedStacks,
          failures,
          status: 'declined',
          message: `deployment declined: ${io.deployedStacks.length} stack(s) deployed before the declined change set, nothing after it`,
        };
      }
      const rolledBack = failures.filter((f) => ROLLED_BACK.test(f.status)).map((f) => f.stack);
      return {
        ...empty,
        gates,
        deployed: io.deployedStacks,
        failures,
        failedResources: io.failedResources,
        status: 'failed',
        message:
          `deployment failed: ${errorMessage(err)}` +
          (rolledBack.length > 0
            ? `\nrolled back automatically to the last good state: ${rolledBack.join(', ')}`
            : io.stackStatus.size === 0 && io.deployedStacks.length === 0
              ? // Nothing reached CloudFormation (credentials, network, bootstrap): there is nothing to roll back.
                `\nno stack reached CloudFormation, so nothing changed and nothing needs a rollback${credentialsHint(err)}`
              : '\nno rollback observed: check the stack events in the CloudFormation console'),
      };
    }

    const deployed = result.stacks.map((s) => s.stackName);
    deps.progress('health: checking deployed endpoints');
    const health = await checkHealth(healthOutputs(outdir, env), result, envModel, deps);
    const unhealthy = health.filter((h) => h.status === 'failed');
    return {
      ...empty,
      gates,
      deployed,
      health,
      status: unhealthy.length > 0 ? 'unhealthy' : 'succeeded',
      message:
        unhealthy.length > 0
          ? `deployed, but ${unhealthy.length} health check(s) failed`
          : `deployed ${deployed.length} stack(s) to ${env}; ${health.filter((h) => h.status === 'passed').length} health check(s) passed`,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** A hint when a deploy failed for want of AWS credentials (the SDK's and toolkit's wordings). */
function credentialsHint(err: unknown): string {
  return /credential|security token|ExpiredToken|could not load/i.test(errorMessage(err))
    ? '\nconfigure AWS credentials for the target account (e.g. `aws sso login` or AWS_PROFILE), then check them with `aws sts get-caller-identity`'
    : '';
}
