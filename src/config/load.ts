import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { defaultQualifier, Naming } from '../naming';
import { ARCHITECTURE_NEEDS, type Architecture } from './architectures';
import { checkRelease } from './architectures/release';
import { checkWebappSettings } from './architectures/webapp';
import { checkEnvironmentRules } from './cross-field';
import { ConfigError, type ConfigIssue, fromZodIssues } from './errors';
import { deepMerge } from './merge';
import type { EnvironmentModel, PlatformModel } from './model';
import { type RegionalService, regionOffers, regionsOffering, zoneBelongsToRegion } from './regions';
import { checkPlatformRules } from './rules/platform';
import { configSchema, type EnvironmentSettings, environmentSettingsSchema, type RawConfig } from './schema';
import { knownKeysAt } from './schema-walk';
import { zonesOf } from './zones';

/** Largest config file read. */
const MAX_CONFIG_BYTES = 256 * 1024;

/** Aliases a file may expand: past this, `yaml` refuses it as a resource-exhaustion attack (alias bomb). */
const MAX_ALIAS_COUNT = 100;

/** `  12 | <line>` and a caret under the column: what an editor would show. */
function excerpt(lines: readonly string[], line: number, col: number): string {
  const text = lines[line - 1] ?? '';
  const gutter = `${line} | `;
  return `\n      ${gutter}${text}\n      ${' '.repeat(gutter.length + Math.max(0, col - 1))}^`;
}

/**
 * Reads a YAML or JSON config file into plain data. Syntax errors become `ConfigError`s at
 * `file:line:col` with the offending line; an alias bomb is refused as a config error.
 */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : String(err);
    throw new ConfigError(path, [{ path: '(file)', value: path, message: `cannot be read: ${reason}` }]);
  }
  // Parsing YAML costs about a second per MB: a file far beyond any platform's config (20 teams, 20
  // environments) is refused before it is parsed, so the answer comes at once.
  if (text.length > MAX_CONFIG_BYTES)
    throw new ConfigError(path, [
      {
        path: '(file)',
        value: path,
        message: `is ${Math.ceil(text.length / 1024)} KiB; Fastish reads config files of at most ${MAX_CONFIG_BYTES / 1024} KiB (the limits allow 20 teams and 20 environments, far less)`,
      },
    ]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const lines = text.split(/\r?\n/);
  if (doc.errors.length > 0) {
    throw new ConfigError(
      path,
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        return {
          path: `${path}:${line}:${col}`,
          value: lines[line - 1] ?? '',
          message: `${e.message.split('\n')[0] ?? e.message} (YAML ${e.code})${excerpt(lines, line, col)}`,
        };
      }),
    );
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new ConfigError(path, [
      {
        path: '(file)',
        value: path,
        message: `is refused: its aliases (*name) expand past ${MAX_ALIAS_COUNT} references (${err.message}); write the values out instead`,
      },
    ]);
  }
}

export function loadConfig(path: string): PlatformModel {
  return validateConfig(readConfigFile(path), path);
}

/**
 * zod options of every config parse. `jitless`: a config is parsed a few times per process, and zod's
 * compiled fast path for object schemas (generated with `new Function`, one per object schema on its first
 * parse) costs more to build than it saves on one pass: validating examples/fastish.yaml took ~40 ms with it
 * and ~17 ms without. The result and the issues are the same either way (zod falls back to its generic
 * object parser); per parse, not `z.config`, so zod elsewhere in the process keeps its fast path.
 */
const PARSE = { reportInput: true, jitless: true } as const;

/**
 * Validates raw config data and resolves it into the platform model. Collects every problem
 * before failing, so a user fixes the whole file in one pass.
 */
