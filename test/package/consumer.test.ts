// biome-ignore-all lint/suspicious/noExplicitAny: synthesized template JSON is untyped; assertions narrow it
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerProject,
  createConsumerProject,
  type PackedLibrary,
  packLibrary,
  ROOT,
  readJson,
  run,
} from './consumer-project';

/** The README's example (section "Use the constructs in your own CDK app"): the consumer's app. */
const EXAMPLE = join(ROOT, 'examples', 'library', 'app.ts');
/** Packing, an offline install of ~330 packages and a synth: minutes on a loaded machine. */
const SETUP_TIMEOUT = 15 * 60_000;

/** The environment of the consumer's processes: nothing of this test run's Node options or loaders. */
function consumerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of Object.keys(env)) {
    if (name === 'NODE_OPTIONS' || name === 'NODE_PATH' || name.startsWith('VITEST')) delete env[name];
  }
  return env;
}

interface Synthesized {
  readonly manifest: any;
  readonly template: (artifact: string) => any;
}

/** Compiles the example with TypeScript (the consumer's own tooling) against the installed types, then runs it. */
function synthesizeExample(consumer: ConsumerProject): Synthesized {
  cpSync(EXAMPLE, join(consumer.dir, 'app.ts'));
  writeFileSync(
    join(consumer.dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node',
        strict: true,
        skipLibCheck: true,
        // A CDK app has @types/node; the consumer's dev tooling is not the library's, so this run's is used.
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['app.ts'],
    }),
  );
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], consumer.dir);
  // cdk.json as `cdk init` writes it: the app, and aws-cdk-lib's recommended feature flags as context.
  const cxapi = require(join(consumer.dir, 'node_modules', 'aws-cdk-lib', 'cx-api')) as {
    CURRENTLY_RECOMMENDED_FLAGS: Record<string, unknown>;
  };
  const cdkJson = { app: 'node app.js', context: cxapi.CURRENTLY_RECOMMENDED_FLAGS };
  writeFileSync(join(consumer.dir, 'cdk.json'), JSON.stringify(cdkJson, null, 2));
  // Then what `cdk synth` does (offline, without the CLI's notices): the app with the context and an outdir.
  const outdir = join(consumer.dir, 'cdk.out');
  run(
    'sh',
    ['-c', cdkJson.app],
    consumer.dir,
    consumerEnv({ CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context) }),
  );
  return {
    manifest: readJson(join(outdir, 'manifest.json')),
    template: (artifact) => readJson(join(outdir, `${artifact}.template.json`)),
  };
}

const resources = (template: any, type: string): [string, any][] =>
  Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === type);

