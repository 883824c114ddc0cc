import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { type AssemblyStack, readAssembly } from './assembly';

/** Where one side of a plan comes from. */
export type PlanSource =
  | { readonly kind: 'assembly'; readonly dir: string }
  | { readonly kind: 'git'; readonly ref: string }
  | { readonly kind: 'working-tree' };

/** A directory holding `manifest.json` is an assembly; anything else is a git ref. */
export function parseSource(value: string | undefined, fallback: PlanSource): PlanSource {
  if (value === undefined) return fallback;
  if (existsSync(join(value, 'manifest.json'))) return { kind: 'assembly', dir: value };
  return { kind: 'git', ref: value };
}

export interface SynthContext {
  /** Repository root (git work tree). */
  readonly repoRoot: string;
  /** Config file path (absolute or relative to the current directory). */
  readonly configPath: string;
  /** Synthesizes the working tree in-process into `outdir` (injected so tests and the CLI share it). */
  readonly synthWorkingTree: (configPath: string, outdir: string) => void;
  /** Extra CDK context for the git-ref synth (the same the working-tree synth uses). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Progress lines (to stderr in the CLI). */
  readonly progress?: (line: string) => void;
}

function run(cmd: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  const result = spawnSync(cmd, args, {
    cwd,
    env: env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  if (result.status !== 0) {
    const detail = (result.stderr || result.stdout || String(result.error ?? ''))
      .trim()
      .split('\n')
      .slice(-15);
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${result.status}):\n${detail.join('\n')}`);
  }
  return result.stdout;
}

/**
 * Synthesizes the tree of a git ref offline: exports it with `git archive` into a temporary directory
 * (the repository and its work tree are not touched), links the repository's node_modules, and runs
 * that tree's own CDK app (`cdk.json` "app") the way the CDK CLI does (CDK_OUTDIR + context), with the
 * ref's copy of the config file when it has one.
 */
export function synthGitRef(ref: string, ctx: SynthContext, outdir: string): void {
  const sha = run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], ctx.repoRoot).trim();
  const tree = mkdtempSync(join(tmpdir(), 'fastish-plan-base-'));
  try {
    ctx.progress?.(`base: exporting ${ref} (${sha.slice(0, 12)})`);
    const archive = spawnSync('git', ['archive', '--format=tar', sha], {
      cwd: ctx.repoRoot,
      maxBuffer: 1024 * 1024 * 1024,
    });
    if (archive.status !== 0) throw new Error(`git archive ${sha} failed: ${archive.stderr.toString()}`);
    const untar = spawnSync('tar', ['-x', '-C', tree], { input: archive.stdout });
    if (untar.status !== 0) throw new Error(`extracting ${sha} failed: ${untar.stderr.toString()}`);
    symlinkSync(join(ctx.repoRoot, 'node_modules'), join(tree, 'node_modules'), 'dir');

    const absConfig = resolve(ctx.configPath);
    const rel = relative(ctx.repoRoot, absConfig);
    const inTree = !rel.startsWith('..') && !isAbsolute(rel) ? join(tree, rel) : undefined;
    const config = inTree && existsSync(inTree) ? inTree : absConfig;
    const cdkJson = join(tree, 'cdk.json');
    const cdk = existsSync(cdkJson)
      ? (JSON.parse(readFileSync(cdkJson, 'utf8')) as { app?: string; context?: Record<string, unknown> })
      : {};
    const app = cdk.app ?? 'npx tsx src/app/main.ts';
    ctx.progress?.(`base: synthesizing ${ref} with its own code (${app})`);
    run('sh', ['-c', app], tree, {
      ...process.env,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdk.context, ...ctx.context, 'fastish-config': config }),
      FASTISH_CONFIG: config,
    });
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/** Produces the stacks of one side of the plan. Temporary assemblies are removed afterwards. */
export function loadSource(source: PlanSource, ctx: SynthContext): AssemblyStack[] {
  if (source.kind === 'assembly') return readAssembly(source.dir);
  const outdir = mkdtempSync(join(tmpdir(), 'fastish-plan-out-'));
  try {
    if (source.kind === 'git') synthGitRef(source.ref, ctx, outdir);
    else {
      ctx.progress?.('head: synthesizing the working tree');
      ctx.synthWorkingTree(ctx.configPath, outdir);
    }
    return readAssembly(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
