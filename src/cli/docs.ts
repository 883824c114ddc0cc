import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { configSchema, environmentSettingsSchema } from '../config';
import { region } from '../config/primitives';
import { supportedRegions } from '../config/regions';

/**
 * Generated documentation: the JSON Schema editors validate `fastish.yaml` with, and
 * `docs/configuration.md`. Both come from the zod schema; `fastish docs` rewrites them and a test
 * fails when the committed copies are stale.
 */
type JsonSchema = Record<string, unknown> & {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  required?: string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  type?: string | string[];
  default?: unknown;
  description?: string;
  const?: unknown;
};

export const SCHEMA_PATH = 'schema/fastish.schema.json';
export const CONFIGURATION_DOC_PATH = 'docs/configuration.md';

function toJson(schema: z.core.$ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema === region) ctx.jsonSchema.enum = supportedRegions();
    },
  }) as JsonSchema;
}

/** Overlays (`defaults`, `overrides`) are deep partials: nothing inside them is required. */
function deepPartial(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  delete out.required;
  if (out.properties)
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, deepPartial(v)]));
  if (out.anyOf) out.anyOf = out.anyOf.map(deepPartial);
  return out;
}

/** The editor schema: the config schema, with `defaults`/`overrides` typed as partial environment settings. */
export function configJsonSchema(): JsonSchema {
  const root = toJson(configSchema);
  const settings = toJson(environmentSettingsSchema);
  delete settings.$schema;
  const overlay = (description: string): JsonSchema => ({ ...deepPartial(settings), description });
  const props = root.properties ?? {};
  if (props.defaults) props.defaults = overlay(String(props.defaults.description ?? ''));
  const env = props.environments?.additionalProperties;
  if (typeof env === 'object' && env.properties?.overrides)
    env.properties.overrides = overlay(String(env.properties.overrides.description ?? ''));
  return {
    $schema: root.$schema,
    $id: 'https://fastish.dev/schema/fastish.schema.json',
    title: 'Fastish platform configuration (fastish.yaml)',
    description: 'Generated from the zod schema in src/config by `fastish docs`; do not edit.',
    ...Object.fromEntries(Object.entries(root).filter(([k]) => k !== '$schema')),
  };
}

interface Row {
  readonly path: string;
  readonly type: string;
  readonly fallback: string;
  readonly description: string;
}

function typeOf(s: JsonSchema): string {
  const values =
    s.enum ?? (s.anyOf?.every((a) => a.const !== undefined) ? s.anyOf.map((a) => a.const) : undefined);
  if (values) {
    return values.length > 8
      ? `${typeof values[0]} (one of ${values.length} values)`
      : values.map((v) => JSON.stringify(v)).join(' \\| ');
  }
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  const type = Array.isArray(s.type) ? s.type.join(' \\| ') : s.type;
  if (type === 'array' && s.items) return `list of ${typeOf(s.items)}`;
  if (type === 'object' && !s.properties && typeof s.additionalProperties === 'object')
    return `map of ${typeOf(s.additionalProperties)}`;
  const bounds: string[] = [];
  const finite = (n: unknown): n is number => typeof n === 'number' && Math.abs(n) < Number.MAX_SAFE_INTEGER;
  if (finite(s.minimum)) bounds.push(`≥ ${s.minimum}`);
  if (finite(s.maximum)) bounds.push(`≤ ${s.maximum}`);
  if (typeof s.minItems === 'number') bounds.push(`≥ ${s.minItems} items`);
  if (typeof s.maxItems === 'number') bounds.push(`≤ ${s.maxItems} items`);
  if (typeof s.maxLength === 'number') bounds.push(`≤ ${s.maxLength} chars`);
  return `${type ?? 'any'}${bounds.length > 0 ? ` (${bounds.join(', ')})` : ''}`;
}