export function validateConfig(input: unknown, source = 'config'): PlatformModel {
  const issues: ConfigIssue[] = [];
  const parsed = configSchema.safeParse(input, PARSE);
  if (!parsed.success) {
    issues.push(...fromZodIssues(parsed.error.issues, input, [], (p) => knownKeysAt(configSchema, p)));
    checkOverlaysOfInvalidConfig(input, issues);
    throw new ConfigError(source, dedupe(issues));
  }
  const raw = parsed.data;
  const defaults = parseSettings(overlay(raw.defaults), ['defaults'], issues);

  const environments: EnvironmentModel[] = [];
  for (const [name, env] of Object.entries(raw.environments)) {
    const at = ['environments', name];
    const overridesOk = parseSettings(overlay(env.overrides), [...at, 'overrides'], issues) !== undefined;
    if (!defaults || !overridesOk) continue;
    const settings = parseSettings(overlay(raw.defaults, env.overrides), [...at, 'overrides'], issues);
    if (!settings) continue;
    checkEnvironment(raw, name, settings, issues);
    const qualifier = settings.bootstrap.qualifier ?? defaultQualifier(raw.organization.name, name);
    environments.push({
      name,
      account: env.account,
      region: env.region,
      availabilityZones: env.availabilityZones,
      approval: env.approval,
      architectures: env.architectures,
      settings,
      qualifier,
      naming: new Naming({
        organization: raw.organization.name,
        environment: name,
        account: env.account,
        region: env.region,
        qualifier,
      }),
    });
  }
  checkPlatform(raw, environments, issues);
  issues.push(...checkPlatformRules(raw, environments));
  if (issues.length > 0) throw new ConfigError(source, dedupe(issues));

  return {
    organization: raw.organization,
    teams: Object.entries(raw.teams).map(([name, team]) => ({ name, ...team })),
    environments,
    tags: raw.tags,
    ...(raw.release ? { release: raw.release } : {}),
  };
}

/** When the config as a whole is invalid, still report problems inside `defaults` and `overrides`. */
function checkOverlaysOfInvalidConfig(input: unknown, issues: ConfigIssue[]): void {
  if (!isRecord(input)) return;
  if (isRecord(input.defaults)) parseSettings(overlay(input.defaults), ['defaults'], issues);
  if (!isRecord(input.environments)) return;
  for (const [name, env] of Object.entries(input.environments)) {
    if (isRecord(env) && isRecord(env.overrides))
      parseSettings(overlay(env.overrides), ['environments', name, 'overrides'], issues);
  }
}

let settingsDefaults: EnvironmentSettings | undefined;

/**
 * Overlays deep-merged over the schema's defaults, so an overlay may set one nested field of an
 * object whose default is a whole value (e.g. `webapp.tiers.basic.rateLimit` alone): effective
 * settings = schema defaults ← config `defaults` ← environment `overrides`.
 */
