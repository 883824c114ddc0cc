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
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..');
const PEER = join(__dirname, 'peers', 'eks-blueprints');
const RUNS = 5;
/** Stands in for a real zone so that external-dns is installed, as in the peer. */
const HOSTED_ZONE = { name: 'acme.example.com', id: 'Z0123456789ABCDEFGHIJ' };

export const title = 'EKS: Fastish vs EKS Blueprints';
export const description = [
  `Fastish's EKS stack (\`EksStack\`, examples/fastish.yaml's \`dev\` environment, one stack, no bootstrap stack) next to an [EKS Blueprints](https://github.com/aws-quickstart/cdk-eks-blueprints) cluster with the same add-ons (\`bench/peers/eks-blueprints/synth.ts\`), ${RUNS} fresh child processes each, interleaved, in the same run.`,
  'The peer is installed on its own, never as a dependency of this project: `flock /tmp/fastish-npm.lock npm --prefix bench/peers/eks-blueprints install` (without it this section says "peer not installed").',
  `For the same add-on set, the Fastish build sets \`eks.hostedZone\`/\`eks.hostedZoneId\` (${HOSTED_ZONE.name}) and \`eks.grafanaCloud\` on top of the dev environment, so external-dns and the Grafana Cloud observability are in; the peer imports the same zone by id and pins the same EKS managed add-on builds (no DescribeAddonVersions lookup), account/region/AZs explicit: both synthesize offline.`,
  'Peer add-ons: VPC CNI, CoreDNS, kube-proxy, EKS Pod Identity agent, EBS CSI (gp3 StorageClass), metrics-server, Karpenter (v1, Pod Identity, interruption handling), AWS Load Balancer Controller, cert-manager, external-dns, External Secrets.',
  "No Blueprints equivalent (so not in the peer): Grafana Cloud k8s-monitoring/Alloy with Secrets Manager credentials (Blueprints offers AMP/ADOT and grafana-operator, a different stack), the AWS WAF web ACL on internet-facing ALBs, Fastish's team namespaces (quotas, NetworkPolicies, RBAC) and extra NodePools.",
  "**process ms**: the child process's wall time from start to exit (Node, module loading, config, build, synth, and the cdk-nag run both sides do); **per resource vs peer (process)**: issue 14's measure, (our process ms / our resources) ÷ (the peer's process ms / its resources), target ≤ 0.5×, and the same on the children's CPU time (user + system from GNU time, which the shared machine's load distorts less than wall time), like for like: the first rows run under tsx on both sides (Fastish's TypeScript sources as `npm run synth` runs them in a checkout: bin/register-sources.js gives tsx the project's files and Node its packages; the peer's synth.ts under `--require tsx/cjs`, its libraries compiled), the compiled rows with no loader on either side (Fastish's `dist/` from `npm run build` of the same sources, as an installed package runs it; the peer's synth.ts transpiled once with esbuild). **synth ms**: after module loading; Fastish: load + validate the config, build the stack, `app.synth()`; peer: build the blueprint, `app.synth()`. The peer's pinned aws-cdk-lib (the version Blueprints requires) has no built-in CloudFormation template validation, so only the Fastish row without it is compared with the peer (same work minus Fastish's); the row with the validation on shows what it costs and has no ratio.",
  "**phases ms** (Fastish's rows; the peer prints no split): Node start-up before the child's code runs, tsx's registration included (boot); requiring aws-cdk-lib, yaml, Fastish's config/app/stack modules and cdk-nag (load; modules required lazily later count in the phase that first needs them, e.g. aws-ec2 in config validation's subnet rule); reading and validating examples/fastish.yaml (config); constructing the stack (build); `app.synth()` (synth); cdk-nag's `validateScope` (nag, which the peer runs too).",
  "**module caches**: Fastish's child turns on the module caches first, as the `fastish` command does (bin/fastish.js → `src/cli/module-cache.ts`: V8's compiled code of the modules it loads and where their requires resolved, in `FASTISH_CACHE_DIR`); the warm rows run after two unmeasured rounds of them filled the caches and completed their entries (each entry is taken again by the three processes after the one that wrote it), as earlier runs of the commands would; the first-run row gets an empty cache on every run (it compiles, resolves and writes the caches); the off row runs without them. The peer has no such cache (Node 20 has none, Blueprints and the CDK CLI add none): its rows are what its users run.",
  "**resources** / **template bytes**: every template of the cloud assembly (nested stacks included). **cdk-nag**: `validateScope` of AwsSolutions + Serverless on the stack after synth, counting violating resources; Fastish acknowledgements (each with a reason) are honoured, the peer has none. Fastish's child loads cdk-nag as the `fastish` command does (`nagPacks` → src/checks/nag-loader.ts: its rules' `instanceof` tests against aws-cdk-lib classes whose files have not run answer `false` without loading ~13.5 MB of service modules; same findings) and ends as the command ends (bin/fastish.js: `process.exit` once its output is written, not after V8's garbage collection under way); the peer loads cdk-nag plainly and ends when Node does, as its users' `cdk synth` apps do.",
].join(' ');

