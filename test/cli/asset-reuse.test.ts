/**
 * Asset reuse between synths (src/cli/asset-reuse.ts): the previous assembly's file assets are linked into
 * the new one instead of copied again, and none the new assembly does not reference survives.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropUnreferencedAssets, linkPreviousAssets } from '../../src/cli/asset-reuse';

const work = mkdtempSync(join(tmpdir(), 'fastish-asset-reuse-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const BIN = join(__dirname, '..', '..', 'bin', 'fastish.js');

describe('asset reuse', () => {
  it('links the previous file assets and drops those no asset manifest references', () => {
    const previous = join(work, 'previous');
    const staging = join(work, 'staging');
    mkdirSync(join(previous, 'asset.dir'), { recursive: true });
    writeFileSync(join(previous, 'asset.kept.zip'), 'kept');
    writeFileSync(join(previous, 'asset.gone.zip'), 'gone');
    writeFileSync(join(previous, 'stack.template.json'), '{}');
    // The new assembly: a nested assembly's manifest references one of the two files (and a new one).
    mkdirSync(join(staging, 'assembly-dev'), { recursive: true });
    writeFileSync(
      join(staging, 'assembly-dev', 'stack.assets.json'),
      JSON.stringify({
        files: {
          a: { source: { path: '../asset.kept.zip', packaging: 'file' } },
          b: { source: { path: '../asset.new.zip', packaging: 'file' } },
        },
      }),
    );
    const linked = linkPreviousAssets(previous, staging);
    // Files only: directory assets (small handler bundles) are staged by CDK as before.
    expect(linked.sort()).toEqual(['asset.gone.zip', 'asset.kept.zip']);
    dropUnreferencedAssets(staging, linked);
    expect(readdirSync(staging).sort()).toEqual(['assembly-dev', 'asset.kept.zip']);
    expect(statSync(join(staging, 'asset.kept.zip')).ino).toBe(
      statSync(join(previous, 'asset.kept.zip')).ino,
    );
    expect(linkPreviousAssets(join(work, 'none'), staging)).toEqual([]);
  });

  it('fastish synth reuses the kubectl and AWS CLI layers of the assembly it replaces, and keeps none it no longer uses', () => {
    const config = join(work, 'fastish.yaml');
    const out = join(work, 'cdk.out');
    const run = () => {
      const r = spawnSync(process.execPath, [BIN, 'synth', '--config', config, '--out', out], {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, FASTISH_CACHE_DIR: join(work, 'cache') },
        timeout: 150_000,
      });
      expect(r.status, r.stderr).toBe(0);
      return Object.fromEntries(
        readdirSync(out)
          .filter((f) => f.startsWith('asset.') && f.endsWith('.zip'))
          .map((f) => [f, statSync(join(out, f)).ino]),
      );
    };
    expect(spawnSync(process.execPath, [BIN, 'init', '--out', config]).status).toBe(0);
    const starter = readFileSync(config, 'utf8');
    writeFileSync(config, starter.replace('architectures: []', 'architectures: [eks]'));
    const first = run();
    expect(Object.keys(first)).toHaveLength(2);
    // The same files (inodes), not copies, in the new assembly.
    expect(run()).toEqual(first);
    // Without EKS the layers are not the assembly's any more: gone with the old one.
    writeFileSync(config, starter);
    expect(run()).toEqual({});
  });
});
