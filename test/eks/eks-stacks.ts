import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { buildEksStack, eksPlatform } from './fixture';
import { type HelmRelease, helmReleasesOf, type K8sDoc, manifestsOf } from './manifests';

export const ZONE = { hostedZone: 'apps.acme.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };
export const GRAFANA = {
  prometheusUrl: 'https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push',
  lokiUrl: 'https://logs-prod-eu-west-0.grafana.net/loki/api/v1/push',
};

export type Tpl = ReturnType<Template['toJSON']> & {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;
};

/** The EKS stack of the full configuration (zone, Grafana Cloud, every pool) and a minimal one. */
export interface EksStacks {
  readonly template: Template;
  readonly json: Tpl;
  readonly docs: K8sDoc[];
  readonly releases: HelmRelease[];
  readonly nag: { aws: string[]; serverless: string[] };
  readonly synthMs: number;
  /** Second stack: public endpoint allowlist, no hosted zone, no Grafana Cloud, default pools. */
  readonly minimal: Template;
}

const findingsOf = (r: {
  violations: { ruleName: string; violatingResources: { constructPath?: string }[] }[];
}) => r.violations.flatMap((v) => v.violatingResources.map((x) => `${v.ruleName} @ ${x.constructPath}`));

export function synthEksStacks(): EksStacks {
  const full = buildEksStack(
    eksPlatform({
      ...ZONE,
      grafanaCloud: GRAFANA,
      nodePools: { gpu: { enabled: true }, localNvme: { enabled: true } },
    }),
  );
  full.app.synth();
  const template = Template.fromStack(full.stack);
  const json = template.toJSON() as Tpl;
  const nag = {
    aws: findingsOf(new AwsSolutionsChecks().validateScope(full.stack)),
    serverless: findingsOf(new ServerlessChecks().validateScope(full.stack)),
  };
  const small = buildEksStack(eksPlatform({ publicEndpointCidrs: ['203.0.113.0/24'] }));
  const t0 = Date.now();
  small.app.synth();
  const synthMs = Date.now() - t0;
  return {
    template,
    json,
    docs: manifestsOf(json).flatMap((m) => m.docs),
    releases: helmReleasesOf(json),
    nag,
    synthMs,
    minimal: Template.fromStack(small.stack),
  };
}

/**
 * Lookups both EKS stack suites use, on the stacks their `beforeAll` synthesizes (read when called).
 * `release` throws when the chart is not installed, so a missing release fails where it is asked for.
 */
export function eksQueries(stacks: () => EksStacks) {
  return {
    resourcesOf: (type: string) => Object.values(stacks().json.Resources).filter((r) => r.Type === type),
    release: (chart: string): HelmRelease => {
      const r = stacks().releases.find((x) => x.chart === chart);
      if (!r) throw new Error(`no release of ${chart}`);
      return r;
    },
    kinds: (kind: string) => stacks().docs.filter((d) => d.kind === kind),
  };
}
