/**
 * `npm run bench`: synth time and peak memory of the example platform, each measured in a fresh child
 * process (median of N runs), each against a baseline measured the same way in the same run: a bare
 * `cdk.App` with one empty stack and the same template validation setting as the target (so a ratio
 * counts Fastish's work only, never validation one side does and the other skips). Writes
 * `docs/benchmarks.md`.
 *
 * Pluggable: every other `bench/*.ts` module that exports `bench()` (or a default function, or one
 * function named `bench<Something>`) returning rows (`Record<string, string | number>[]`, optionally
 * async) gets its own section; it may export `title` and `description`.
 *
 * Then the commands as a user runs them (`bench/_commands.ts`): `npm run synth` cold and warm and
 * `fastish plan`, each timed as a whole process tree against a baseline launched the same way.
 *
 *   BENCH_RUNS=5 npm run bench        # runs per target (default 5)
 *   npm run bench -- --only example   # one target, no module sections, no file written
 *   npm run bench -- --only commands  # the command rows only, no file written
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { TARGETS as COMMAND_TARGETS, commandRows, description as commandsDescription } from './_commands';

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'fastish.yaml');
const OUTPUT = join(ROOT, 'docs', 'benchmarks.md');
/** How long a module section may take before it is reported as failed (`BENCH_MODULE_TIMEOUT_MIN`). */
const MODULE_TIMEOUT_MS = Number(process.env.BENCH_MODULE_TIMEOUT_MIN ?? 15) * 60_000;
/** Issue 2's target for the full example platform. */
const TARGET_MS = 5_000;

type Target = 'baseline' | 'baseline-validate' | 'example' | 'example-validate' | 'example-check';
const TARGETS: Record<Target, string> = {
  baseline:
    "bare cdk.App + one empty Stack, `app.synth()`, aws-cdk-lib's built-in template validation off (as `example`)",
  'baseline-validate':
    "the same with the built-in template validation on (CDK's default; as `example-validate`, and the validation `example-check`'s gates run)",
  example:
    'examples/fastish.yaml as `fastish synth` builds it: validate, build every stack, `app.synth()` (template validation left to the gates)',
  'example-validate':
    "the same with aws-cdk-lib's built-in CloudFormation template validation during synth (as `cdk synth` runs it)",
  'example-check':
    'examples/fastish.yaml: synth + every gate (`fastish check`: cdk-nag, Fastish rules, template validation)',
};
/** Each target's baseline: a bare App doing the same work minus Fastish's, validation included or not alike. */
const BASELINE: Record<Target, 'baseline' | 'baseline-validate'> = {
  baseline: 'baseline',
  'baseline-validate': 'baseline-validate',
  example: 'baseline',
  'example-validate': 'baseline-validate',
  // The gates validate every template once (TemplateValidation), as the built-in validation does in synth.
  'example-check': 'baseline-validate',
};
const isBaseline = (t: Target) => BASELINE[t] === t;

interface Sample {
  /** Time of the measured work inside the child, after module loading. */
  readonly workMs: number;
  /** Child process wall time, including Node start-up and module loading. */
  readonly processMs: number;
  /** Peak resident set size of the child, MiB. */
  readonly peakRssMiB: number;
}

/** Runs in the child: does the work for one target and prints its timing as JSON. */
async function child(target: Target): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), 'fastish-bench-'));
  if (isBaseline(target)) {
    const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
    const start = performance.now(); // after module loading, as for the example
    const builtinCloudFormationValidation = target === 'baseline-validate';
    const app = new App({ outdir, analyticsReporting: false, builtinCloudFormationValidation });
    new Stack(app, 'Empty');
    app.synth();
    rmSync(outdir, { recursive: true, force: true });
    process.stdout.write(`${JSON.stringify({ workMs: performance.now() - start })}\n`);
    return;
  }
  const loaded = performance.now();
  // require, not import(): the child runs under `--require tsx/cjs`, which hooks CommonJS loading only.
  const { loadConfig } = require('../src/config') as typeof import('../src/config');
  const { buildPlatform, createApp } = require('../src/app/platform') as typeof import('../src/app/platform');
  const { runChecks } = require('../src/checks/run') as typeof import('../src/checks/run');
  const importMs = performance.now() - loaded;
  const work = performance.now();
  const builtinCloudFormationValidation = target === 'example-validate';
  const platform = buildPlatform(loadConfig(EXAMPLE), createApp({ outdir, builtinCloudFormationValidation }));
  if (target === 'example-check') await runChecks(platform);
  else platform.app.synth();
  rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ workMs: performance.now() - work, importMs })}\n`);
}

function measure(target: Target): Sample {
  const began = performance.now();
  const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', __filename, '--child', target], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const processMs = performance.now() - began;
  if (r.status !== 0) throw new Error(`${target} failed (exit ${r.status}):\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '{}';
  const { workMs } = JSON.parse(line) as { workMs: number };
  return { workMs, processMs, peakRssMiB: peakRss(r) };
}