type Target =
  | 'fastish'
  | 'fastish-novalidate'
  | 'blueprints'
  | 'fastish-compiled'
  | 'fastish-compiled-cold'
  | 'fastish-compiled-nocache'
  | 'blueprints-compiled';
const LABELS: Record<Target, string> = {
  fastish: 'Fastish `EksStack`',
  'fastish-novalidate': 'Fastish `EksStack`, no built-in validation',
  blueprints: 'EKS Blueprints (peer)',
  'fastish-compiled': 'Fastish `EksStack`, no built-in validation, compiled (`dist/`, plain node)',
  'fastish-compiled-cold': 'the same, first run: empty module caches (each run)',
  'fastish-compiled-nocache': 'the same, module caches off (`FASTISH_COMPILE_CACHE=0`)',
  'blueprints-compiled': 'EKS Blueprints (peer), its synth.ts compiled once (plain node)',
};
/** The module caches (src/cli/module-cache.ts) each Fastish target runs with. */
const CACHE_STATE: Partial<Record<Target, 'warm' | 'cold' | 'off'>> = {
  fastish: 'warm',
  'fastish-novalidate': 'warm',
  'fastish-compiled': 'warm',
  'fastish-compiled-cold': 'cold',
  'fastish-compiled-nocache': 'off',
};
/** The peer each target is compared with: like for like, TypeScript loader or none. */
const PEER_OF: Record<Target, Target | undefined> = {
  fastish: undefined,
  'fastish-novalidate': 'blueprints',
  blueprints: 'blueprints',
  'fastish-compiled': 'blueprints-compiled',
  'fastish-compiled-cold': 'blueprints-compiled',
  'fastish-compiled-nocache': 'blueprints-compiled',
  'blueprints-compiled': 'blueprints-compiled',
};

interface Sample {
  readonly synthMs: number;
  /** The child process's wall time, start to exit: Node, tsx, module loading, the build, synth and cdk-nag. */
  readonly processMs: number;
  /** The child's CPU time (user + system, GNU time; NaN without it): what the load of a shared machine leaves alone. */
  readonly cpuMs: number;
  readonly resources: number;
  readonly templateBytes: number;
  readonly nagFindings: number;
  readonly stacks?: number;
  /** Fastish's child only (`_eks-child.js`): ms per phase, boot → load → config → build → synth → nag. */
  readonly phases?: Readonly<Record<string, number>>;
  /** Fastish's child only: what the module caches did (undefined parts: off). */
  readonly compileCache?: {
    readonly compile?: { readonly hits: number; readonly misses: number };
    readonly resolve?: { readonly hits: number; readonly misses: number };
  };
}

/** The peer's synth.ts as plain JavaScript (esbuild, no bundling): run without a TypeScript loader. */
function compiledPeer(): string {
  const { transformSync } = require('esbuild') as typeof import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'fastish-bench-peer-'));
  const file = join(dir, 'synth.js');
  const source = readFileSync(join(PEER, 'synth.ts'), 'utf8');
  writeFileSync(file, transformSync(source, { loader: 'ts', format: 'cjs', target: 'node20' }).code);
  return file;
}

