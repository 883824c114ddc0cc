/**
 * Benchmark peer of Fastish's EKS stack: an EKS Blueprints cluster with the same add-ons where Blueprints
 * offers them, synthesized offline, then checked with cdk-nag 3 (AwsSolutions + Serverless).
 *
 * Prints one JSON line: {synthMs, resources, templateBytes, nagFindings, stacks, addOns, missing}.
 * synthMs is measured after module loading (as bench/run.ts does): build the blueprint + `app.synth()`.
 *
 *   npm --prefix bench/peers/eks-blueprints install     # once
 *   node --require tsx/cjs bench/peers/eks-blueprints/synth.ts
 *
 * No AWS calls: account, region and AZs are explicit (AZ context is pre-filled), every EKS managed add-on
 * version is pinned (Blueprints resolves `auto` versions with DescribeAddonVersions), the hosted zone is
 * imported by id (no lookup).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The same environment as examples/fastish.yaml's dev environment.
const ACCOUNT = '222222222222';
const REGION = 'eu-west-1';
const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
// The same add-on builds Fastish pins (src/versions.ts, VERSIONS.eks.addons).
const ADDON_VERSIONS = {
  vpcCni: 'v1.20.4-eksbuild.1',
  coreDns: 'v1.12.4-eksbuild.1',
  kubeProxy: 'v1.34.1-eksbuild.2',
  podIdentityAgent: 'v1.3.9-eksbuild.3',
  ebsCsi: 'v1.51.1-eksbuild.1',
};
const HOSTED_ZONE = { name: 'acme.example.com', id: 'Z0123456789ABCDEFGHIJ' };

/** Fastish add-ons without an EKS Blueprints equivalent (not installed in the peer). */
const MISSING = [
  'Grafana Cloud k8s-monitoring (Alloy) with credentials from Secrets Manager: Blueprints has AMP/ADOT and grafana-operator add-ons, which run a different stack (AWS-managed Prometheus / in-cluster Grafana), not the Grafana Cloud agent',
  'AWS WAF web ACL for internet-facing ALBs: not an add-on in Blueprints',
];

async function main(): Promise<void> {
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const eks = require('aws-cdk-lib/aws-eks') as typeof import('aws-cdk-lib/aws-eks');
  const blueprints = require('@aws-quickstart/eks-blueprints') as typeof import('@aws-quickstart/eks-blueprints');
  const { AwsSolutionsChecks, ServerlessChecks } = require('cdk-nag') as typeof import('cdk-nag');

  const outdir = mkdtempSync(join(tmpdir(), 'fastish-bench-blueprints-'));
  const start = performance.now();
  const app = new cdk.App({
    outdir,
    analyticsReporting: false,
    context: { [`availability-zones:account=${ACCOUNT}:region=${REGION}`]: AZS },
  });
  const version = eks.KubernetesVersion.V1_34;
  const addOns = [
    new blueprints.addons.VpcCniAddOn({ version: ADDON_VERSIONS.vpcCni }),
    new blueprints.addons.CoreDnsAddOn(ADDON_VERSIONS.coreDns),
    new blueprints.addons.KubeProxyAddOn(ADDON_VERSIONS.kubeProxy),
    new blueprints.addons.EksPodIdentityAgentAddOn(ADDON_VERSIONS.podIdentityAgent),
    new blueprints.addons.EbsCsiDriverAddOn({ version: ADDON_VERSIONS.ebsCsi, storageClass: 'gp3' }),
    new blueprints.addons.MetricsServerAddOn(),
    new blueprints.addons.KarpenterV1AddOn({ interruptionHandling: true, podIdentity: true }),
    new blueprints.addons.AwsLoadBalancerControllerAddOn(),
    new blueprints.addons.CertManagerAddOn(),
    new blueprints.addons.ExternalDnsAddOn({ hostedZoneResources: ['zone'] }),
    new blueprints.addons.ExternalsSecretsAddOn(),
  ];
  const stack = blueprints.EksBlueprint.builder()
    .account(ACCOUNT)
    .region(REGION)
    .version(version)
    .resourceProvider('zone', new blueprints.ImportHostedZoneProvider(HOSTED_ZONE.id, HOSTED_ZONE.name))
    .clusterProvider(
      new blueprints.MngClusterProvider({
        version,
        minSize: 2,
        maxSize: 3,
        desiredSize: 2,
      }),
    )
    .addOns(...addOns)
    .build(app, 'blueprints-eks');
  app.synth();
  const synthMs = performance.now() - start;

  // validateScope walks the whole construct tree below the stack, nested stacks included.
  let nagFindings = 0;
  for (const checks of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
    const { violations } = checks.validateScope(stack);
    nagFindings += violations.reduce((n, v) => n + v.violatingResources.length, 0);
  }

  let resources = 0;
  let templateBytes = 0;
  const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
  for (const f of templates) {
    const text = readFileSync(join(outdir, f), 'utf8');
    templateBytes += Buffer.byteLength(text);
    resources += Object.keys((JSON.parse(text) as { Resources?: object }).Resources ?? {}).length;
  }
  rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({
      synthMs,
      resources,
      templateBytes,
      nagFindings,
      stacks: templates.length,
      addOns: addOns.map((a) => a.constructor.name),
      missing: MISSING,
    })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
