/**
 * Fastish's EKS stack side by side with an EKS Blueprints cluster with the same add-ons (the peer in
 * `bench/peers/eks-blueprints/`, installed on its own, never a dependency of this project), measured in the
 * same run: N interleaved fresh child processes per target; synth time (median), resources, template bytes
 * and unacknowledged cdk-nag 3 findings (AwsSolutions + Serverless).
 *
 *   npm --prefix bench/peers/eks-blueprints install   # the peer; without it the section says so
 *   npx tsx bench/eks-blueprints.ts                   # this module alone (prints the table)
 *   npm run bench                                     # every section, written to docs/benchmarks.md
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'fastish.yaml');
const PEER = join(__dirname, 'peers', 'eks-blueprints');
const RUNS = 3;
/** Stands in for a real zone so that external-dns is installed, as in the peer. */
const HOSTED_ZONE = { name: 'acme.example.com', id: 'Z0123456789ABCDEFGHIJ' };

export const title = 'EKS: Fastish vs EKS Blueprints';
export const description = [
  `Fastish's EKS stack (\`EksStack\`, examples/fastish.yaml's \`dev\` environment, one stack, no bootstrap stack) next to an [EKS Blueprints](https://github.com/aws-quickstart/cdk-eks-blueprints) cluster with the same add-ons (\`bench/peers/eks-blueprints/synth.ts\`), ${RUNS} fresh child processes each, interleaved, in the same run.`,
  'The peer is installed on its own, never as a dependency of this project: `flock /tmp/fastish-npm.lock npm --prefix bench/peers/eks-blueprints install` (without it this section says "peer not installed").',
  `For the same add-on set, the Fastish build sets \`eks.hostedZone\`/\`eks.hostedZoneId\` (${HOSTED_ZONE.name}) and \`eks.grafanaCloud\` on top of the dev environment, so external-dns and the Grafana Cloud observability are in; the peer imports the same zone by id and pins the same EKS managed add-on builds (no DescribeAddonVersions lookup), account/region/AZs explicit: both synthesize offline.`,
  'Peer add-ons: VPC CNI, CoreDNS, kube-proxy, EKS Pod Identity agent, EBS CSI (gp3 StorageClass), metrics-server, Karpenter (v1, Pod Identity, interruption handling), AWS Load Balancer Controller, cert-manager, external-dns, External Secrets.',
  "No Blueprints equivalent (so not in the peer): Grafana Cloud k8s-monitoring/Alloy with Secrets Manager credentials (Blueprints offers AMP/ADOT and grafana-operator, a different stack), the AWS WAF web ACL on internet-facing ALBs, Fastish's team namespaces (quotas, NetworkPolicies, RBAC) and extra NodePools.",
  "**process ms**: the child process's wall time from start to exit (Node, tsx, module loading, config, build, synth, and the cdk-nag run both sides do); **per resource vs peer (process)**: issue 14's measure, (our process ms / our resources) ÷ (the peer's process ms / its resources), target ≤ 0.5×. **synth ms**: after module loading; Fastish: load + validate the config, build the stack, `app.synth()`; peer: build the blueprint, `app.synth()`. The peer's pinned aws-cdk-lib (the version Blueprints requires) has no built-in CloudFormation template validation, so only the Fastish row without it is compared with the peer (same work minus Fastish's); the row with the validation on shows what it costs and has no ratio.",
  '**resources** / **template bytes**: every template of the cloud assembly (nested stacks included). **cdk-nag**: `validateScope` of AwsSolutions + Serverless on the stack after synth, counting violating resources; Fastish acknowledgements (each with a reason) are honoured, the peer has none.',
].join(' ');

type Target = 'fastish' | 'fastish-novalidate' | 'blueprints';
const LABELS: Record<Target, string> = {
  fastish: 'Fastish `EksStack`',
  'fastish-novalidate': 'Fastish `EksStack`, no built-in validation',
  blueprints: 'EKS Blueprints (peer)',
};

interface Sample {
  readonly synthMs: number;
  /** The child process's wall time, start to exit: Node, tsx, module loading, the build, synth and cdk-nag. */
  readonly processMs: number;
  readonly resources: number;
  readonly templateBytes: number;
  readonly nagFindings: number;
  readonly stacks?: number;
}

/** Every `*.template.json` below `dir` (Stages write nested assemblies). */
function templates(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return templates(p);
    return f.endsWith('.template.json') ? [p] : [];
  });
}

