/**
 * Child process of `bench/eks-blueprints.ts`: Fastish's EKS stack alone (as test/eks/fixture.ts builds it),
 * synthesized, then checked with cdk-nag; prints one JSON line (with the time of each phase, `phases`). Plain
 * JavaScript so that it runs both on the TypeScript sources (registering tsx as bin/fastish.js does in a
 * checkout) and on the compiled package (`dist/`, plain Node, as an installed package runs).
 *
 *   node bench/_eks-child.js <src|dist> <validate|novalidate>
 */
const { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'fastish.yaml');
/** Stands in for a real zone so that external-dns is installed, as in the peer. */
const HOSTED_ZONE = { name: 'acme.example.com', id: 'Z0123456789ABCDEFGHIJ' };

/** Every `*.template.json` below `dir` (Stages write nested assemblies). */
function templates(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return templates(p);
    return f.endsWith('.template.json') ? [p] : [];
  });
}

function main(code, validate) {
  const loadStart = performance.now();
  // As the `fastish` command does before loading anything else (bin/fastish.js): from the sources, tsx for the
  // project's files and the module caches (bin/register-sources.js); compiled, the module caches.
  // FASTISH_COMPILE_CACHE=0 turns the caches off.
  const caches =
    code === 'src'
      ? require(join(ROOT, 'bin', 'register-sources.js')).registerSources()
      : require(join(ROOT, code, 'cli', 'module-cache')).enableModuleCaches();
  const { Stage } = require('aws-cdk-lib');
  const { parse } = require('yaml');
  const { validateConfig, deepMerge } = require(join(ROOT, code, 'config'));
  // create-app, not platform: this app holds one stack and loads no other architecture.
  const { createApp } = require(join(ROOT, code, 'app', 'create-app'));
  const { EksStack } = require(join(ROOT, code, 'stacks', 'eks', 'eks-stack'));
  // cdk-nag as the `fastish` command loads it (src/checks/nag-loader.ts), the same two packs.
  const packs = require(join(ROOT, code, 'checks', 'nag')).nagPacks();
  const outdir = mkdtempSync(join(tmpdir(), 'fastish-bench-eks-'));
  const start = performance.now();
  const raw = parse(readFileSync(EXAMPLE, 'utf8'));
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
  });
  const platform = validateConfig(raw, EXAMPLE);
  const configDone = performance.now();
  const env = platform.environments.find((e) => e.name === 'dev');
  if (!env) throw new Error('no dev environment');
  const app = createApp({ outdir, builtinCloudFormationValidation: validate });
  const stage = new Stage(app, env.name, { env: { account: env.account, region: env.region } });
  const stack = new EksStack(stage, 'eks', { platform, environment: env });
  const built = performance.now();
  app.synth();
  const synthDone = performance.now();
  const synthMs = synthDone - start;
  let nagFindings = 0;
  for (const checks of packs) {
    const { violations } = checks.validateScope(stack);
    nagFindings += violations.reduce((n, v) => n + v.violatingResources.length, 0);
  }
  const nagDone = performance.now();
  /**
   * Where the process's time goes, in order (ms): Node's start-up before this module ran (`boot`, tsx's
   * registration included), requiring aws-cdk-lib, yaml, Fastish's config/app/stack modules and cdk-nag
   * (`load`; modules that are required lazily later count in the phase that first needs them), reading and
   * validating the config (`config`), constructing the stack (`build`), `app.synth()` (`synth`) and
   * cdk-nag's `validateScope` (`nag`).
   */
  const phases = {
    boot: loadStart,
    load: start - loadStart,
    config: configDone - start,
    build: built - configDone,
    synth: synthDone - built,
    nag: nagDone - synthDone,
  };
  let resources = 0;
  let templateBytes = 0;
  const files = templates(outdir);
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    templateBytes += Buffer.byteLength(text);
    resources += Object.keys(JSON.parse(text).Resources ?? {}).length;
  }
  rmSync(outdir, { recursive: true, force: true });
  const cache = { compile: caches.compile?.stats(), resolve: caches.resolve?.stats() };
  process.stdout.write(
    `${JSON.stringify({ synthMs, resources, templateBytes, nagFindings, stacks: files.length, phases, compileCache: cache })}\n`,
  );
}

try {
  main(process.argv[2] === 'dist' ? 'dist' : 'src', process.argv[3] !== 'novalidate');
} catch (err) {
  process.stderr.write(`${err.stack}\n`);
  process.exitCode = 1;
}
// Ends as the `fastish` command ends (bin/fastish.js): exit once the output is written.
process.stdout.write('', () => process.exit());
