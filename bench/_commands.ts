/**
 * The commands as a user runs them, each timed as a whole process tree (`_process-tree.ts`) against a
 * baseline launched the same way in the same run (`_baseline-main.ts`): `npm run synth` (the README's
 * main job: synth + every gate) with no caches (cold) and with the caches of earlier runs (warm), and
 * `fastish plan --base HEAD~1`. Not a module section (the leading underscore): `bench/run.ts` renders it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandSample, measureCommand, SAMPLE_MS } from './_process-tree';

const ROOT = join(__dirname, '..');

/** Issue 14's targets. */
export const TARGETS = {
  synthWarmMs: 6_000,
  synthColdMs: 12_000,
  synthRssMiB: 500,
  planMs: 10_000,
} as const;

type Row = Record<string, string | number>;

/** Fresh cache directories: Fastish's (gates, plan bases) and the temp dir (Lambda bundles). */
function freshCaches(): { env: NodeJS.ProcessEnv; remove: () => void } {
  const cache = mkdtempSync(join(tmpdir(), 'fastish-bench-cache-'));
  const tmp = mkdtempSync(join(tmpdir(), 'fastish-bench-tmp-'));
  return {
    env: { ...process.env, FASTISH_CACHE_DIR: cache, TMPDIR: tmp },
    remove: () => {
      rmSync(cache, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function log(what: string, s: CommandSample): void {
  process.stderr.write(
    `bench: ${what}: ${s.wallMs.toFixed(0)} ms wall, ${s.cpuMs.toFixed(0)} ms CPU, ${s.maxProcessRssMiB.toFixed(0)} MiB largest process, ${s.treeRssMiB.toFixed(0)} MiB tree\n`,
  );
}

function row(
  command: string,
  state: string,
  ss: readonly CommandSample[],
  base: readonly CommandSample[],
  target: { ms: number; rssMiB?: number },
): Row {
  const wall = median(ss.map((s) => s.wallMs));
  const rss = Math.max(...ss.map((s) => s.maxProcessRssMiB));
  const tree = Math.max(...ss.map((s) => s.treeRssMiB));
  const baseWall = median(base.map((s) => s.wallMs));
  const met = wall <= target.ms && (target.rssMiB === undefined || rss <= target.rssMiB);
  return {
    command,
    state,
    runs: ss.length,
    'wall ms (median)': wall.toFixed(0),
    'range ms': `${Math.min(...ss.map((s) => s.wallMs)).toFixed(0)}–${Math.max(...ss.map((s) => s.wallMs)).toFixed(0)}`,
    'CPU ms (median)': median(ss.map((s) => s.cpuMs)).toFixed(0),
    'peak RSS MiB, largest process': rss.toFixed(0),
    'peak RSS MiB, process tree': tree.toFixed(0),
    'baseline wall ms': baseWall.toFixed(0),
    'vs baseline': `${(wall / baseWall).toFixed(1)}×`,
    target: `≤ ${target.ms / 1000} s${target.rssMiB ? `, ≤ ${target.rssMiB} MiB` : ''}`,
    met: met ? 'yes' : '**no**',
  };
}

/** Measures the commands; `runs` warm runs each (cold: half as many, at least one). */
export async function commandRows(runs: number): Promise<Row[]> {
  const coldRuns = Math.max(1, Math.floor(runs / 2));
  const outdir = mkdtempSync(join(tmpdir(), 'fastish-bench-out-'));
  const npmSynth = ['run', '--silent', 'synth', '--', '--out', outdir];
  // Resolved once: a commit landing during the run must not change what every run plans against.
  const baseRef = execFileSync('git', ['rev-parse', 'HEAD~1'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const npmPlan = [
    'run',
    '--silent',
    'fastish',
    '--',
    'plan',
    '--base',
    baseRef,
    '--config',
    'examples/fastish.yaml',
  ];
  // The launcher `npm run synth` uses (bin/fastish.js): npm, then node with tsx registered in-process.
  const baseline = (mode: string) => [
    'exec',
    '--',
    'node',
    '--import',
    'tsx',
    'bench/_baseline-main.ts',
    mode,
    '--out',
    outdir,
  ];
  const samples = new Map<string, CommandSample[]>();
  const add = async (key: string, args: string[], env: NodeJS.ProcessEnv) => {
    const s = await measureCommand('npm', args, { cwd: ROOT, env });
    log(key, s);
    samples.set(key, [...(samples.get(key) ?? []), s]);
  };
  const warm = freshCaches();
  try {
    for (let i = 0; i < coldRuns; i++) {
      const cold = freshCaches();
      try {
        await add('synth cold', npmSynth, cold.env);
        await add('synth baseline', baseline('synth'), cold.env);
        await add('plan cold', npmPlan, cold.env);
        await add('plan baseline', baseline('plan'), cold.env);
      } finally {
        cold.remove();
      }
    }
    // Filling the caches: the gate results and planned bases on the first run; the compile cache's entries
    // are also completed by the three processes after the one that wrote them (src/cli/compile-cache.ts).
    for (let i = 0; i < 3; i++) {
      await add('synth warm (filling the caches)', npmSynth, warm.env);
      await add('plan warm (filling the caches)', npmPlan, warm.env);
    }
    for (let i = 0; i < runs; i++) {
      // Interleaved with their baselines, so background load falls on both alike.
      await add('synth warm', npmSynth, warm.env);
      await add('synth baseline', baseline('synth'), warm.env);
      if (i < Math.max(1, Math.floor(runs / 2))) {
        await add('plan warm', npmPlan, warm.env);
        await add('plan baseline', baseline('plan'), warm.env);
      }
    }
  } finally {
    warm.remove();
    rmSync(outdir, { recursive: true, force: true });
  }
  const get = (k: string) => samples.get(k) ?? [];
  const synthBase = get('synth baseline');
  const planBase = get('plan baseline');
  return [
    row('`npm run synth`', 'cold: no caches', get('synth cold'), synthBase, {
      ms: TARGETS.synthColdMs,
      rssMiB: TARGETS.synthRssMiB,
    }),
    row('`npm run synth`', 'warm: caches of earlier runs', get('synth warm'), synthBase, {
      ms: TARGETS.synthWarmMs,
      rssMiB: TARGETS.synthRssMiB,
    }),
    row('`fastish plan --base HEAD~1`', 'cold: no caches', get('plan cold'), planBase, {
      ms: TARGETS.planMs,
    }),
    row('`fastish plan --base HEAD~1`', 'warm: HEAD~1 planned before', get('plan warm'), planBase, {
      ms: TARGETS.planMs,
    }),
  ];
}

export const description = [
  "Each command run as a user runs it, from the repository root, and timed as a whole: wall time from start to exit of `npm`, CPU time (user + system) of every process it started and the peak RSS of the largest of them from GNU `/usr/bin/time`, and the peak of the whole process tree's summed RSS sampled from /proc every",
  `${SAMPLE_MS} ms (npm, its shell, node, Fastish's child processes such as the template validator and esbuild).`,
  "`npm run synth` is the README's main job (`fastish synth --config examples/fastish.yaml`: synth + every gate: cdk-nag AwsSolutions + Serverless, the Fastish rules, CloudFormation template validation, the IAM reference gate), written to a temporary `--out` directory.",
  '**cold**: fresh `FASTISH_CACHE_DIR` (gate results, planned bases) and fresh `TMPDIR` (Lambda bundles); **warm**: the caches three earlier runs of the same commands left (nothing changed in between; the first fills them, the next complete the compile cache entries).',
  '`fastish plan --base HEAD~1 --config examples/fastish.yaml` (HEAD~1 resolved to its commit once per bench run) synthesizes HEAD~1 with its own code and the working tree and diffs them; its work does not depend on how many files changed.',
  "**baseline**: `npm exec -- node --import tsx bench/_baseline-main.ts` (same launcher as `npm run synth`'s `node bin/fastish.js`: npm, then one node process with tsx registered in it) doing the same work minus Fastish's on a bare `cdk.App` with one empty `Stack`: for synth, `app.synth()` then cdk-nag (both packs) and aws-cdk-lib's template validation on the stack (in-process, as aws-cdk-lib runs it); for plan, two such synths at once (one in a child process) and a diff of the templates with @aws-cdk/cloudformation-diff.",
  "The CLI runs its TypeScript sources through tsx here (a checkout), with its compile cache (V8 code of the JavaScript modules it loads, `src/cli/compile-cache.ts`) in the same cache directory: empty when cold; the baseline has none (it is Fastish's). The range includes the machine's background load.",
].join(' ');
