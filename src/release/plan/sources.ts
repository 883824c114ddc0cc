import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { cacheRoot, GateCache, hashParts } from '../../checks/gate-cache';
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
  /**
   * Keeps the stacks of git refs synthesized before (`planSides`), by commit tree, config, lockfile and
   * Node version. @default none
   */
  readonly baseCache?: GateCache;
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

interface ExportedRef {
  readonly sha: string;
  /** The exported tree (temporary; `remove` deletes it). */
  readonly tree: string;
  /** The command that synthesizes it and its environment. */
  readonly app: string;
  readonly env: NodeJS.ProcessEnv;
  readonly remove: () => void;
}

/**
 * Exports the tree of a git ref with `git archive` into a temporary directory (the repository and its
 * work tree are not touched), links the repository's node_modules, and prepares that tree's own CDK
 * app (`cdk.json` "app") the way the CDK CLI runs it (CDK_OUTDIR + context), with the ref's copy of the
 * config file when it has one. aws-cdk-lib's built-in template validation is off (CDK_VALIDATION=false):
 * it changes no template, and a plan reads nothing else (`fastish synth` and `fastish check` validate).
 */
function exportRef(ref: string, ctx: SynthContext, outdir: string): ExportedRef {
  const sha = run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], ctx.repoRoot).trim();
  const tree = mkdtempSync(join(tmpdir(), 'fastish-plan-base-'));
  const remove = () => rmSync(tree, { recursive: true, force: true });
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
    return {
      sha,
      tree,
      app: withoutNpx(cdk.app ?? 'npx tsx src/app/main.ts', tree),
      env: {
        ...process.env,
        CDK_OUTDIR: outdir,
        CDK_CONTEXT_JSON: JSON.stringify({ ...cdk.context, ...ctx.context, 'fastish-config': config }),
        FASTISH_CONFIG: config,
        CDK_VALIDATION: 'false',
      },
      remove,
    };
  } catch (err) {
    remove();
    throw err;
  }
}

/**
 * `npx <bin> …` as the local `node_modules/.bin/<bin> …` when the tree has it: what npx would run, without
 * starting npm first (~0.4 s and ~60 MiB).
 */
function withoutNpx(app: string, tree: string): string {
  const m = /^npx\s+(?:--no-install\s+|--yes\s+|-y\s+)?([\w@./-]+)(\s.*)?$/.exec(app.trim());
  if (!m?.[1] || m[1].includes('@')) return app; // a pinned version (npx pkg@1) may not be the local one
  const bin = join(tree, 'node_modules', '.bin', m[1]);
  return existsSync(bin) ? `${JSON.stringify(bin)}${m[2] ?? ''}` : app;
}

/** Synthesizes the tree of a git ref offline into `outdir` (see `exportRef`). */
export function synthGitRef(ref: string, ctx: SynthContext, outdir: string): void {
  const exported = exportRef(ref, ctx, outdir);
  try {
    ctx.progress?.(`base: synthesizing ${ref} with its own code (${exported.app})`);
    run('sh', ['-c', exported.app], exported.tree, exported.env);
  } finally {
    exported.remove();
  }
}

/** `synthGitRef` in a child process that runs while this process does other work (the head's synth). */
async function synthGitRefConcurrently(ref: string, ctx: SynthContext, outdir: string): Promise<void> {
  const exported = exportRef(ref, ctx, outdir);
  // Output to a file, not a pipe: this process may be busy synthesizing and not reading a pipe.
  const log = join(exported.tree, '.fastish-plan-synth.log');
  const fd = openSync(log, 'w');
  try {
    ctx.progress?.(`base: synthesizing ${ref} with its own code (${exported.app}), in parallel`);
    const code = await new Promise<number | string>((resolvePromise, reject) => {
      const child = spawn('sh', ['-c', exported.app], {
        cwd: exported.tree,
        env: exported.env,
        stdio: ['ignore', fd, fd],
      });
      child.on('error', reject);
      child.on('close', (status, signal) => resolvePromise(status ?? signal ?? 'unknown'));
    });
    if (code !== 0) {
      const detail = readFileSync(log, 'utf8').trim().split('\n').slice(-15);
      throw new Error(`sh -c ${exported.app} failed (exit ${code}):\n${detail.join('\n')}`);
    }
  } finally {
    closeSync(fd);
    exported.remove();
  }
}

/** Everything a git ref's synthesized stacks depend on: its tree, the config, the dependencies, Node. */
function baseKey(ref: string, ctx: SynthContext): string {
  const tree = run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{tree}`], ctx.repoRoot).trim();
  const file = (path: string) => (existsSync(path) ? readFileSync(path) : '');
  return hashParts([
    'plan-base-1',
    tree,
    resolve(ctx.configPath),
    file(resolve(ctx.configPath)),
    // What is installed (npm's record of node_modules), else what should be.
    file(join(ctx.repoRoot, 'node_modules', '.package-lock.json')) ||
      file(join(ctx.repoRoot, 'package-lock.json')),
    process.version,
    JSON.stringify(ctx.context ?? {}),
  ]);
}

/** A git ref's stacks as JSON (construct paths as entries). */
type StoredStack = Omit<AssemblyStack, 'paths'> & { readonly paths?: [string, string][] };

async function loadGitRef(ref: string, ctx: SynthContext): Promise<AssemblyStack[]> {
  const key = ctx.baseCache ? baseKey(ref, ctx) : undefined;
  const stored = key ? ctx.baseCache?.get<StoredStack[]>(key) : undefined;
  if (Array.isArray(stored)) {
    ctx.progress?.(`base: ${ref} synthesized before with the same tree, config and dependencies`);
    return stored.map(({ paths, ...s }) => ({ ...s, ...(paths ? { paths: new Map(paths) } : {}) }));
  }
  const outdir = mkdtempSync(join(tmpdir(), 'fastish-plan-out-'));
  try {
    await synthGitRefConcurrently(ref, ctx, outdir);
    const stacks = readAssembly(outdir);
    if (key && ctx.baseCache) {
      ctx.baseCache.set(
        key,
        stacks.map((s) => ({ ...s, ...(s.paths ? { paths: [...s.paths] } : {}) })),
      );
      ctx.baseCache.prune();
    }
    return stacks;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The cache `fastish plan` keeps synthesized git refs in (under `cacheRoot`). */
export function planBaseCache(repoRoot: string): GateCache {
  return new GateCache(join(cacheRoot(repoRoot), 'plan-base'));
}

/**
 * Both sides of a plan. A git ref synthesizes in a child process (or comes from `ctx.baseCache`) while
 * the other side synthesizes here: on two cores the plan takes about as long as the slower side.
 */
export async function planSides(
  base: PlanSource,
  head: PlanSource,
  ctx: SynthContext,
): Promise<{ base: AssemblyStack[]; head: AssemblyStack[] }> {
  const pending = base.kind === 'git' ? loadGitRef(base.ref, ctx) : undefined;
  // A rejection is awaited below; until then it must not count as unhandled.
  pending?.catch(() => {});
  let headStacks: AssemblyStack[];
  try {
    headStacks = head.kind === 'git' ? await loadGitRef(head.ref, ctx) : loadSource(head, ctx);
  } catch (err) {
    await pending?.catch(() => {});
    throw err;
  }
  return { base: pending ? await pending : loadSource(base, ctx), head: headStacks };
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