/** Runs in a child: Fastish's EKS stack alone, as test/eks/fixture.ts builds it. */
function fastishChild(validate: boolean): void {
  const { Stage } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { parse } = require('yaml') as typeof import('yaml');
  const { validateConfig, deepMerge } = require('../src/config') as typeof import('../src/config');
  // create-app, not platform: this app holds one stack and loads no other architecture.
  const { createApp } = require('../src/app/create-app') as typeof import('../src/app/create-app');
  const { EksStack } = require('../src/stacks/eks/eks-stack') as typeof import('../src/stacks/eks/eks-stack');
  const { AwsSolutionsChecks, ServerlessChecks } = require('cdk-nag') as typeof import('cdk-nag');
  const outdir = mkdtempSync(join(tmpdir(), 'fastish-bench-eks-'));
  const start = performance.now();
  const raw = parse(readFileSync(EXAMPLE, 'utf8')) as {
    environments: Record<string, { overrides?: Record<string, unknown> }>;
  };
  const dev = raw.environments.dev;
  if (!dev) throw new Error('examples/fastish.yaml has no dev environment');
  dev.overrides = deepMerge(dev.overrides ?? {}, {
    eks: {
      hostedZone: HOSTED_ZONE.name,
      hostedZoneId: HOSTED_ZONE.id,
      grafanaCloud: {
        prometheusUrl: 'https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push',
        lokiUrl: 'https://logs-prod-eu-west-0.grafana.net/loki/api/v1/push',
      },
    },
  }) as Record<string, unknown>;
  const platform = validateConfig(raw, EXAMPLE);
  const env = platform.environments.find((e) => e.name === 'dev');
  if (!env) throw new Error('no dev environment');
  const app = createApp({ outdir, builtinCloudFormationValidation: validate });
  const stage = new Stage(app, env.name, { env: { account: env.account, region: env.region } });
  const stack = new EksStack(stage, 'eks', { platform, environment: env });
  app.synth();
  const synthMs = performance.now() - start;
  let nagFindings = 0;
  for (const checks of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
    const { violations } = checks.validateScope(stack);
    nagFindings += violations.reduce((n, v) => n + v.violatingResources.length, 0);
  }
  let resources = 0;
  let templateBytes = 0;
  const files = templates(outdir);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    templateBytes += Buffer.byteLength(text);
    resources += Object.keys((JSON.parse(text) as { Resources?: object }).Resources ?? {}).length;
  }
  rmSync(outdir, { recursive: true, force: true });
  const sample: Omit<Sample, 'processMs'> = {
    synthMs,
    resources,
    templateBytes,
    nagFindings,
    stacks: files.length,
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

function measure(target: Target): Sample {
  const peer = target === 'blueprints';
  // `--require tsx/cjs` resolves from cwd: the peer runs with its own tsx and node_modules.
  const began = performance.now();
  const r = spawnSync(
    process.execPath,
    [
      '--require',
      'tsx/cjs',
      peer ? join(PEER, 'synth.ts') : __filename,
      ...(peer ? [] : ['--child', target]),
    ],
    { cwd: peer ? PEER : ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const processMs = performance.now() - began;
  if (r.status !== 0) {
    throw new Error(
      `${target} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-5).join(' ')}`,
    );
  }
  return {
    ...(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Omit<Sample, 'processMs'>),
    processMs,
  };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

export function benchEksBlueprints(): Record<string, string | number>[] {
  if (!existsSync(join(PEER, 'node_modules', '@aws-quickstart', 'eks-blueprints'))) {
    process.stderr.write(
      'bench: EKS Blueprints peer not installed; run: flock /tmp/fastish-npm.lock npm --prefix bench/peers/eks-blueprints install\n',
    );
    return [
      {
        target: LABELS.blueprints,
        note: 'peer not installed: `flock /tmp/fastish-npm.lock npm --prefix bench/peers/eks-blueprints install`',
      },
    ];
  }
  const targets = Object.keys(LABELS) as Target[];
  const samples = new Map<Target, Sample[]>();
  const errors = new Map<Target, string>();
  for (let i = 0; i < RUNS; i++) {
    for (const t of targets) {
      if (errors.has(t)) continue;
      try {
        const s = measure(t);
        process.stderr.write(`bench: eks ${t} run ${i + 1}/${RUNS}: ${s.synthMs.toFixed(0)} ms\n`);
        samples.set(t, [...(samples.get(t) ?? []), s]);
      } catch (err) {
        errors.set(t, (err as Error).message);
      }
    }
  }
  const peerSamples = samples.get('blueprints') ?? [];
  const peerMs = median(peerSamples.map((s) => s.synthMs));
  const peerLast = peerSamples[peerSamples.length - 1];
  const peerPerResource = peerLast
    ? median(peerSamples.map((s) => s.processMs)) / peerLast.resources
    : Number.NaN;
  return targets.map((t): Record<string, string | number> => {
    const ss = samples.get(t) ?? [];
    const error = errors.get(t);
    if (ss.length === 0) return { target: LABELS[t], note: `failed: ${error ?? 'no samples'}` };
    const last = ss[ss.length - 1] as Sample;
    const ms = median(ss.map((s) => s.synthMs));
    return {
      target: LABELS[t],
      'synth ms (median)': ms.toFixed(0),
      'range ms': `${Math.min(...ss.map((s) => s.synthMs)).toFixed(0)}–${Math.max(...ss.map((s) => s.synthMs)).toFixed(0)}`,
      // Like for like only: the peer cannot run the built-in validation the `fastish` row runs.
      'vs peer':
        t === 'fastish'
          ? 'n/a (validation on; the peer has none)'
          : Number.isFinite(peerMs)
            ? `${(ms / peerMs).toFixed(2)}×`
            : 'n/a',
      'process ms (median)': median(ss.map((s) => s.processMs)).toFixed(0),
      'process ms per resource': (median(ss.map((s) => s.processMs)) / last.resources).toFixed(1),
      // Issue 14's measure: whole process per resource, against the peer's (target ≤ 0.5×).
      'per resource vs peer (process)':
        t === 'fastish'
          ? 'n/a (validation on)'
          : Number.isFinite(peerPerResource)
            ? `${(median(ss.map((s) => s.processMs)) / last.resources / peerPerResource).toFixed(2)}×`
            : 'n/a',
      templates: last.stacks ?? '',
      resources: last.resources,
      'template KiB': (last.templateBytes / 1024).toFixed(0),
      'unacknowledged cdk-nag findings': last.nagFindings,
      note: error ? `${ss.length}/${RUNS} runs; then failed: ${error}` : `${ss.length} runs`,
    };
  });
}

if (require.main === module) {
  if (process.argv[2] === '--child') {
    try {
      fastishChild(process.argv[3] !== 'fastish-novalidate');
    } catch (err) {
      process.stderr.write(`${(err as Error).stack}\n`);
      process.exitCode = 1;
    }
  } else {
    const rows = benchEksBlueprints();
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  }
}
