/**
 * Contract tests: the Helm releases the EKS stack synthesizes, held against what the pinned charts, Helm and
 * aws-cdk-lib's kubectl handler actually do (facts in src/upstream-facts.ts, handler timeouts from the template).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHART_FACTS, type ChartFacts, HELM_FACTS } from '../../src/upstream-facts';
import { VERSIONS } from '../../src/versions';
import { buildEksStack, eksPlatform } from './fixture';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Json = Record<string, unknown>;

/**
 * Time the kubectl handler spends outside `helm upgrade --wait` (cold start in the VPC, `aws eks
 * update-kubeconfig`, chart download) that must still fit before its Lambda timeout.
 */
const HANDLER_OWN_WORK_S = 120;

let resources: Record<string, Resource>;
let region: string;
let releases: { logicalId: string; chart: string; namespace: string; values: Json; props: Json }[];
let docs: Json[];

/** A CloudFormation value as a string; intrinsics become `<Ref>` / `<Id.Attr>`, so tokens stay comparable. */
function render(v: unknown): string {
  if (typeof v === 'string') return v;
  const o = v as Json;
  if (typeof o.Ref === 'string') return `<${o.Ref}>`;
  if (Array.isArray(o['Fn::GetAtt'])) return `<${(o['Fn::GetAtt'] as string[]).join('.')}>`;
  const join = o['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(render).join(join[0]);
  return '<?>';
}

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (isMap(o) ? o[k] : undefined), obj);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const factsOf = (chart: string): ChartFacts | undefined => {
  const id = Object.entries(VERSIONS.eks.charts).find(([, c]) => c.chart === chart)?.[0];
  return id ? CHART_FACTS[id as keyof typeof CHART_FACTS] : undefined;
};
/** The region as the template spells it: the pseudo parameter or the environment's literal region. */
const isRegion = (v: unknown) => v === '<AWS::Region>' || v === region;

beforeAll(() => {
  const { app, stack } = buildEksStack(
    eksPlatform({
      hostedZone: 'apps.acme.example.com',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      grafanaCloud: {
        prometheusUrl: 'https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push',
        lokiUrl: 'https://logs-prod-eu-west-0.grafana.net/loki/api/v1/push',
      },
    }),
  );
  app.synth();
  region = stack.region;
  resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> }).Resources;
  releases = ofType('Custom::AWSCDK-EKS-HelmChart').map(([logicalId, r]) => {
    const props = r.Properties ?? {};
    return {
      logicalId,
      chart: props.Chart as string,
      namespace: props.Namespace as string,
      values: JSON.parse(render(props.Values ?? '{}')) as Json,
      props,
    };
  });
  docs = ofType('Custom::AWSCDK-EKS-KubernetesResource').flatMap(
    ([, r]) => JSON.parse(render(r.Properties?.Manifest)) as Json[],
  );
});

describe('upstream facts', () => {
  it('are recorded for exactly the pinned chart versions', () => {
    for (const [id, pin] of Object.entries(VERSIONS.eks.charts)) {
      const facts = CHART_FACTS[id as keyof typeof CHART_FACTS];
      expect(facts.version, `${id}: re-read the chart's facts at ${pin.version}`).toBe(pin.version);
    }
  });

  it('describe the Helm release the pinned kubectl layer ships', () => {
    const pkg = dirname(require.resolve(`${VERSIONS.eks.kubectlLayer}/package.json`));
    const dockerfile = readFileSync(join(pkg, 'layer', 'Dockerfile'), 'utf8');
    expect(/^ARG HELM_VERSION=(\S+)$/m.exec(dockerfile)?.[1]).toBe(HELM_FACTS.version);
  });
});

