/**
 * cdk-nag loaded through `loadCdkNag` (src/checks/nag-loader.ts) in fresh Node processes, next to cdk-nag
 * loaded plainly: the same findings, without the service modules of resource types the stack does not
 * have, and with the findings of a type whose module is loaded after cdk-nag. Then the two facts about
 * the installed cdk-nag and aws-cdk-lib that make the loader exact, read from their code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classFiles } from '../../src/checks/nag-loader';
import { plainModule } from '../support/plain-module';

const ROOT = join(__dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'fastish-nag-loader-'));
const loader = join(work, 'nag-loader.js');
const script = join(work, 'check.js');
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  // cdk-nag and aws-cdk-lib stay the child's own packages (bundled copies would have other classes).
  plainModule(join(ROOT, 'src', 'checks', 'nag-loader.ts'), loader, ['cdk-nag', 'aws-cdk-lib']);
  // A stack with an S3 bucket (findings in both packs; the L2 construct, so that aws-cdk-lib loads
  // CfnBucket without the service index's getter being read), optionally a QuickSight data source with SSL
  // off (AwsSolutions-QS1) added after a first check, its module loaded only then; checked with cdk-nag loaded through the
  // loader, plainly, or not at all; prints the findings and which of aws-cdk-lib's generated L1 modules the
  // process loaded.
  writeFileSync(
    script,
    [
      `const [how, late] = process.argv.slice(2);`,
      `const nag = how === 'lazy' ? require(${JSON.stringify(loader)}).loadCdkNag()`,
      `  : how === 'plain' ? require('cdk-nag') : undefined;`,
      `const { App, Stack, aws_s3 } = require('aws-cdk-lib');`,
      `const app = new App();`,
      `const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });`,
      `new aws_s3.Bucket(stack, 'Bucket');`,
      `const packs = nag ? [new nag.AwsSolutionsChecks(), new nag.ServerlessChecks()] : [];`,
      `if (late === 'late') {`,
      `  for (const pack of packs) pack.validateScope(stack);`,
      `  const { CfnDataSource } = require('aws-cdk-lib/aws-quicksight');`,
      `  new CfnDataSource(stack, 'Source', { awsAccountId: '111111111111', dataSourceId: 'd', name: 'd',`,
      `    type: 'POSTGRESQL', sslProperties: { disableSsl: true } });`,
      `}`,
      `const findings = [];`,
      `for (const pack of packs)`,
      `  for (const v of pack.validateScope(stack).violations)`,
      `    for (const r of v.violatingResources) findings.push(v.ruleName + ' ' + r.constructPath);`,
      `const generated = Object.keys(require.cache).filter((f) => f.endsWith('.generated.js'))`,
      `  .map((f) => f.split('/aws-cdk-lib/')[1]);`,
      `process.stdout.write(JSON.stringify({ findings: findings.sort(), generated }));`,
    ].join('\n'),
  );
});

interface Outcome {
  readonly findings: string[];
  readonly generated: string[];
}

/** `none`: the same app without cdk-nag. */
function check(how: 'lazy' | 'plain' | 'none', late = false): Outcome {
  const r = spawnSync(process.execPath, [script, how, late ? 'late' : ''], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), NODE_OPTIONS: '' },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Outcome;
}

describe('loadCdkNag', () => {
  it('finds what plain cdk-nag finds, without loading the modules of resource types the stack lacks', () => {
    const plain = check('plain');
    const lazy = check('lazy');
    expect(lazy.findings.length).toBeGreaterThan(0);
    expect(lazy.findings).toEqual(plain.findings);
    // Plain cdk-nag loads every service its rules test for; through the loader only what the app used.
    expect(plain.generated).toContain('aws-quicksight/lib/quicksight.generated.js');
    expect(plain.generated.length).toBeGreaterThan(30);
    expect(lazy.generated.sort()).toEqual(check('none').generated.sort());
    expect(lazy.generated).toEqual(['aws-s3/lib/s3.generated.js']);
  });

  it('checks a resource whose module was loaded after cdk-nag: the rule sees the real class', () => {
    const plain = check('plain', true);
    const lazy = check('lazy', true);
    expect(lazy.findings).toContain('AwsSolutions-QS1 S/Source');
    expect(lazy.findings).toEqual(plain.findings);
  });
});

describe('what makes the loader exact, read from the installed packages', () => {
  const nagLib = join(dirname(require.resolve('cdk-nag/package.json')), 'lib');
  const sources = readdirSync(nagLib, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(nagLib, f), 'utf8'));

  it("cdk-nag uses the service modules' Cfn* classes only as the right side of instanceof", () => {
    // The code before each file's inline source map; aws_cdk_lib_1 is the package root, which is not wrapped.
    const code = sources.map((s) => s.split('//# sourceMappingURL=')[0] as string);
    const uses = code.flatMap((s) =>
      [...s.matchAll(/aws_(?!cdk_lib_1)[a-z0-9_]+_1\.Cfn\w+/g)].map((m) => ({
        use: m[0],
        before: s.slice(Math.max(0, m.index - 20), m.index),
      })),
    );
    expect(uses.length).toBeGreaterThan(300);
    expect(uses.filter((u) => !/\binstanceof\s+$/.test(u.before)).map((u) => u.use)).toEqual([]);
  });

  it("the file the service's lazy index names for each Cfn* class is the file that defines it", () => {
    const requests = new Set(
      sources.flatMap((s) =>
        [...s.matchAll(/require\("(aws-cdk-lib\/aws-[a-z0-9-]+)"\)/g)].map((m) => m[1] as string),
      ),
    );
    expect(requests.size).toBeGreaterThan(40);
    const wrong: string[] = [];
    let classes = 0;
    for (const request of requests) {
      const libIndex = join(dirname(require.resolve(request)), 'lib', 'index.js');
      const ns = require(request) as Record<string, unknown>;
      const names = Object.keys(ns).filter((k) => k.startsWith('Cfn'));
      const files = classFiles(libIndex);
      for (const name of names) {
        const file = files.get(name);
        const defined =
          file !== undefined &&
          (require(file) as Record<string, unknown>)[name] === ns[name] &&
          new RegExp(`\\bclass ${name} `).test(readFileSync(file, 'utf8'));
        if (!defined) wrong.push(`${request}.${name} (${file})`);
        classes++;
      }
    }
    expect(classes).toBeGreaterThan(500);
    expect(wrong).toEqual([]);
  });
});