/** Peak RSS of the finished child: `/usr/bin/time` is not everywhere, so the child reports it on exit. */
function peakRss(r: ReturnType<typeof spawnSync>): number {
  const m = /PEAK_RSS_KB=(\d+)/.exec(String(r.stderr));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|');
  return [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

type Rows = Record<string, string | number>[];
interface BenchModule {
  readonly bench?: () => Rows | Promise<Rows>;
  readonly default?: () => Rows | Promise<Rows>;
  readonly title?: string;
  readonly description?: string;
}

/** Other engineers' bench modules: every bench/*.ts except this runner. */
async function moduleSections(): Promise<string[]> {
  const sections: string[] = [];
  const files = readdirSync(__dirname)
    .filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== basename(__filename) && !f.startsWith('_'),
    )
    .sort();
  for (const file of files) {
    const name = basename(file, '.ts');
    const mod = require(join(__dirname, file)) as BenchModule;
    const named = Object.entries(mod).find(([k, v]) => /^bench[A-Z]/.test(k) && typeof v === 'function');
    const fn =
      mod.bench ??
      (typeof mod.default === 'function' ? mod.default : undefined) ??
      (named?.[1] as (() => Rows | Promise<Rows>) | undefined);
    if (!fn) {
      process.stderr.write(`bench: ${file} exports no bench() function; skipped\n`);
      continue;
    }
    process.stderr.write(`bench: running ${file}\n`);
    try {
      // A module that never finishes (a load test that hangs) must not keep every other section unwritten.
      let timer: NodeJS.Timeout | undefined;
      const rows = await Promise.race([
        Promise.resolve(fn()),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no result after ${MODULE_TIMEOUT_MS / 60_000} min`)),
            MODULE_TIMEOUT_MS,
          );
          timer.unref();
        }),
      ]).finally(() => clearTimeout(timer));
      const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      sections.push(
        [
          `## ${mod.title ?? name}`,
          '',
          `Module \`bench/${file}\`.${mod.description ? ` ${mod.description}` : ''}`,
          '',
          rows.length > 0
            ? table(
                headers,
                rows.map((r) => headers.map((h) => r[h] ?? '')),
              )
            : '_no rows_',
        ].join('\n'),
      );
    } catch (err) {
      sections.push(
        `## ${mod.title ?? name}\n\nModule \`bench/${file}\` failed: ${(err as Error).message.split('\n')[0]}`,
      );
    }
  }
  return sections;
}

async function parent(): Promise<void> {
  const fmtLoad = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(', ');
  const loadAtStart = fmtLoad();
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const onlyIndex = process.argv.indexOf('--only');
  const onlyArg = onlyIndex > 0 ? process.argv[onlyIndex + 1] : undefined;
  if (onlyArg === 'commands') {
    const rows = await commandRows(runs);
    const headers = Object.keys(rows[0] ?? {});
    process.stdout.write(
      `${table(
        headers,
        rows.map((r) => headers.map((h) => r[h] ?? '')),
      )}\n`,
    );
    return;
  }
  const only = onlyArg as Target | undefined;
  const targets = (Object.keys(TARGETS) as Target[]).filter(
    (t) => !only || t === only || t === BASELINE[only],
  );
  const results = new Map<Target, Sample[]>();
  for (let i = 0; i < runs; i++) {
    // Interleaved, so background load affects every target alike.
    for (const t of targets) {
      const s = measure(t);
      process.stderr.write(
        `bench: ${t} run ${i + 1}/${runs}: ${s.workMs.toFixed(0)} ms, ${s.peakRssMiB.toFixed(0)} MiB\n`,
      );
      results.set(t, [...(results.get(t) ?? []), s]);
    }
  }
  const rows = targets.map((t) => {
    const base = results.get(BASELINE[t]) ?? [];
    const baseWork = median(base.map((s) => s.workMs));
    const baseProc = median(base.map((s) => s.processMs));
    const baseRss = median(base.map((s) => s.peakRssMiB));
    const ratio = (x: number, b: number) => (isBaseline(t) ? '1.0×' : `${(x / b).toFixed(1)}×`);
    const ss = results.get(t) ?? [];
    const work = median(ss.map((s) => s.workMs));
    const proc = median(ss.map((s) => s.processMs));
    const rss = median(ss.map((s) => s.peakRssMiB));
    return [
      `\`${t}\``,
      TARGETS[t],
      work.toFixed(0),
      `${Math.min(...ss.map((s) => s.workMs)).toFixed(0)}–${Math.max(...ss.map((s) => s.workMs)).toFixed(0)}`,
      proc.toFixed(0),
      rss.toFixed(0),
      `\`${BASELINE[t]}\``,
      ratio(work, baseWork),
      ratio(proc, baseProc),
      ratio(rss, baseRss),
    ];
  });
  const exampleMs = median((results.get('example') ?? []).map((s) => s.workMs));
  const report = table(
    [
      'target',
      'work',
      'synth ms (median)',
      'range ms',
      'process ms (median)',
      'peak RSS MiB (median)',
      'baseline',
      'synth vs baseline',
      'process vs baseline',
      'RSS vs baseline',
    ],
    rows,
  );
  process.stdout.write(`${report}\n`);
  if (only) return;
  process.stderr.write('bench: the commands as a user runs them\n');
  const commands = await commandRows(runs);
  const commandHeaders = Object.keys(commands[0] ?? {});
  const git = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const doc = [
    '<!-- Generated by `npm run bench` (bench/run.ts). Re-run to refresh; numbers depend on the machine. -->',
    '# Benchmarks',
    '',
    `Commit \`${git}\`, Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average (1, 5, 15 min) ${loadAtStart} at the start and ${fmtLoad()} at the end of the synth runs; median of ${runs} runs per target, each in a fresh child process (\`node --require tsx/cjs\`), targets interleaved.`,
    '',
    '- **synth ms**: the measured work inside the child after module loading (for the example: load + validate the config, build every stack, synthesize the cloud assembly).',
    "- **process ms**: the child's wall time, including Node start-up, TypeScript loading (tsx) and module imports.",
    "- **peak RSS**: the child's maximum resident set size (`process.resourceUsage().maxRSS`).",
    "- **baseline**: a bare `cdk.App` with one empty `Stack`, synthesized the same way in the same run, with the same aws-cdk-lib built-in template validation setting as the target it is compared with (the `baseline` column): the ratios count Fastish's own work. (Before, one baseline kept the validation on while `example` turned it off; its seconds of schema loading made `example` look like 1.5× a bare App.)",
    '- **machine**: 2 shared cores; other engineers build and test on the same machine at the same time, so absolute times vary between runs (see the load average). Targets are interleaved so the load falls on every target and its baseline alike; compare ratios, not absolute times, between runs.',
    '- **bundles**: Lambda bundles are reused across processes while every file esbuild read for them is unchanged (content-hashed, see `src/constructs/webapp/handler-bundle.ts`); the first run after a code change bundles afresh, so the range includes it.',
    '',
    '## Synth of the example platform',
    '',
    report,
    '',
    `Target (issue 2): the full example platform synthesizes in under ${TARGET_MS / 1000} s on 2 cores — median ${(exampleMs / 1000).toFixed(1)} s here: **${exampleMs < TARGET_MS ? 'met' : 'not met'}**.`,
    '',
    '## The main command and plan, as a user runs them',
    '',
    commandsDescription,
    `Targets (issue 14): \`npm run synth\` ≤ ${COMMAND_TARGETS.synthWarmMs / 1000} s median warm, ≤ ${COMMAND_TARGETS.synthColdMs / 1000} s cold, peak RSS ≤ ${COMMAND_TARGETS.synthRssMiB} MiB (judged on the largest process, as \`/usr/bin/time\` reports it; the process tree column is the sum); \`fastish plan\` ≤ ${COMMAND_TARGETS.planMs / 1000} s.`,
    '',
    table(
      commandHeaders,
      commands.map((r) => commandHeaders.map((h) => r[h] ?? '')),
    ),
    '',
    ...(await moduleSections()).flatMap((s) => [s, '']),
  ].join('\n');
  writeFileSync(OUTPUT, doc);
  process.stderr.write(`bench: wrote ${OUTPUT}\n`);
}

if (process.argv[2] === '--child') {
  process.on('exit', () => process.stderr.write(`PEAK_RSS_KB=${process.resourceUsage().maxRSS}\n`));
  child(process.argv[3] as Target).catch((err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = 1;
  });
} else if (require.main === module) {
  parent().catch((err) => {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
