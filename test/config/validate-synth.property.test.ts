// biome-ignore-all lint/suspicious/noExplicitAny: generated raw config data is untyped by nature
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { physicalNameLimits } from '../../src/checks/rules/physical-name-limits';
import { stackName } from '../../src/checks/rules/stack-name';
import { stackOutputCount } from '../../src/checks/rules/stack-output-count';
import { stackParameterCount } from '../../src/checks/rules/stack-parameter-count';
import { stackResourceCount } from '../../src/checks/rules/stack-resource-count';
import { tagKeysOf } from '../../src/checks/rules/tag-coverage';
import { templateSize } from '../../src/checks/rules/template-size';
import { runChecks } from '../../src/checks/run';
import { factsOf } from '../../src/checks/spec';
import type { CfnTemplate } from '../../src/checks/types';
import { buildFromModel } from '../../src/cli/platform';
import { type PlatformModel, validateConfig } from '../../src/config';
import { LIMITS, MAX_CONFIG_TAGS } from '../../src/config/limits';
import { zonesOf } from '../../src/config/zones';

/**
 * validate ⇒ synth (issue 13 §2): every config validate accepts synthesizes, within the AWS hard limits
 * a template can show (resources, outputs, parameters, size, names, tags per resource). Configs are
 * generated around the edges of the schema; those validate refuses are skipped (fc.pre), so this states
 * nothing about them — the table-driven tests do. Seeded, so a failure reproduces; fast-check prints the
 * shrunk config.
 */

const name = (max: number) =>
  fc
    .tuple(
      fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/),
      fc.array(fc.stringMatching(/^[a-z0-9]{1,4}$/), { maxLength: 2 }),
    )
    .map(([h, t]) => [h, ...t].join('-'))
    .filter((n) => n.length <= max);

/** Mostly the default, sometimes an edge value: keeps most configs valid while reaching the bounds. */
const sometimes = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 3, nil: undefined });
const edge = (min: number, max: number) => fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }));

const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-northeast-1'];

const eks = fc.record({
  prefix: edge(16, 20),
  privateSubnetMask: sometimes(edge(16, 24)),
  publicSubnetMask: sometimes(edge(20, 28)),
  natGateways: sometimes(fc.constantFrom('single', 'per-az')),
  systemNodes: sometimes(
    fc.record({ minSize: edge(1, 3), maxSize: edge(1, LIMITS.nodesPerManagedNodeGroup) }),
  ),
  karpenterLimits: sometimes(fc.record({ cpu: edge(1, 4_480_000), memoryGiB: edge(1, 163_840_000) })),
  publicEndpointCidrs: sometimes(fc.integer({ min: 1, max: LIMITS.eksPublicAccessCidrs })),
  teamQuota: sometimes(
    fc.record({ pods: edge(1, LIMITS.clusterPods), memory: fc.constantFrom('1Gi', '64Gi') }),
  ),
});

const druid = fc.record({
  ingestion: fc.constantFrom('msk', 'kinesis', 'both'),
  datasources: fc.integer({ min: 0, max: 2 }),
  tiers: fc.uniqueArray(fc.constantFrom('_default_tier', 'hot', 'cold'), { minLength: 1, maxLength: 3 }),
  brokerReplicas: sometimes(edge(1, 100)),
  workerCapacity: sometimes(edge(1, 64)),
  taskCount: sometimes(edge(1, 2400)),
});

const environment = fc.record({
  account: fc.stringMatching(/^\d{12}$/),
  region: fc.constantFrom(...REGIONS),
  zones: fc.integer({ min: 2, max: 6 }),
  // Weighted toward the architectures whose settings have the most cross-field rules.
  architectures: fc.oneof(
    { arbitrary: fc.constantFrom(['webapp'], ['eks']), weight: 1 },
    { arbitrary: fc.constant(['eks', 'druid']), weight: 2 },
    { arbitrary: fc.constant(['webapp', 'eks', 'druid']), weight: 3 },
  ),
  eks,
  druid,
});