/** `dist/` compiled from the current sources (`npm run build`, incremental). */
function buildDist(): void {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`npm run build failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
}

function measure(target: Target, peerJs: string | undefined, warmCache: string): Sample {
  const peer = target === 'blueprints' || target === 'blueprints-compiled';
  const compiled = target.endsWith('compiled') || target.startsWith('fastish-compiled');
  const cacheState = CACHE_STATE[target];
  const coldCache =
    cacheState === 'cold' ? mkdtempSync(join(tmpdir(), 'fastish-bench-eks-cold-')) : undefined;
  const cacheEnv: NodeJS.ProcessEnv =
    cacheState === 'off'
      ? { FASTISH_COMPILE_CACHE: '0' }
      : { FASTISH_CACHE_DIR: coldCache ?? warmCache, FASTISH_COMPILE_CACHE: '1' };
  // `--require tsx/cjs` resolves from cwd: the peer runs with its own tsx and node_modules. Fastish's child
  // registers tsx itself, as bin/fastish.js does in a checkout (bin/register-sources.js).
  const loader = compiled || !peer ? [] : ['--require', 'tsx/cjs'];
  const entry = peer
    ? compiled
      ? [peerJs as string]
      : [join(PEER, 'synth.ts')]
    : [
        join(__dirname, '_eks-child.js'),
        compiled ? 'dist' : 'src',
        target === 'fastish' ? 'validate' : 'novalidate',
      ];
  const timeFile = join(tmpdir(), `fastish-bench-eks-time-${process.pid}`);
  const timed = existsSync('/usr/bin/time');
  const command = [process.execPath, ...loader, ...entry];
  const began = performance.now();
  const r = spawnSync(
    timed ? '/usr/bin/time' : process.execPath,
    timed ? ['-f', '%U %S', '-o', timeFile, ...command] : command.slice(1),
    {
      cwd: peer ? PEER : ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      // The compiled peer sits in a temporary directory: its packages resolve from the peer's node_modules.
      env: peer
        ? compiled
          ? { ...process.env, NODE_PATH: join(PEER, 'node_modules') }
          : process.env
        : { ...process.env, ...cacheEnv },
    },
  );
  const processMs = performance.now() - began;
  if (coldCache) rmSync(coldCache, { recursive: true, force: true });
  const [user = Number.NaN, sys = Number.NaN] = timed
    ? (readFileSync(timeFile, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [])
    : [];
  if (timed) rmSync(timeFile, { force: true });
  if (r.status !== 0) {
    throw new Error(
      `${target} failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-5).join(' ')}`,
    );
  }
  return {
    ...(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Omit<Sample, 'processMs' | 'cpuMs'>),
    processMs,
    cpuMs: (user + sys) * 1000,
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
  try {
    buildDist();
  } catch (err) {
    errors.set('fastish-compiled', (err as Error).message);
  }
  const peerJs = compiledPeer();
  // The warm targets' module caches: filled and completed by two unmeasured rounds of the warm targets, as
  // earlier runs of the commands would (an entry is taken again by the three processes after its writer).
  const warmCache = mkdtempSync(join(tmpdir(), 'fastish-bench-eks-cache-'));
  for (const _round of [1, 2]) {
    for (const t of targets.filter((t) => CACHE_STATE[t] === 'warm' && !errors.has(t))) {
      try {
        measure(t, peerJs, warmCache);
      } catch (err) {
        errors.set(t, (err as Error).message);
      }
    }
  }
  for (let i = 0; i < RUNS; i++) {
    for (const t of targets) {
      if (errors.has(t)) continue;
      try {
        const s = measure(t, peerJs, warmCache);
        process.stderr.write(`bench: eks ${t} run ${i + 1}/${RUNS}: ${s.synthMs.toFixed(0)} ms\n`);
        samples.set(t, [...(samples.get(t) ?? []), s]);
      } catch (err) {
        errors.set(t, (err as Error).message);
      }
    }
  }
  rmSync(dirname(peerJs), { recursive: true, force: true });
  rmSync(warmCache, { recursive: true, force: true });
  /** A peer target's median synth ms and whole-process ms per resource. */
  const peerFigures = (t: Target) => {
    const ps = samples.get(t) ?? [];
    const last = ps[ps.length - 1];
    return {
      ms: median(ps.map((s) => s.synthMs)),
      perResource: last ? median(ps.map((s) => s.processMs)) / last.resources : Number.NaN,
      cpuPerResource: last ? median(ps.map((s) => s.cpuMs)) / last.resources : Number.NaN,
    };
  };
  return targets.map((t): Record<string, string | number> => {
    const peerOf = PEER_OF[t];
    const none = { ms: Number.NaN, perResource: Number.NaN, cpuPerResource: Number.NaN };
    const {
      ms: peerMs,
      perResource: peerPerResource,
      cpuPerResource: peerCpuPerResource,
    } = peerOf ? peerFigures(peerOf) : none;
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
      'synth vs peer':
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
      'CPU ms (median)': median(ss.map((s) => s.cpuMs)).toFixed(0),
      'CPU per resource vs peer':
        t === 'fastish'
          ? 'n/a (validation on)'
          : Number.isFinite(peerCpuPerResource)
            ? `${(median(ss.map((s) => s.cpuMs)) / last.resources / peerCpuPerResource).toFixed(2)}×`
            : 'n/a',
      // Where Fastish's process time goes (the peer prints no split): each phase's median over the runs.
      'phases ms (median): boot / load / config / build / synth / nag': last.phases
        ? Object.keys(last.phases)
            .map((k) => median(ss.map((s) => s.phases?.[k] ?? Number.NaN)).toFixed(0))
            .join(' / ')
        : 'n/a',
      'module caches (compiled / resolved from cache)': !CACHE_STATE[t]
        ? 'n/a'
        : last.compileCache?.compile
          ? `${CACHE_STATE[t]}: ${last.compileCache.compile.hits}/${last.compileCache.compile.hits + last.compileCache.compile.misses} modules, ${last.compileCache.resolve?.hits ?? 0}/${(last.compileCache.resolve?.hits ?? 0) + (last.compileCache.resolve?.misses ?? 0)} requires`
          : 'off',
      templates: last.stacks ?? '',
      resources: last.resources,
      'template KiB': (last.templateBytes / 1024).toFixed(0),
      'unacknowledged cdk-nag findings': last.nagFindings,
      note: error ? `${ss.length}/${RUNS} runs; then failed: ${error}` : `${ss.length} runs`,
    };
  });
}

if (require.main === module) {
  const rows = benchEksBlueprints();
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
}
