import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GateCache } from '../../src/checks/gate-cache';
import { type AssemblyStack, planSides, type SynthContext } from '../../src/release/plan';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

/**
 * A repository whose app has one queue named after key.txt and, with `broken`, a resource that fails
 * CloudFormation's schema: with the validation's errors made fatal (cdk.json context), aws-cdk-lib's
 * built-in template validation fails the synth of it.
 */
function repository(): { repo: string; commit: (key: string, broken?: boolean) => void } {
  const repo = tempDir('fastish-plan-sides-');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
  git('init', '-q');
  symlinkSync(resolve('node_modules'), join(repo, 'node_modules'), 'dir');
  writeFileSync(join(repo, '.gitignore'), 'node_modules\n');
  writeFileSync(
    join(repo, 'cdk.json'),
    JSON.stringify({ app: 'node app.js', context: { '@aws-cdk/core:validateAgainstDefaultRules': true } }),
  );
  return {
    repo,
    commit: (key, broken = false) => {
      writeFileSync(
        join(repo, 'app.js'),
        `const { App, CfnResource, Stack } = require('aws-cdk-lib');
const key = require('node:fs').readFileSync(__dirname + '/key.txt', 'utf8').trim();
const app = new App();
const stack = new Stack(app, 'data', { env: { account: '222222222222', region: 'eu-west-1' } });
new CfnResource(stack, 'Queue', { type: 'AWS::SQS::Queue', properties: { QueueName: key } });
${broken ? "new CfnResource(stack, 'Broken', { type: 'AWS::SQS::Queue', properties: { NoSuchProperty: 1 } });" : ''}
app.synth();`,
      );
      writeFileSync(join(repo, 'key.txt'), key);
      git('add', '.');
      git('commit', '-q', '-m', key);
    },
  };
}

const queueName = (stacks: AssemblyStack[]) =>
  (stacks[0]?.template.Resources?.Queue?.Properties as { QueueName?: string } | undefined)?.QueueName;

function context(repo: string, cache?: GateCache): SynthContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    repoRoot: repo,
    configPath: join(repo, 'cdk.json'),
    synthWorkingTree: (_config, outdir) => {
      execFileSync(process.execPath, ['app.js'], {
        cwd: repo,
        env: { ...process.env, CDK_OUTDIR: outdir, CDK_VALIDATION: 'false' },
      });
    },
    progress: (line) => lines.push(line),
    ...(cache ? { baseCache: cache } : {}),
    lines,
  };
}

describe('fastish plan: both sides at once, git refs synthesized once', () => {
  it('synthesizes the base ref in a child process beside the working tree, without template validation', async () => {
    const { repo, commit } = repository();
    commit('jobs', true); // the built-in validation refuses this template: the plan does not run it
    const refused = (() => {
      try {
        // As the CDK CLI runs it (cdk.json's context in CDK_CONTEXT_JSON), validation on by default.
        execFileSync(process.execPath, ['app.js'], {
          cwd: repo,
          stdio: 'pipe',
          env: {
            ...process.env,
            CDK_OUTDIR: tempDir('fastish-plan-cdk-'),
            CDK_CONTEXT_JSON: JSON.stringify({ '@aws-cdk/core:validateAgainstDefaultRules': true }),
          },
        });
        return '';
      } catch (err) {
        return String((err as { stderr?: Buffer }).stderr ?? err);
      }
    })();
    expect(refused).toMatch(/NoSuchProperty/); // what `cdk synth` of this commit says
    writeFileSync(join(repo, 'key.txt'), 'tasks'); // uncommitted: the head only
    const ctx = context(repo);
    const sides = await planSides({ kind: 'git', ref: 'HEAD' }, { kind: 'working-tree' }, ctx);
    expect(queueName(sides.base)).toBe('jobs');
    expect(queueName(sides.head)).toBe('tasks');
    expect(Object.keys(sides.base[0]?.template.Resources ?? {})).toContain('Broken');
    expect(ctx.lines.some((l) => /base: synthesizing HEAD .*in parallel/.test(l))).toBe(true);
  });

  it('reuses a ref synthesized before with the same tree; another tree synthesizes again', async () => {
    const { repo, commit } = repository();
    const cache = new GateCache(tempDir('fastish-plan-cache-'));
    commit('jobs');
    const first = await planSides(
      { kind: 'git', ref: 'HEAD' },
      { kind: 'working-tree' },
      context(repo, cache),
    );
    expect(readdirSync(cache.dir).filter((f) => f.endsWith('.json'))).toHaveLength(1);

    const again = context(repo, cache);
    const second = await planSides({ kind: 'git', ref: 'HEAD' }, { kind: 'working-tree' }, again);
    expect(again.lines.some((l) => l.includes('synthesized before'))).toBe(true);
    expect(again.lines.some((l) => l.includes('base: synthesizing'))).toBe(false);
    expect(JSON.stringify(second.base, (_k, v) => (v instanceof Map ? [...v] : v))).toBe(
      JSON.stringify(first.base, (_k, v) => (v instanceof Map ? [...v] : v)),
    );
    expect(second.base[0]?.paths?.get('Queue')).toBe('data/Queue');

    commit('orders'); // a new tree at HEAD: not what the cache holds
    const moved = context(repo, cache);
    const third = await planSides({ kind: 'git', ref: 'HEAD' }, { kind: 'working-tree' }, moved);
    expect(moved.lines.some((l) => l.includes('synthesized before'))).toBe(false);
    expect(queueName(third.base)).toBe('orders');
  });

  it('a failing base synth is an error naming the command, after the head finished', async () => {
    const { repo, commit } = repository();
    commit('jobs');
    writeFileSync(join(repo, 'cdk.json'), JSON.stringify({ app: 'node missing.js' }));
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'x'], {
      cwd: repo,
    });
    await expect(
      planSides({ kind: 'git', ref: 'HEAD' }, { kind: 'working-tree' }, context(repo)),
    ).rejects.toThrow(/sh -c node missing\.js failed \(exit 1\)[\s\S]*Cannot find module/);
  });
});
