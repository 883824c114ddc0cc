/**
 * Compiles the library with jsii (issue 15 §2): `npm run jsii [-- --pacmak js,python,… | --docs | --check-docs]`.
 *
 * jsii compiles a whole package and accepts only jsii assemblies (aws-cdk-lib, constructs, cdk-nag…) as
 * ordinary dependencies; everything else must be bundled. Fastish's own package.json stays an ordinary
 * npm package, so this stages the library into `.jsii-build/`: the sources (`src/`, entry `src/index.ts`),
 * a jsii package.json (peer dependencies on the jsii assemblies, `bundledDependencies` for the rest,
 * resolved through a link to this checkout's `node_modules`) and a tsconfig; then runs jsii there.
 *
 * jsii's errors (non-jsii shapes in the public surface: unions, generics, mutable props, types of
 * non-jsii packages…) are written, counted and grouped by file, at the top of /tmp/jsii-errors.txt on
 * every run (and printed); the exit code is jsii's.
 *
 * --pacmak <targets>  then build language packages with jsii-pacmak into `.jsii-build/dist/<target>`
 *                     (add --code-only for the generated sources alone; see docs/library.md for what builds here)
 * --docs              then write the API reference (jsii-docgen) to docs/api.md
 * --check-docs        then fail if docs/api.md differs from the generated reference
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { formatApiReference } from './api-reference';
import { copyAssets } from './build';

const ROOT = join(__dirname, '..');
export const STAGE = join(ROOT, '.jsii-build');
const ERRORS_FILE = '/tmp/jsii-errors.txt';
const API_DOC = join(ROOT, 'docs', 'api.md');

interface RootPackage {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly license: string;
  readonly engines?: Record<string, string>;
  readonly dependencies: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/** Whether an installed package ships a jsii assembly (then it may be a jsii dependency, not bundled). */
function isJsiiAssembly(name: string): boolean {
  return existsSync(join(ROOT, 'node_modules', name, '.jsii'));
}

/** The installed version of a dependency: jsii's peer ranges start at what was compiled against. */
function installedVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** The staged package.json: the root's identity, jsii dependencies as peers, everything else bundled. */
export function jsiiPackageJson(root: RootPackage): Record<string, unknown> {
  const all = { ...root.dependencies, ...root.peerDependencies };
  const jsiiDeps = Object.keys(all).filter(isJsiiAssembly).sort();
  const bundled = Object.keys(all)
    .filter((name) => !jsiiDeps.includes(name))
    .sort();
  const peers = Object.fromEntries(jsiiDeps.map((name) => [name, `^${installedVersion(name)}`]));
  return {
    name: root.name,
    version: root.version,
    description: root.description,
    license: root.license,
    engines: root.engines,
    // jsii requires an author and a repository; Fastish has no public home yet, so these are placeholders
    // that only the staged assembly carries (the npm package.json has neither).
    author: { name: 'Fastish contributors', url: 'https://fastish.invalid', organization: true },
    repository: { type: 'git', url: 'https://fastish.invalid/fastish.git' },
    main: 'lib/index.js',
    // What jsii-pacmak's npm package holds: the compiled library and its assets, the assembly, and the
    // Lambda runtime's sources (bundled at synth, as from the npm package).
    files: ['lib/**/*.js', 'lib/**/*.d.ts', 'lib/**/*.json', '.jsii', 'src/runtime/'],
    types: 'lib/index.d.ts',
    peerDependencies: peers,
    // jsii wants each peer also as a dev dependency at the exact version compiled against.
    devDependencies: Object.fromEntries(jsiiDeps.map((name) => [name, installedVersion(name)])),
    dependencies: { ...peers, ...Object.fromEntries(bundled.map((name) => [name, all[name]])) },
    bundledDependencies: bundled,
    stability: 'experimental',
    jsii: {
      outdir: 'dist',
      tsconfig: 'tsconfig.jsii.json',
      validateTsconfig: 'minimal',
      targets: {
        python: { distName: 'fastish', module: 'fastish' },
        java: { package: 'dev.fastish', maven: { groupId: 'dev.fastish', artifactId: 'fastish' } },
        dotnet: { namespace: 'Fastish', packageId: 'Fastish' },
        go: { moduleName: 'fastish.invalid/fastish-go' },
      },
    },
  };
}