function rows(s: JsonSchema, path: string, required: boolean, out: Row[], placeholder: string): void {
  if (path !== '') {
    out.push({
      path: `\`${path}\``,
      type: typeOf(s),
      fallback:
        s.default !== undefined ? `\`${JSON.stringify(s.default)}\`` : required ? '**required**' : '—',
      description: String(s.description ?? ''),
    });
  }
  const join = (key: string) => (path === '' ? key : `${path}.${key}`);
  if (s.properties) {
    const req = new Set(s.required ?? []);
    for (const [key, child] of Object.entries(s.properties)) {
      if (key === '$schema' || path.endsWith('overrides') || path === 'defaults') continue;
      rows(child, join(key), req.has(key), out, placeholder);
    }
  } else if (typeof s.additionalProperties === 'object' && s.additionalProperties.properties) {
    rows(s.additionalProperties, join(`<${placeholder}>`), false, out, placeholder);
  } else if (s.items?.properties) {
    for (const [key, child] of Object.entries(s.items.properties))
      rows(child, `${path}[].${key}`, new Set(s.items.required ?? []).has(key), out, placeholder);
  }
}

function table(list: readonly Row[]): string {
  const cell = (t: string) => t.replace(/\|(?<!\\\|)/g, '\\|').replace(/\n/g, ' ');
  return [
    '| Path | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...list.map((r) => `| ${r.path} | ${cell(r.type)} | ${r.fallback} | ${cell(r.description)} |`),
  ].join('\n');
}

/** `docs/configuration.md`: every field with path, type, default and description. */
export function configurationMarkdown(): string {
  const schema = configJsonSchema();
  const top: Row[] = [];
  const props = schema.properties ?? {};
  const req = new Set(schema.required ?? []);
  for (const [key, child] of Object.entries(props)) {
    if (key === '$schema') continue;
    const placeholder =
      key === 'teams' ? 'team' : key === 'environments' ? 'env' : key === 'tags' ? 'key' : 'name';
    rows(child, key, req.has(key), top, placeholder);
  }
  const settings: Row[] = [];
  rows(deepPartial(toJson(environmentSettingsSchema)), '', false, settings, 'name');
  return [
    '<!-- Generated by `fastish docs` from the zod schema in src/config. Do not edit by hand. -->',
    '# Configuration reference (`fastish.yaml`)',
    '',
    'One file describes the whole platform. YAML (with comments) or JSON; the same object may be given',
    'as the CDK context key `fastish`. Editors validate it with the generated JSON Schema',
    `[\`${SCHEMA_PATH}\`](../${SCHEMA_PATH}) — start the file with`,
    '`# yaml-language-server: $schema=./schema/fastish.schema.json`.',
    '',
    'Validation reports every problem at once as `path: value message`, e.g.',
    '`environments.prod.region: "us-east-9" is not an AWS region (commercial, China or GovCloud)`.',
    '',
    '## Top-level settings',
    '',
    table(top),
    '',
    '## Environment settings',
    '',
    'These settings exist per environment. Their effective value is, in order of precedence:',
    "the environment's `environments.<env>.overrides`, then the shared `defaults`, then the schema",
    'default below. Overlays are typed deep merges: objects merge key by key, lists and scalars',
    'replace the earlier value whole. Paths below are relative to `defaults` or `overrides`.',
    '',
    table(settings),
    '',
    '## Supported regions',
    '',
    supportedRegions()
      .map((r) => `\`${r}\``)
      .join(', '),
    '',
  ].join('\n');
}

/** Every generated file, relative to the repository root. */
export function generatedDocs(): { readonly path: string; readonly content: string }[] {
  return [
    { path: SCHEMA_PATH, content: `${JSON.stringify(configJsonSchema(), undefined, 2)}\n` },
    { path: CONFIGURATION_DOC_PATH, content: configurationMarkdown() },
  ];
}

/** Paths whose committed content differs from what the schema generates. */
export function staleDocs(root: string): string[] {
  return generatedDocs()
    .filter((d) => {
      try {
        return readFileSync(join(root, d.path), 'utf8') !== d.content;
      } catch {
        return true;
      }
    })
    .map((d) => d.path);
}

export function writeDocs(root: string): string[] {
  const docs = generatedDocs();
  for (const d of docs) writeFileSync(join(root, d.path), d.content);
  return docs.map((d) => d.path);
}
