/**
 * EKS review findings (issue 12 §3): what a template assertion alone never showed. Each test reads the
 * synthesized template the way the service or tool that acts on it would.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BOTTLEROCKET_FACTS } from '../../src/upstream-facts';
import { VERSIONS } from '../../src/versions';
import { buildEksStack, eksPlatform } from './fixture';
import { helmReleasesOf, manifestsOf } from './manifests';

type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
};
type Tpl = { Resources: Record<string, Resource> };

const ZONE = { hostedZone: 'apps.acme.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' };

let json: Tpl;
/** The same platform with a hosted zone. */
let zoned: Tpl;
let retentionDays: number | undefined;

beforeAll(() => {
  const platform = eksPlatform();
  retentionDays = platform.environments[0]?.settings.logRetentionDays;
  const { app, stack } = buildEksStack(platform);
  app.synth();
  json = Template.fromStack(stack).toJSON() as Tpl;
  const withZone = buildEksStack(eksPlatform(ZONE));
  withZone.app.synth();
  zoned = Template.fromStack(withZone.stack).toJSON() as Tpl;
});

const ofType = (type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);
/** Every resource `logicalId` waits for, directly or through others. */
function waitsFor(logicalId: string): Set<string> {
  const seen = new Set<string>();
  const walk = (id: string) => {
    for (const d of json.Resources[id]?.DependsOn ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      walk(d);
    }
  };
  walk(logicalId);
  return seen;
}

describe('Karpenter CRDs', () => {
  it('are their own release at the controller version, so a chart upgrade also upgrades them', () => {
    const releases = helmReleasesOf(json as never);
    const crds = releases.find((r) => r.chart === 'karpenter-crd');
    const controller = releases.find((r) => r.chart === 'karpenter');
    expect(crds?.version).toBe(VERSIONS.eks.charts.karpenter.version);
    expect(crds?.namespace).toBe(controller?.namespace);
    // The controller chart leaves the CRDs to that release, and installs after it.
    expect(json.Resources[controller?.logicalId ?? '']?.Properties?.SkipCrds).toBe(true);
    expect(waitsFor(controller?.logicalId ?? '').has(crds?.logicalId ?? '')).toBe(true);
    // Deleting the release would delete every NodePool and NodeClaim (and so every Karpenter node).
    expect(json.Resources[crds?.logicalId ?? '']?.DeletionPolicy).toBe('Retain');
  });

  it('exist before any NodePool or EC2NodeClass is applied', () => {
    const crds = helmReleasesOf(json as never).find((r) => r.chart === 'karpenter-crd')?.logicalId ?? '?';
    const karpenterObjects = manifestsOf(json as never).filter((m) =>
      m.docs.some((d) => d.kind === 'NodePool' || d.kind === 'EC2NodeClass'),
    );
    expect(karpenterObjects.length).toBeGreaterThan(0);
    for (const m of karpenterObjects) expect(waitsFor(m.logicalId).has(crds), m.logicalId).toBe(true);
  });
});

describe('control-plane logs', () => {
  it('go to /aws/eks/<cluster>/cluster, created before the cluster with retention and the logs key', () => {
    const [clusterId, cluster] = ofType('AWS::EKS::Cluster')[0] ?? [];
    const name = `/aws/eks/${cluster?.Properties?.Name}/cluster`;
    const group = ofType('AWS::Logs::LogGroup').find(([, g]) => g.Properties?.LogGroupName === name);
    expect(group, `log group ${name}`).toBeDefined();
    const [groupId, g] = group ?? [];
    expect(g?.Properties?.RetentionInDays).toBe(retentionDays);
    expect(retentionDays).toBeGreaterThan(0);
    const keyId = (g?.Properties?.KmsKeyId as { 'Fn::GetAtt'?: string[] })?.['Fn::GetAtt']?.[0] ?? '';
    expect(json.Resources[keyId]?.Type).toBe('AWS::KMS::Key');
    // EKS creates the group itself (no retention, no key) if the cluster comes first.
    expect(waitsFor(clusterId ?? '').has(groupId ?? '')).toBe(true);
    expect(g?.DeletionPolicy).toBe('Retain');
  });
});

describe('system node group', () => {
  it('runs the pinned Bottlerocket release, not whichever AMI is newest when it is created', () => {
    const [, ng] = ofType('AWS::EKS::Nodegroup')[0] ?? [];
    const release = String(ng?.Properties?.ReleaseVersion ?? '');
    const version = VERSIONS.eks.bottlerocket.replace(/^v/, '');
    // Resolved by CloudFormation at deploy time from the release's public parameter: the same release
    // Karpenter's `bottlerocket@<version>` alias resolves for its nodes.
    const parameter = BOTTLEROCKET_FACTS.imageVersionParameter
      .replace('{kubernetes}', VERSIONS.eks.kubernetes)
      .replace('{arch}', 'arm64')
      .replace('{version}', version);
    expect(release).toBe(`{{resolve:ssm:${parameter}}}`);
    expect(ng?.Properties?.AmiType).toBe('BOTTLEROCKET_ARM_64');
  });
});

describe('certificates', () => {
  type Issuer = { kind: string; spec?: { acme?: { solvers?: Record<string, unknown>[] } } };
  const issuers = (t: Tpl) =>
    manifestsOf(t as never)
      .flatMap((m) => m.docs)
      .filter((d) => d.kind === 'ClusterIssuer' || d.kind === 'Issuer') as unknown as Issuer[];
  const solvers = (t: Tpl) => issuers(t).flatMap((i) => i.spec?.acme?.solvers ?? []);

  it('never solve ACME HTTP-01 (through the ALB controller it cannot work)', () => {
    for (const t of [json, zoned]) expect(solvers(t).filter((s) => 'http01' in s)).toEqual([]);
    // Without a zone there is nothing to solve DNS-01 in, so no ACME issuer at all.
    expect(solvers(json)).toEqual([]);
  });

  it('solve DNS-01 in the configured zone only, with a role that may change only that zone', () => {
    const all = solvers(zoned);
    expect(all.length).toBeGreaterThan(0);
    for (const s of all) {
      expect(s).toMatchObject({
        selector: { dnsZones: [ZONE.hostedZone] },
        dns01: { route53: { hostedZoneID: ZONE.hostedZoneId } },
      });
    }
  });

  it('give public ALBs an ACM certificate for the zone, validated by DNS in it', () => {
    const certs = Object.values(zoned.Resources).filter(
      (r) => r.Type === 'AWS::CertificateManager::Certificate',
    );
    expect(certs.map((c) => c.Properties)).toEqual([
      expect.objectContaining({
        DomainName: ZONE.hostedZone,
        SubjectAlternativeNames: [`*.${ZONE.hostedZone}`],
        ValidationMethod: 'DNS',
        DomainValidationOptions: expect.arrayContaining([
          { DomainName: ZONE.hostedZone, HostedZoneId: ZONE.hostedZoneId },
        ]),
      }),
    ]);
    expect(ofType('AWS::CertificateManager::Certificate')).toEqual([]);
  });
});