/** The library's compiler settings (as tsconfig.build.json), emitting into lib/ for jsii. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    moduleResolution: 'node',
    lib: ['ES2022'],
    strict: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    forceConsistentCasingInFileNames: true,
    declaration: true,
    incremental: true,
    tsBuildInfoFile: 'lib/tsconfig.tsbuildinfo',
    types: ['node'],
    rootDir: 'src',
    outDir: 'lib',
  },
  // The library is what src/index.ts reaches; the CLI, the dev server and the Lambda runtime (bundled by
  // esbuild at synth, from the sources) are not compiled into the assembly.
  files: ['src/index.ts'],
};

/** Copies the sources afresh (a file deleted from src/ must not linger) and links node_modules. */
export function stage(): void {
  rmSync(join(STAGE, 'src'), { recursive: true, force: true });
  mkdirSync(STAGE, { recursive: true });
  cpSync(join(ROOT, 'src'), join(STAGE, 'src'), { recursive: true });
  const link = join(STAGE, 'node_modules');
  if (!existsSync(link)) symlinkSync(relative(STAGE, join(ROOT, 'node_modules')), link, 'dir');
  for (const file of ['README.md', 'LICENSE']) {
    if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(STAGE, file));
  }
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as RootPackage;
  writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify(jsiiPackageJson(root), null, 2)}\n`);
  writeFileSync(join(STAGE, 'tsconfig.jsii.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
}

/** jsii's diagnostics, grouped by file, counted: what goes at the top of /tmp/jsii-errors.txt. */
export function summarize(output: string): string {
  const lines = output.split('\n');
  const errors = lines.filter((line) => /\berror (JSII|TS)\d+/.test(line));
  const byFile = new Map<string, number>();
  for (const line of errors) {
    const file = /^(?:\S+\s+)?(src\/[^:]+)/.exec(line)?.[1] ?? '(no file)';
    byFile.set(file, (byFile.get(file) ?? 0) + 1);
  }
  const header = [
    `jsii errors: ${errors.length} (${new Date().toISOString()}, from \`npm run jsii\`)`,
    'After a change to the public API (src/index.ts and what it exports), `npm run jsii -- --docs`',
    'regenerates docs/api.md; CI (`npm run jsii -- --check-docs`) fails while it differs.',
    ...[...byFile].sort((a, b) => b[1] - a[1]).map(([file, n]) => `  ${n}\t${file}`),
    '',
    ...errors,
  ];
  return `${header.join('\n')}\n\n---- full jsii output ----\n${output}`;
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  nodeArgs: readonly string[] = [],
): { status: number; output: string } {
  const bin = join(ROOT, 'node_modules', '.bin', command);
  const r = spawnSync(process.execPath, [...nodeArgs, bin, ...args], {
    cwd,
    // Node 20 is supported by Fastish until the AWS SDK moves on (README); jsii need not shout about it.
    env: { ...process.env, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/** Generates the API reference (Markdown) from the staged assembly. */
export function generateApiReference(): string {
  const out = join(STAGE, 'API.md');
  const r = run('jsii-docgen', ['--output', out], STAGE);
  if (r.status !== 0) throw new Error(`jsii-docgen failed:\n${r.output}`);
  return formatApiReference(readFileSync(out, 'utf8'));
}

function main(argv: readonly string[]): number {
  const started = Date.now();
  stage();
  // The locator names the property when jsii crashes on it instead of reporting an error (JSII9997).
  const locator = ['--require', join(__dirname, 'jsii-crash-locator.cjs')];
  const jsii = run('jsii', ['--silence-warnings=reserved-word'], STAGE, locator);
  writeFileSync(ERRORS_FILE, summarize(jsii.output));
  process.stdout.write(jsii.output);
  console.log(`jsii: exit ${jsii.status} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${ERRORS_FILE}`);
  if (jsii.status !== 0) return jsii.status;
  // jsii compiles TypeScript only; the files the code reads beside itself go into lib/ as into dist/.
  copyAssets(join(STAGE, 'src'), join(STAGE, 'lib'));

  const pacmak = argv.indexOf('--pacmak');
  if (pacmak >= 0) {
    const targets = argv[pacmak + 1] ?? 'js';
    // --code-only: the language sources without building packages (for toolchains this machine lacks).
    const codeOnly = argv.includes('--code-only') ? ['--code-only'] : [];
    const r = run('jsii-pacmak', ['--targets', targets, '--outdir', 'dist', '--force', ...codeOnly], STAGE);
    process.stdout.write(r.output);
    if (r.status !== 0) return r.status;
  }
  if (argv.includes('--docs') || argv.includes('--check-docs')) {
    const reference = generateApiReference();
    if (argv.includes('--docs')) {
      mkdirSync(dirname(API_DOC), { recursive: true });
      writeFileSync(API_DOC, reference);
      console.log(`wrote ${relative(ROOT, API_DOC)}`);
    } else if (!existsSync(API_DOC) || readFileSync(API_DOC, 'utf8') !== reference) {
      console.error(
        'docs/api.md differs from the public API jsii compiled: run `npm run jsii -- --docs` and commit it',
      );
      return 1;
    } else console.log('docs/api.md matches the public API');
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
