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
  readonly outdir: string;
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
    outdir,
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

  it('synthesizes the README example: bootstrap, web app, EKS and Druid beside the app’s own resources', () => {
    const stacks = Object.entries(synthesized.manifest.artifacts as Record<string, any>)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([id]) => id);
    expect(stacks.sort()).toEqual(['ShopAnalytics', 'ShopStageBootstrap', 'ShopWeb']);
    const bootstrap = synthesized.template('ShopStageBootstrap');
    const roleNames = resources(bootstrap, 'AWS::IAM::Role').map(([, r]) => r.Properties.RoleName);
    expect(roleNames).toContain('fastish-shopstage1-deploy-123456789012-eu-central-1');
    // Workload stacks deploy through those roles and give their roles the bootstrap's boundary.
    const boundary = resources(bootstrap, 'AWS::IAM::ManagedPolicy')
      .map(([, p]) => p.Properties.ManagedPolicyName)
      .find((name) => /boundary/.test(name));
    expect(boundary).toBeDefined();
    for (const id of ['ShopWeb', 'ShopAnalytics']) {
      const artifact = synthesized.manifest.artifacts[id];
      expect(artifact.properties.assumeRoleArn).toContain('fastish-shopstage1-deploy-');
    }
    const analytics = synthesized.template('ShopAnalytics');
    const [, reportJob] =
      resources(analytics, 'AWS::IAM::Role').find(([id]) => id.startsWith('ReportJob')) ?? [];
    expect(JSON.stringify(reportJob.Properties.PermissionsBoundary)).toContain(boundary);
  });

  it('bundles the web app’s handlers from the installed package and lets its API use the app’s queue', () => {
    const web = synthesized.template('ShopWeb');
    const functions = resources(web, 'AWS::Lambda::Function');
    const [apiId, api] = functions.find(([id]) => id.startsWith('WebAppApiFunction')) ?? [];
    expect(api, functions.map(([id]) => id).join(', ')).toBeDefined();
    // Bundled at synth by the consumer's esbuild from the TypeScript runtime the package ships.
    for (const [, fn] of functions.filter(([, f]) => f.Properties.Code.S3Key)) {
      const asset = join(synthesized.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(readFileSync(join(asset, 'index.js'), 'utf8')).toMatch(/handler/);
    }
    const apiAsset = join(synthesized.outdir, `asset.${api.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    const map = JSON.parse(readFileSync(join(apiAsset, 'index.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toContain('src/runtime/api.ts');
    // The app's own queue; the API function (a Fastish construct's) may send to it.
    const [[queueId]] = resources(web, 'AWS::SQS::Queue').filter(([id]) => id.startsWith('OrderEvents'));
    const roleId = api.Properties.Role['Fn::GetAtt'][0];
    const statements = resources(web, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const send = statements.find((st: any) => [st.Action].flat().includes('sqs:SendMessage'));
    expect(send?.Resource, apiId).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });

  it('runs EKS in the app’s own VPC with the app’s role as team admins, Druid on it, read by the app’s job', () => {
    const analytics = synthesized.template('ShopAnalytics');
    const [[, cluster]] = resources(analytics, 'AWS::EKS::Cluster');
    const privateSubnets = resources(analytics, 'AWS::EC2::Subnet')
      .filter(([id]) => id.startsWith('NetworkPrivate'))
      .map(([id]) => ({ Ref: id }));
    expect(privateSubnets).toHaveLength(2);
    expect(cluster.Properties.ResourcesVpcConfig.SubnetIds).toEqual(privateSubnets);
    expect(cluster.Properties.ResourcesVpcConfig.EndpointPublicAccess).toBe(false);
    const [[adminsId]] = resources(analytics, 'AWS::IAM::Role').filter(([id]) => id.startsWith('DataAdmins'));
    const entry = resources(analytics, 'AWS::EKS::AccessEntry').find(
      ([, e]) => e.Properties.PrincipalArn['Fn::GetAtt']?.[0] === adminsId,
    )?.[1];
    expect(entry?.Properties.KubernetesGroups).toEqual(['fastish:data:admin']);
    // Druid's deep storage, KMS-encrypted, which the app's own job may read (and decrypt).
    const [[deepStorageId, deepStorage]] = resources(analytics, 'AWS::S3::Bucket').filter(([id]) =>
      id.includes('DeepStorage'),
    );
    const keyArn =
      deepStorage.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]
        .ServerSideEncryptionByDefault.KMSMasterKeyID;
    const [[jobId]] = resources(analytics, 'AWS::IAM::Role').filter(([id]) => id.startsWith('ReportJob'));
    const statements = resources(analytics, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === jobId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const read = statements.find((st: any) => [st.Action].flat().includes('s3:GetObject*'));
    expect(read?.Resource).toContainEqual({ 'Fn::GetAtt': [deepStorageId, 'Arn'] });
    const decrypt = statements.find((st: any) => [st.Action].flat().includes('kms:Decrypt'));
    expect(decrypt?.Resource).toEqual(keyArn);
    // Druid's metadata store and ingestion stream are there too.
    expect(resources(analytics, 'AWS::RDS::DBCluster')).toHaveLength(1);
    expect(resources(analytics, 'AWS::MSK::ServerlessCluster')).toHaveLength(1);
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