describe('Helm values', () => {
  it('set only keys that exist in the pinned chart', () => {
    const unknown: string[] = [];
    for (const r of releases) {
      const facts = factsOf(r.chart);
      if (!facts) {
        unknown.push(`${r.chart}: no facts recorded`);
        continue;
      }
      const walk = (v: Json, prefix: string) => {
        for (const [k, x] of Object.entries(v)) {
          const path = prefix ? `${prefix}.${k}` : k;
          if (facts.valuesKeys.includes(path)) continue;
          if (isMap(x)) walk(x, path);
          else unknown.push(`${r.chart}: ${path}`);
        }
      };
      walk(r.values, '');
    }
    expect(unknown).toEqual([]);
  });

  it('give every Pod Identity controller its region (and VPC) without the node metadata service', () => {
    const associations = ofType('AWS::EKS::PodIdentityAssociation').map(([, a]) => a.Properties ?? {});
    expect(associations.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const a of associations) {
      const sa = `${a.Namespace}/${a.ServiceAccount}`;
      const r = releases.find(
        (x) => x.namespace === a.Namespace && at(x.values, 'serviceAccount.name') === a.ServiceAccount,
      );
      const fact = r && factsOf(r.chart)?.awsRegion;
      if (!r || !fact) {
        problems.push(`${sa}: no chart with region facts runs it`);
        continue;
      }
      if (fact.envValuesKey) {
        const env = (at(r.values, fact.envValuesKey) ?? []) as { name: string; value: unknown }[];
        const set = env.find((e) => fact.envNames?.includes(e.name));
        if (!isRegion(set?.value)) problems.push(`${r.chart}: ${fact.envValuesKey} has no region variable`);
      }
      if (fact.regionValuesKey && !isRegion(at(r.values, fact.regionValuesKey))) {
        problems.push(`${r.chart}: ${fact.regionValuesKey} is not the region`);
      }
      if (fact.vpcIdValuesKey) {
        const vpc = /^<(.+)>$/.exec(String(at(r.values, fact.vpcIdValuesKey)))?.[1] ?? '';
        if (resources[vpc]?.Type !== 'AWS::EC2::VPC')
          problems.push(`${r.chart}: ${fact.vpcIdValuesKey} is no VPC`);
      }
      if (fact.regionInSpecOf) {
        const regions = regionsInSpecs(fact.regionInSpecOf);
        if (regions.length === 0)
          problems.push(`${r.chart}: the fixture has no ${fact.regionInSpecOf} to check`);
        if (!regions.every(isRegion)) problems.push(`${r.chart}: a ${fact.regionInSpecOf} lacks the region`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('give Karpenter the cluster endpoint, so it starts without calling eks:DescribeCluster', () => {
    const [cluster] = ofType('AWS::EKS::Cluster').map(([id]) => id);
    const karpenter = releases.find((r) => r.chart === VERSIONS.eks.charts.karpenter.chart);
    expect(at(karpenter?.values, 'settings.clusterEndpoint')).toBe(`<${cluster}.Endpoint>`);
  });
});

/** Regions the controller reads from custom resources of one kind (the AWS parts of their specs). */
function regionsInSpecs(kind: string): unknown[] {
  // A ClusterSecretStore has the SecretStore's spec (the same provider types).
  const ofKind = docs.filter(
    (d) => d.kind === kind || (kind === 'SecretStore' && d.kind === 'ClusterSecretStore'),
  );
  if (kind === 'SecretStore' || kind === 'ClusterSecretStore') {
    return ofKind.filter((d) => at(d, 'spec.provider.aws')).map((d) => at(d, 'spec.provider.aws.region'));
  }
  if (kind === 'ClusterIssuer' || kind === 'Issuer') {
    return ofKind
      .flatMap((d) => (at(d, 'spec.acme.solvers') ?? []) as Json[])
      .filter((s) => at(s, 'dns01.route53'))
      .map((s) => at(s, 'dns01.route53.region'));
  }
  throw new Error(`no region reader for ${kind}`);
}

describe('Helm timeouts', () => {
  it('let a failing release fail inside the kubectl handler, never into the one-hour custom-resource timeout', () => {
    const fn = (token: unknown): Json => {
      const id = (token as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] ?? '';
      const f = resources[id];
      if (f?.Type !== 'AWS::Lambda::Function')
        throw new Error(`${JSON.stringify(token)} is no Lambda function`);
      return f.Properties ?? {};
    };
    expect(releases.length).toBeGreaterThan(0);
    const late: string[] = [];
    for (const r of releases) {
      // The provider framework's onEvent function invokes the kubectl handler synchronously; whichever of
      // the two times out first leaves CloudFormation without an answer.
      const framework = fn(r.props.ServiceToken);
      const handler = fn(at(framework, 'Environment.Variables.USER_ON_EVENT_FUNCTION_ARN'));
      const budget = Math.min(Number(framework.Timeout ?? 3), Number(handler.Timeout ?? 3));
      const timeout = r.props.Timeout
        ? Number(/^(\d+)s$/.exec(String(r.props.Timeout))?.[1])
        : HELM_FACTS.defaultTimeoutSeconds;
      const waits = r.props.Atomic ? HELM_FACTS.atomicWaits : 1;
      if (!(timeout < budget) || waits * timeout + HANDLER_OWN_WORK_S >= budget) {
        late.push(`${r.chart}: ${waits} × ${timeout}s + ${HANDLER_OWN_WORK_S}s vs handler ${budget}s`);
      }
    }
    expect(late).toEqual([]);
  });
});
