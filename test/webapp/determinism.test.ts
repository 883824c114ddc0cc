import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetStaging } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { clearHandlerBundleCache } from '../../src/constructs/webapp/handler-bundle';
import { exampleConfig, synthWebapp } from './fixture';

const devOnly = () =>
  exampleConfig((raw) => {
    raw.environments = { dev: raw.environments.dev };
  });

describe('webapp synth', () => {
  it('is byte-identical across runs and output directories (fresh esbuild bundles each time)', () => {
    const base = mkdtempSync(join(tmpdir(), 'webapp-det-'));
    const first = join(base, 'a');
    const second = join(base, 'deeper', 'path', 'b');
    AssetStaging.clearAssetHashCache();
    clearHandlerBundleCache();
    const a = synthWebapp(devOnly(), first);
    AssetStaging.clearAssetHashCache();
    clearHandlerBundleCache();
    synthWebapp(devOnly(), second);
    const templateFile = (dir: string) =>
      readFileSync(join(dir, 'assembly-dev', `${a.stacks.get('dev')?.artifactId}.template.json`), 'utf8');
    const ta = templateFile(first);
    expect(ta.length).toBeGreaterThan(10_000);
    expect(templateFile(second)).toBe(ta);
    // Bundles: same asset hashes, so the code S3 keys are equal too.
    const codeKeys = (t: string) => [...t.matchAll(/"S3Key":\s*"([0-9a-f]{64}\.zip)"/g)].map((m) => m[1]);
    // Four handlers (authorizer, API, usage stream, billing) and the console build trigger's provider.
    expect(codeKeys(ta)).toHaveLength(5);
  });
});
