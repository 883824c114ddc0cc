import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlatform, createApp } from '../../app/platform';
import type { EnvironmentModel, PlatformModel } from '../../config';
import { KARPENTER_AMI_ALIAS_PARAMETERS } from '../../upstream-controller-policies';
import { type AssemblyStack, readAssembly, type TemplateResource } from '../plan/assembly';

export interface AddonRequirement {
  readonly name: string;
  readonly version: string;
  /** The add-on's `ConfigurationValues` (JSON) as synthesized, when set. */
  readonly configurationValues?: string;
}

export interface ChartRequirement {
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
}

export interface ParameterRequirement {
  /** A public SSM parameter (`/aws/service/...`) a deploy or a controller resolves. */
  readonly name: string;
  /** Who needs it, for the report. */
  readonly purpose: string;
}

/**
 * What an environment's deploy needs from its account and region, read from the synthesized templates
 * (the exact add-ons, charts, resources and dynamic references that would deploy) plus, for Karpenter's AMI
 * alias, the architectures the config's node pools launch.
 */
export interface Requirements {
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  /** Stack names of the environment: resources they already own are not counted against quotas again. */
  readonly stackNames: readonly string[];
  readonly kubernetesVersion?: string;
  readonly clusterNames: readonly string[];
  readonly addons: readonly AddonRequirement[];
  readonly charts: readonly ChartRequirement[];
  readonly parameters: readonly ParameterRequirement[];
  readonly vpcs: number;
  readonly elasticIps: number;
  /** NAT gateways the templates place in each availability zone. */
  readonly natGatewaysPerAz: Readonly<Record<string, number>>;
  readonly eksClusters: number;
  /** Sum of the functions' reserved concurrency. */
  readonly reservedConcurrency: number;
  readonly amplify: boolean;
  readonly mskServerless: boolean;
  /** The source connection, when this environment hosts the release pipeline. */
  readonly connectionArn?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Graviton families are named `<letters><generation>g…` (m7g, c8g, i4g, r6gd); g6/g5 are GPU (x86). */
const GRAVITON_FAMILY = /^[a-z]+\d+g/;

/** Karpenter's Bottlerocket alias parameters for the architectures the config's node pools launch. */
function aliasParameters(env: EnvironmentModel, k8s: string, version: string): ParameterRequirement[] {
  const pools = env.settings.eks.nodePools;
  const arm64 =
    pools.graviton.enabled ||
    [pools.localNvme, pools.gpu].some(
      (p) => p.enabled && p.instanceFamilies.some((f) => GRAVITON_FAMILY.test(f)),
    );
  const wanted = (path: string) => {
    const nvidia = path.includes('-nvidia/');
    if (nvidia && !pools.gpu.enabled) return false;
    // The default pool is amd64; arm64 only when a pool launches Graviton.
    return path.includes('/x86_64/') || (arm64 && !nvidia);
  };
  const alias = `bottlerocket@${version}`;
  return KARPENTER_AMI_ALIAS_PARAMETERS.bottlerocket.filter(wanted).map((template) => ({
    name: template.replace('{kubernetes}', k8s).replace('{version}', version.replace(/^v/, '')),
    purpose: `Karpenter ${alias} (${/\/(x86_64|arm64)\//.exec(template)?.[1]}${template.includes('-nvidia') ? ', nvidia' : ''})`,
  }));
}

/** Requirements of one environment from its synthesized stacks (pure). */
export function requirementsFromStacks(
  stacks: readonly AssemblyStack[],
  env: EnvironmentModel,
  model: PlatformModel,
): Requirements {
  const mine = stacks.filter((s) => s.id.startsWith(`${env.name}/`));
  const resources: TemplateResource[] = mine.flatMap((s) => Object.values(s.template.Resources ?? {}));
  const ofType = (type: string) => resources.filter((r) => r.Type === type);
  const props = (r: TemplateResource) => r.Properties ?? {};

  const clusters = ofType('AWS::EKS::Cluster');
  const kubernetesVersion = clusters.map((c) => str(props(c).Version)).find(Boolean);
  const addons = ofType('AWS::EKS::Addon').map((r) => {
    const p = props(r);
    const values = str(p.ConfigurationValues);
    return {
      name: String(p.AddonName),
      version: String(p.AddonVersion),
      ...(values ? { configurationValues: values } : {}),
    };
  });
  const charts = new Map<string, ChartRequirement>();
  for (const r of ofType('Custom::AWSCDK-EKS-HelmChart')) {
    const p = props(r);
    const [repository, chart, version] = [str(p.Repository), str(p.Chart), str(p.Version)];
    if (repository && chart && version)
      charts.set(`${repository} ${chart} ${version}`, { repository, chart, version });
  }

  const parameters = new Map<string, ParameterRequirement>();
  for (const s of mine) {
    const text = JSON.stringify(s.template);
    // CloudFormation fails the stack when a dynamic reference's parameter does not exist.
    for (const m of text.matchAll(/\{\{resolve:ssm:(\/aws\/service\/[^}:]+)(?::\d+)?\}\}/g)) {
      const name = m[1] as string;
      parameters.set(name, { name, purpose: `dynamic reference in ${s.stackName}` });
    }
    for (const m of text.matchAll(/bottlerocket@(v[0-9.]+)/g)) {
      if (!kubernetesVersion) continue;
      for (const p of aliasParameters(env, kubernetesVersion, m[1] as string)) parameters.set(p.name, p);
    }
  }

  // NAT gateways by zone: each sits in a subnet whose zone the template states.
  const byLogicalId = new Map(mine.flatMap((s) => Object.entries(s.template.Resources ?? {})));
  const natGatewaysPerAz: Record<string, number> = {};
  for (const nat of ofType('AWS::EC2::NatGateway')) {
    const ref = (props(nat).SubnetId as { Ref?: string } | undefined)?.Ref;
    const zone = str(props(byLogicalId.get(ref ?? '') ?? { Type: '' }).AvailabilityZone) ?? 'unknown zone';
    natGatewaysPerAz[zone] = (natGatewaysPerAz[zone] ?? 0) + 1;
  }
  const reserved = ofType('AWS::Lambda::Function')
    .map((r) => props(r).ReservedConcurrentExecutions)
    .reduce<number>((sum, v) => sum + (typeof v === 'number' ? v : 0), 0);

  const hostsPipeline = model.release !== undefined && model.release.pipelineEnvironment === env.name;
  return {
    environment: env.name,
    account: env.account,
    region: env.region,
    stackNames: mine.map((s) => s.stackName),
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    clusterNames: clusters.map((c) => str(props(c).Name)).filter((n): n is string => n !== undefined),
    addons,
    charts: [...charts.values()],
    parameters: [...parameters.values()],
    vpcs: ofType('AWS::EC2::VPC').length,
    elasticIps: ofType('AWS::EC2::EIP').length,
    natGatewaysPerAz,
    eksClusters: clusters.length,
    reservedConcurrency: reserved,
    amplify: ofType('AWS::Amplify::App').length > 0,
    mskServerless: ofType('AWS::MSK::ServerlessCluster').length > 0,
    ...(hostsPipeline && model.release ? { connectionArn: model.release.connectionArn } : {}),
  };
}

/** Synthesizes the platform (offline, into a temporary directory) and reads the environment's requirements. */
export function synthRequirements(model: PlatformModel, env: EnvironmentModel): Requirements {
  const outdir = mkdtempSync(join(tmpdir(), 'fastish-preflight-'));
  try {
    buildPlatform(model, createApp({ outdir })).app.synth();
    return requirementsFromStacks(readAssembly(outdir), env, model);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