describe('the packed library in a fresh CDK project (npm pack → npm ci --offline --omit=dev)', () => {
  let packed: PackedLibrary;
  let consumer: ConsumerProject;
  let synthesized: Synthesized;

  beforeAll(() => {
    const work = mkdtempSync(join(tmpdir(), 'fastish-package-'));
    packed = packLibrary(work);
    consumer = createConsumerProject(join(work, 'consumer'), packed);
    synthesized = synthesizeExample(consumer);
  }, SETUP_TIMEOUT);

  it('packs the compiled library, its CLI and the Lambda runtime sources, not the repository', () => {
    const files = new Set(packed.files);
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/fastish.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'schema/fastish.schema.json',
      'src/runtime/api.ts',
    ]) {
      expect(files, file).toContain(file);
    }
    const unexpected = packed.files.filter(
      (f) =>
        /^(test|bench|web|examples|scripts|\.ci|cdk\.out|node_modules)\//.test(f) ||
        (f.startsWith('src/') && !f.startsWith('src/runtime/')) ||
        (f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('src/runtime/')) ||
        f.endsWith('.tsbuildinfo'),
    );
    expect(unexpected).toEqual([]);
    // Every compiled module has its declarations (the library is typed for consumers).
    const js = packed.files.filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
    const untyped = js.filter(
      (f) => !files.has(f.replace(/\.js$/, '.d.ts')) && !existsSync(join(ROOT, 'src', f.slice(5))),
    );
    expect(untyped).toEqual([]);
  });

  it('installs offline without development packages: no tsx, TypeScript, vitest or jsii at run time', () => {
    const modules = join(consumer.dir, 'node_modules');
    expect(existsSync(join(modules, 'fastish', 'dist', 'index.js'))).toBe(true);
    for (const dev of [
      'tsx',
      'typescript',
      'vitest',
      'jsii',
      '@biomejs/biome',
      '@cloud-copilot/iam-simulate',
    ]) {
      expect(existsSync(join(modules, dev)), dev).toBe(false);
    }
    expect(consumer.installed.version).toBe(
      readJson<{ version: string }>(join(ROOT, 'package.json')).version,
    );
  });

  it('synthesizes the README example: Fastish constructs beside the app’s own resources, working together', () => {
    const stacks = Object.entries(synthesized.manifest.artifacts as Record<string, any>)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([id]) => id);
    expect(stacks.sort()).toEqual(['ShopAnalytics', 'ShopStageBootstrap']);

    const bootstrap = synthesized.template('ShopStageBootstrap');
    const roleNames = resources(bootstrap, 'AWS::IAM::Role').map(([, r]) => r.Properties.RoleName);
    expect(roleNames).toContain('fastish-shopstage1-deploy-123456789012-eu-central-1');

    const analytics = synthesized.template('ShopAnalytics');
    // The app's own queue, encrypted with the key from Fastish's EncryptionKey.
    const [[keyId]] = resources(analytics, 'AWS::KMS::Key');
    const [[, queue]] = resources(analytics, 'AWS::SQS::Queue');
    expect(queue.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    // Druid's three buckets and the access-log bucket: KMS with that key, public access blocked.
    const buckets = resources(analytics, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(4);
    for (const [, bucket] of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
    }
    const druidBuckets = buckets.filter(([id]) => id.startsWith('DruidStorage'));
    expect(druidBuckets).toHaveLength(3);
    for (const [, bucket] of druidBuckets) {
      const rule = bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
      expect(rule.ServerSideEncryptionByDefault.KMSMasterKeyID).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    }
    // The app's own role reads Druid's deep storage and drains the queue; it carries the environment's
    // boundary, which the bootstrap stack creates under that name.
    const [[jobId, job]] = resources(analytics, 'AWS::IAM::Role');
    const policy = resources(analytics, 'AWS::IAM::Policy').find(([, p]) =>
      p.Properties.Roles.some((r: any) => r.Ref === jobId),
    )?.[1];
    const statements = JSON.stringify(policy?.Properties.PolicyDocument.Statement);
    const [deepStorageId] = druidBuckets.find(([id]) => id.includes('DeepStorage')) ?? [];
    expect(statements).toContain(deepStorageId);
    expect(statements).toContain('sqs:ReceiveMessage');
    const boundaryNames = resources(bootstrap, 'AWS::IAM::ManagedPolicy').map(
      ([, p]) => p.Properties.ManagedPolicyName,
    );
    expect(boundaryNames.some((n) => JSON.stringify(job.Properties.PermissionsBoundary).includes(n))).toBe(
      true,
    );
  });

  it('runs the compiled CLI from the installed package (npx fastish)', () => {
    const cli = join(consumer.dir, 'node_modules', 'fastish');
    // Nothing to compile TypeScript with, and no CLI sources: what runs is dist/.
    expect(existsSync(join(cli, 'src', 'cli'))).toBe(false);
    const npx = (...args: string[]) =>
      spawnSync('npx', ['--no-install', 'fastish', ...args], {
        cwd: consumer.dir,
        env: consumerEnv(),
        encoding: 'utf8',
      });
    const version = npx('--version');
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(`fastish ${consumer.installed.version}`);
    const valid = npx('validate', '--config', join(ROOT, 'examples', 'fastish.yaml'));
    expect(valid.status, valid.stderr).toBe(0);
    expect(valid.stdout).toMatch(/valid \(\d+ teams, \d+ environments\)/);
    const bad = join(consumer.dir, 'bad.yaml');
    writeFileSync(bad, 'organization: { name: Shop }\n');
    const invalid = npx('validate', '--config', bad);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toContain('organization');
  });
});

describe('README: "Use the constructs in your own CDK app"', () => {
  it('shows the example the package test synthesizes, verbatim', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // The file's opening comment (what the file is for) is not part of the example.
    const source = readFileSync(EXAMPLE, 'utf8');
    const example = source.slice(source.indexOf('import ')).trim();
    expect(readme).toContain('## Use the constructs in your own CDK app');
    expect(readme).toContain(`\`\`\`ts\n${example}\n\`\`\``);
  });
});
