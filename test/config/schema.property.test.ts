// biome-ignore-all lint/suspicious/noExplicitAny: generated raw config data is untyped by nature
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../src/config';
import { RESERVED_ENVIRONMENT_NAMES } from '../../src/config/rules/platform';
import { NAME_LIMITS } from '../../src/config/schema';
import { PLATFORM_NAMESPACES } from '../../src/constructs/eks/platform-namespaces';

const segmentName = (max: number) =>
  fc
    .tuple(
      fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/),
      fc.array(fc.stringMatching(/^[a-z0-9]{1,5}$/), { maxLength: 2 }),
    )
    .map(([h, t]) => [h, ...t].join('-'))
    .filter((n) => n.length <= max)
    // Names the cross-field rules refuse (test/config/truth.test.ts covers them).
    .filter((n) => !RESERVED.has(n) && !n.startsWith('kube-') && !/aws|amazon|cognito/.test(n));

const RESERVED = new Set([...RESERVED_ENVIRONMENT_NAMES, ...PLATFORM_NAMESPACES]);

/** Regions that offer every service every architecture needs. */
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-2', 'eu-central-1'];

const environment = fc.record({
  account: fc.stringMatching(/^\d{12}$/),
  region: fc.constantFrom(...REGIONS),
  zones: fc.integer({ min: 2, max: 3 }),
  approval: fc.constantFrom('required', 'none', undefined),
  architectures: fc
    .subarray(['webapp', 'eks', 'druid'])
    .map((a) => (a.includes('druid') && !a.includes('eks') ? [...a, 'eks'] : a)),
  retention: fc.constantFrom(undefined, 1, 30, 365, 3653),
});

/** Generated configs that are valid by construction. */
const validConfig = fc
  .record({
    org: segmentName(NAME_LIMITS.organization),
    teams: fc.uniqueArray(segmentName(NAME_LIMITS.team), { minLength: 1, maxLength: 3 }),
    envNames: fc
      .uniqueArray(segmentName(NAME_LIMITS.environment), { minLength: 1, maxLength: 3 })
      .filter((es) => !es.some((a) => es.some((b) => b.startsWith(`${a}-`)))),
    envs: fc.array(environment, { minLength: 3, maxLength: 3 }),
  })
  .map(({ org, teams, envNames, envs }) => ({
    organization: { name: org, domain: `${org}.example.com`, platformTeam: teams[0] },
    teams: Object.fromEntries(
      teams.map((t, i) => [
        t,
        {
          costCenter: `CC-${i}`,
          contributors: [{ principal: `arn:aws:iam::111111111111:role/${t}`, role: 'developer' }],
        },
      ]),
    ),
    environments: Object.fromEntries(
      envNames.map((name, i) => {
        const e = envs[i] as (typeof envs)[number];
        return [
          name,
          {
            account: e.account,
            region: e.region,
            availabilityZones: ['a', 'b', 'c'].slice(0, e.zones).map((z) => `${e.region}${z}`),
            ...(e.approval ? { approval: e.approval } : {}),
            architectures: e.architectures,
            overrides: e.retention ? { logRetentionDays: e.retention } : {},
          },
        ];
      }),
    ),
  }));

/** A mutation breaks one field; the error must name that field's path. */
interface Mutation {
  readonly name: string;
  /** Mutates the config in place and returns the path of the broken field. */
  apply(c: any): string;
}
const firstEnv = (c: any) => Object.keys(c.environments)[0] as string;
const setAt = (target: any, key: string, value: unknown, path: string) => {
  target[key] = value;
  return path;
};
const MUTATIONS: Mutation[] = [
  {
    name: 'account',
    apply: (c) =>
      setAt(c.environments[firstEnv(c)], 'account', '12345', `environments.${firstEnv(c)}.account`),
  },
  {
    name: 'region',
    apply: (c) =>
      setAt(c.environments[firstEnv(c)], 'region', 'xx-nowhere-1', `environments.${firstEnv(c)}.region`),
  },
  {
    name: 'zone',
    apply: (c) =>
      setAt(
        c.environments[firstEnv(c)].availabilityZones,
        '0',
        'sa-east-1a',
        `environments.${firstEnv(c)}.availabilityZones[0]`,
      ),
  },
  {
    name: 'org',
    apply: (c) => setAt(c.organization, 'name', `${c.organization.name}_X`, 'organization.name'),
  },
  { name: 'domain', apply: (c) => setAt(c.organization, 'domain', undefined, 'organization.domain') },
  {
    name: 'role',
    apply: (c) =>
      setAt(
        Object.values<any>(c.teams)[0].contributors[0],
        'role',
        'root',
        `teams.${Object.keys(c.teams)[0]}.contributors[0].role`,
      ),
  },
  {
    name: 'retention',
    apply: (c) =>
      setAt(
        c.environments[firstEnv(c)],
        'overrides',
        { logRetentionDays: 2 },
        `environments.${firstEnv(c)}.overrides.logRetentionDays`,
      ),
  },
  {
    name: 'unknown key',
    apply: (c) => setAt(c.environments[firstEnv(c)], 'color', 'blue', `environments.${firstEnv(c)}.color`),
  },
  {
    name: 'architecture',
    apply: (c) =>
      setAt(
        c.environments[firstEnv(c)],
        'architectures',
        ['mainframe'],
        `environments.${firstEnv(c)}.architectures[0]`,
      ),
  },
];

describe('config schema (property-based)', () => {
  it('every generated valid config validates, keeping environments in order', () => {
    fc.assert(
      fc.property(validConfig, (raw) => {
        const model = validateConfig(raw);
        expect(model.environments.map((e) => e.name)).toEqual(Object.keys(raw.environments));
        for (const env of model.environments) expect(env.settings.logRetentionDays).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('every mutation fails with an issue at the mutated path', () => {
    fc.assert(
      fc.property(validConfig, fc.constantFrom(...MUTATIONS), (raw, mutation) => {
        const copy = structuredClone(raw);
        const path = mutation.apply(copy);
        let error: unknown;
        try {
          validateConfig(copy);
        } catch (err) {
          error = err;
        }
        expect(error, mutation.name).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).issues.map((i) => i.path)).toContain(path);
      }),
      { numRuns: 300 },
    );
  });
});
