import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository: the package under test. */
export const ROOT = join(__dirname, '..', '..');

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dev?: boolean;
  readonly link?: boolean;
  readonly [field: string]: unknown;
}

interface Lockfile {
  readonly packages: Record<string, LockEntry>;
}

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly dependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
  readonly bin: Record<string, string>;
  readonly engines?: Record<string, string>;
  readonly allowScripts?: Record<string, boolean>;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Runs a command; throws with its output when it fails (so a failing step names itself). */
export function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): SpawnSyncReturns<string> {
  const r = spawnSync(command, [...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(
      `\`${command} ${args.join(' ')}\` in ${cwd} exited ${r.status}:\n${r.stdout}\n${r.stderr}`,
    );
  }
  return r;
}

export interface PackedLibrary {
  /** Absolute path of the tarball. */
  readonly tarball: string;
  /** Its sha512 integrity, as npm records it. */
  readonly integrity: string;
  /** Paths inside the package. */
  readonly files: readonly string[];
}

/** Builds dist/ (incremental) and packs the library as `npm publish` would, into `dir`. */
export function packLibrary(dir: string): PackedLibrary {
  run('npm', ['run', 'build', '--silent'], ROOT);
  // --ignore-scripts: prepack would build again, prepare would install web/ (neither is packed).
  const out = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
  const [packed] = JSON.parse(out.stdout) as {
    filename: string;
    integrity: string;
    files: { path: string }[];
  }[];
  if (!packed) throw new Error(`npm pack printed no package:\n${out.stdout}`);
  return {
    tarball: join(dir, packed.filename),
    integrity: packed.integrity,
    files: packed.files.map((f) => f.path),
  };
}

/**
 * Registry download address of a locked package. npm 11 leaves `resolved` out of the lockfile for
 * registry packages; the consumer's lockfile spells it out so `npm ci --offline` takes the tarball from
 * npm's cache (by integrity) without asking the registry for metadata.
 */
export function tarballUrl(registry: string, lockPath: string, version: string): string {
  const name = lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const base = name.split('/').pop();
  return `${registry.replace(/\/?$/, '/')}${name}/-/${base}-${version}.tgz`;
}

/**
 * The consumer's lockfile: the library from its tarball, and the library's production dependency tree
 * exactly as this repository locked it (the versions CI tested). Development-only packages are left out.
 */
export function consumerLockfile(options: {
  readonly library: PackageJson;
  readonly packed: PackedLibrary;
  readonly tarballSpec: string;
  readonly dependencies: Record<string, string>;
  readonly repoLock: Lockfile;
  readonly registry: string;
}): Record<string, unknown> {
  const { library, repoLock } = options;
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', version: '1.0.0', dependencies: options.dependencies },
    [`node_modules/${library.name}`]: {
      version: library.version,
      resolved: options.tarballSpec,
      integrity: options.packed.integrity,
      license: library.license,
      dependencies: library.dependencies,
      peerDependencies: library.peerDependencies,
      bin: library.bin,
      engines: library.engines,
    },
  };
  for (const [path, entry] of Object.entries(repoLock.packages)) {
    if (path === '' || !path.startsWith('node_modules/') || entry.dev || entry.link) continue;
    packages[path] = {
      ...entry,
      resolved: entry.resolved ?? tarballUrl(options.registry, path, entry.version ?? ''),
    };
  }
  return { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

export interface ConsumerProject {
  readonly dir: string;
  /** The library's package.json as installed. */
  readonly installed: PackageJson;
}

/**
 * A fresh CDK project in `dir` that depends on the packed library (and on aws-cdk-lib and constructs, as a
 * CDK app does), installed with `npm ci --offline --omit=dev`: only production packages, only from npm's
 * cache (which `npm ci` of this repository filled), never the network.
 */
export function createConsumerProject(dir: string, packed: PackedLibrary): ConsumerProject {
  const library = readJson<PackageJson>(join(ROOT, 'package.json'));
  const repoLock = readJson<Lockfile>(join(ROOT, 'package-lock.json'));
  mkdirSync(dir, { recursive: true });
  const tarballSpec = `file:${packed.tarball}`;
  const locked = (name: string) => repoLock.packages[`node_modules/${name}`]?.version ?? '';
  const dependencies = {
    [library.name]: tarballSpec,
    'aws-cdk-lib': locked('aws-cdk-lib'),
    constructs: locked('constructs'),
  };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'consumer',
        version: '1.0.0',
        private: true,
        dependencies,
        // The install scripts the library's dependencies need (esbuild's binary check, classic-level's).
        allowScripts: library.allowScripts,
      },
      null,
      2,
    ),
  );
  const registry = run('npm', ['config', 'get', 'registry'], dir).stdout.trim();
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify(
      consumerLockfile({ library, packed, tarballSpec, dependencies, repoLock, registry }),
      null,
      2,
    ),
  );
  run('npm', ['ci', '--offline', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  return {
    dir,
    installed: readJson<PackageJson>(join(dir, 'node_modules', library.name, 'package.json')),
  };
}