function overlay(...overlays: unknown[]): unknown {
  settingsDefaults ??= environmentSettingsSchema.parse({}, { jitless: true });
  return deepMerge(settingsDefaults, ...overlays);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseSettings(
  data: unknown,
  prefix: string[],
  issues: ConfigIssue[],
): EnvironmentSettings | undefined {
  const result = environmentSettingsSchema.safeParse(data, PARSE);
  if (result.success) return result.data;
  issues.push(
    ...fromZodIssues(result.error.issues, data, prefix, (p) => knownKeysAt(environmentSettingsSchema, p)),
  );
  return undefined;
}

const SERVICES_NEEDED: Record<Architecture, (s: EnvironmentSettings) => RegionalService[]> = {
  webapp: () => ['amplify-hosting', 'cognito-threat-protection'],
  eks: () => ['eks-pod-identity'],
  druid: (s) => (s.druid.ingestion === 'kinesis' ? [] : ['msk-serverless']),
};

function checkEnvironment(
  raw: RawConfig,
  name: string,
  settings: EnvironmentSettings,
  issues: ConfigIssue[],
): void {
  const env = raw.environments[name];
  if (!env) return;
  const at = `environments.${name}`;
  env.availabilityZones.forEach((zone, i) => {
    if (!zoneBelongsToRegion(zone, env.region)) {
      issues.push({
        path: `${at}.availabilityZones[${i}]`,
        value: zone,
        message: `is not a zone of ${env.region} (expected ${env.region}a, ${env.region}b, ...)`,
      });
    } else if (!zonesOf(env.region).includes(zone)) {
      issues.push({
        path: `${at}.availabilityZones[${i}]`,
        value: zone,
        message: `is not an availability zone of ${env.region}; its zones are ${zonesOf(env.region).join(', ')}`,
      });
    }
    if (env.availabilityZones.indexOf(zone) !== i) {
      issues.push({ path: `${at}.availabilityZones[${i}]`, value: zone, message: 'is listed twice' });
    }
  });
  const seen = new Set<string>();
  env.architectures.forEach((arch, i) => {
    if (seen.has(arch))
      issues.push({ path: `${at}.architectures[${i}]`, value: arch, message: 'is listed twice' });
    seen.add(arch);
    for (const needed of ARCHITECTURE_NEEDS[arch]) {
      if (!env.architectures.includes(needed)) {
        issues.push({
          path: `${at}.architectures`,
          value: env.architectures,
          message: `enables "${arch}", which needs "${needed}" in the same environment`,
        });
      }
    }
    for (const service of SERVICES_NEEDED[arch](settings)) {
      if (!regionOffers(env.region, service)) {
        issues.push({
          path: `${at}.region`,
          value: env.region,
          message: `does not offer ${service}, which "${arch}" needs; regions that do: ${regionsOffering(service).join(', ')}`,
        });
      }
    }
  });
  for (const arch of ['webapp', 'eks', 'druid'] as const) {
    const team = settings[arch].team;
    if (team !== undefined && !(team in raw.teams)) {
      issues.push({
        path: `${at}.overrides.${arch}.team`,
        value: team,
        message: `is not a team; teams: ${Object.keys(raw.teams).join(', ')}`,
      });
    }
  }
  if (env.architectures.includes('webapp')) issues.push(...checkWebappSettings(settings.webapp, at));
  issues.push(...checkEnvironmentRules({ raw, name, settings }));
  settings.webapp.tableReplicaRegions.forEach((r, i) => {
    if (r === env.region) {
      issues.push({
        path: `${at}.overrides.webapp.tableReplicaRegions[${i}]`,
        value: r,
        message: 'is the table’s home region; list only other regions',
      });
    }
  });
}

function checkPlatform(raw: RawConfig, environments: EnvironmentModel[], issues: ConfigIssue[]): void {
  const teams = Object.keys(raw.teams);
  if (!teams.includes(raw.organization.platformTeam)) {
    issues.push({
      path: 'organization.platformTeam',
      value: raw.organization.platformTeam,
      message: `is not a team; teams: ${teams.join(', ')}`,
    });
  }
  for (const [teamName, team] of Object.entries(raw.teams)) {
    team.contributors.forEach((c, i) => {
      if (team.contributors.findIndex((o) => o.principal === c.principal) !== i) {
        issues.push({
          path: `teams.${teamName}.contributors[${i}].principal`,
          value: c.principal,
          message: 'is listed twice in this team',
        });
      }
    });
  }
  const qualifiers = new Map<string, string>();
  for (const env of environments) {
    const clash = qualifiers.get(`${env.account}/${env.region}/${env.qualifier}`);
    if (clash) {
      issues.push({
        path: `environments.${env.name}.overrides.bootstrap.qualifier`,
        value: env.qualifier,
        message: `is also used by environment "${clash}" in the same account and region`,
      });
    }
    qualifiers.set(`${env.account}/${env.region}/${env.qualifier}`, env.name);
  }
  // Physical names are `<org>-<env>-<purpose>`: with environments "prod" and "prod-eu" in one account and
  // region, "prod" + purpose "eu-api" and "prod-eu" + purpose "api" derive the same name.
  for (const a of environments) {
    for (const b of environments) {
      if (a !== b && a.account === b.account && a.region === b.region && b.name.startsWith(`${a.name}-`)) {
        issues.push({
          path: `environments.${b.name}`,
          value: b.name,
          message: `extends the name of environment "${a.name}" in the same account and region, so derived names (<org>-${a.name}-<purpose>) could collide; rename one or use another account or region`,
        });
      }
    }
  }
  if (raw.release && !(raw.release.pipelineEnvironment in raw.environments)) {
    issues.push({
      path: 'release.pipelineEnvironment',
      value: raw.release.pipelineEnvironment,
      message: `is not an environment; environments: ${Object.keys(raw.environments).join(', ')}`,
    });
  }
  if (raw.release)
    issues.push(...checkRelease(raw.release, raw.environments[raw.release.pipelineEnvironment]));
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
