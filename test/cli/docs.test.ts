import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../src/cli/commands/docs';
import {
  CONFIGURATION_DOC_PATH,
  configJsonSchema,
  configurationMarkdown,
  SCHEMA_PATH,
  staleDocs,
} from '../../src/cli/docs';
import { starterConfig } from '../../src/cli/starter';
import { environmentSettingsSchema } from '../../src/config';

const validator = () =>
  new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: true }).compile(configJsonSchema());

describe('generated documentation', () => {
  it('committed schema/fastish.schema.json and docs/configuration.md are up to date (run `npm run docs`)', () => {
    expect(staleDocs(REPO_ROOT)).toEqual([]);
  });

  it('the example config references the generated schema, and the schema accepts it', () => {
    const text = readFileSync(join(REPO_ROOT, 'examples', 'fastish.yaml'), 'utf8');
    expect(text).toContain(`$schema=../${SCHEMA_PATH}`);
    const validate = validator();
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema rejects what the loader rejects (editor feedback matches validation)', () => {
    const validate = validator();
    const example = parse(readFileSync(join(REPO_ROOT, 'examples', 'fastish.yaml'), 'utf8'));
    example.environments.prod.region = 'us-east-9';
    example.environments.dev.overrides.eks.natGateways = 'many';
    expect(validate(example)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toContain('/environments/prod/region');
    expect(paths).toContain('/environments/dev/overrides/eks/natGateways');
  });

  it('overlays are typed partial settings in the schema: one nested field alone is accepted', () => {
    const validate = validator();
    const starter = parse(starterConfig('./schema.json'));
    starter.environments.dev.overrides = { webapp: { tiers: { basic: { rateLimit: 5 } } } };
    expect(validate(starter), JSON.stringify(validate.errors)).toBe(true);
  });

  it('docs/configuration.md documents every environment setting with its default', () => {
    const md = configurationMarkdown();
    const defaults = environmentSettingsSchema.parse({});
    for (const [section, values] of Object.entries(defaults)) {
      if (typeof values !== 'object') {
        expect(md).toContain(`| \`${section}\` |`);
        continue;
      }
      for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
        const row = md.split('\n').find((l) => l.startsWith(`| \`${section}.${key}\` |`));
        expect(row, `${section}.${key}`).toBeDefined();
        if (value !== undefined && typeof value !== 'object')
          expect(row).toContain(`\`${JSON.stringify(value)}\``);
      }
    }
    expect(md).toContain('| `environments.<env>.account` | string | **required** |');
    expect(CONFIGURATION_DOC_PATH).toBe('docs/configuration.md');
  });
});