const config = fc
  .record({
    org: name(12),
    teams: fc.oneof(
      fc.uniqueArray(name(20), { minLength: 1, maxLength: 3 }),
      fc.constant(Array.from({ length: LIMITS.teams }, (_, i) => `team-${i}`)),
    ),
    tags: fc.constantFrom('none', 'one-longest', 'most'),
    env: environment,
  })
  .map(({ org, teams, tags, env }) => {
    const archs = env.architectures;
    const zones = zonesOf(env.region).slice(0, env.zones);
    const e = env.eks;
    const d = env.druid;
    const source = (i: number) =>
      d.ingestion === 'kinesis' || (d.ingestion === 'both' && i % 2 === 1)
        ? { type: 'kinesis', stream: `stream-${i}` }
        : { type: 'kafka', topic: `topic-${i}` };
    return {
      organization: { name: org, domain: `${org}.example.com`, platformTeam: teams[0] },
      teams: Object.fromEntries(
        teams.map((t, i) => [
          t,
          {
            costCenter: `CC-${i}`,
            contributors: (['admin', 'developer', 'read-only'] as const).map((role) => ({
              principal: `arn:aws:iam::111111111111:role/${t}-${role}`,
              role,
            })),
          },
        ]),
      ),
      // Edges: the longest key and value AWS takes, and as many tags as fit the character budget.
      tags:
        tags === 'none'
          ? {}
          : tags === 'one-longest'
            ? { ['k'.repeat(128)]: 'v'.repeat(256) }
            : Object.fromEntries(
                Array.from({ length: MAX_CONFIG_TAGS }, (_, i) => [
                  `k${i}`.padEnd(25, 'k'),
                  'v'.repeat(Math.floor(LIMITS.configTagCharacters / MAX_CONFIG_TAGS) - 25),
                ]),
              ),
      environments: {
        main: {
          account: env.account,
          region: env.region,
          availabilityZones: zones,
          approval: 'none',
          architectures: archs,
          overrides: {
            webapp: { console: { enabled: false } },
            eks: {
              vpcCidr: `10.0.0.0/${e.prefix}`,
              ...(e.privateSubnetMask ? { privateSubnetMask: e.privateSubnetMask } : {}),
              ...(e.publicSubnetMask ? { publicSubnetMask: e.publicSubnetMask } : {}),
              ...(e.natGateways ? { natGateways: e.natGateways } : {}),
              ...(e.systemNodes ? { systemNodes: e.systemNodes } : {}),
              ...(e.karpenterLimits ? { karpenterLimits: e.karpenterLimits } : {}),
              ...(e.teamQuota ? { teamQuota: e.teamQuota } : {}),
              ...(e.publicEndpointCidrs
                ? {
                    publicEndpointCidrs: Array.from(
                      { length: e.publicEndpointCidrs },
                      (_, i) => `198.51.${i}.0/24`,
                    ),
                  }
                : {}),
            },
            druid: {
              ingestion: d.ingestion,
              historicalTiers: d.tiers.map((name) => ({ name })),
              ...(d.brokerReplicas ? { broker: { replicas: d.brokerReplicas } } : {}),
              ...(d.workerCapacity ? { middleManager: { workerCapacity: d.workerCapacity } } : {}),
              datasources: Array.from({ length: d.datasources }, (_, i) => ({
                name: `ds-${i}`,
                source: source(i),
                ...(d.taskCount ? { taskCount: d.taskCount } : {}),
              })),
            },
          },
        },
      },
    };
  });

function validated(raw: unknown): PlatformModel | undefined {
  try {
    return validateConfig(raw);
  } catch {
    return undefined;
  }
}

/** The most tags on any resource of a template (by the tag property the specification names). */
function maxTags(template: CfnTemplate): number {
  let most = 0;
  for (const resource of Object.values(template.Resources ?? {})) {
    const info = factsOf(resource.Type)?.tags;
    const keys = info && tagKeysOf(resource.Properties?.[info.property], info.variant);
    most = Math.max(most, keys?.size ?? 0);
  }
  return most;
}

const QUOTA_RULES = [
  stackResourceCount,
  stackOutputCount,
  stackParameterCount,
  templateSize,
  physicalNameLimits,
  stackName,
];

describe('validate ⇒ synth (property)', () => {
  it('every generated config that validates synthesizes within the AWS hard limits', async () => {
    let synthesized = 0;
    await fc.assert(
      fc.asyncProperty(config, async (raw) => {
        const model = validated(raw);
        fc.pre(model !== undefined);
        if (!model) return;
        const outdir = mkdtempSync(join(tmpdir(), 'fastish-prop-'));
        try {
          const report = await runChecks(buildFromModel(model, { outdir }), {
            nag: false,
            templates: false,
            rules: QUOTA_RULES,
          });
          expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
          for (const stack of report.stacks) {
            const template = JSON.parse(readFileSync(stack.templateFile, 'utf8')) as CfnTemplate;
            expect(maxTags(template), stack.stack).toBeLessThanOrEqual(LIMITS.tagsPerResource);
          }
          synthesized++;
        } finally {
          rmSync(outdir, { recursive: true, force: true });
        }
      }),
      { seed: 1313, numRuns: 25, maxSkipsPerRun: 20 },
    );
    expect(synthesized).toBe(25);
  });
});
