import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRehearsalAssembly } from '../../src/rehearse';
import { authorize } from '../../src/rehearse/calls';
import { type Evaluate, loadEvaluator } from '../../src/rehearse/evaluator';
import { World } from '../../src/rehearse/world';
import { docBlock, renderCases } from '../security/render';
import { exampleConfig, synthWebapp } from './fixture';
import { type DeployedBoundaries, TENANT_BOUNDARIES, tenantBoundaryCases } from './tenant-boundaries';

/**
 * Every tenant-data boundary (tenant-boundaries.ts) evaluated by the rehearsal's IAM evaluator
 * (@cloud-copilot/iam-simulate) over the synthesized webapp stacks of the example configuration, as
 * deployed: the roles' identity policies, the data roles' trust policies.
 */

interface Deployed extends DeployedBoundaries {
  world: World;
}

const ENVS = ['dev', 'prod'] as const;
const deployed = new Map<string, Deployed>();
let evaluate: Evaluate;

beforeAll(async () => {
  evaluate = await loadEvaluator();
  const dir = mkdtempSync(join(tmpdir(), 'tenant-boundaries-'));
  try {
    synthWebapp(exampleConfig(), dir);
    const stacks = readRehearsalAssembly(dir);
    for (const stack of stacks.filter((s) => s.stackName.endsWith('-webapp'))) {
      // Everything of the webapp's account first (the bootstrap stack holds the roles' permissions boundary).
      const world = new World();
      for (const s of stacks.filter((x) => x.account === stack.account && x !== stack)) world.deploy(s);
      world.deploy(stack);
      const role = (logicalPrefix: string) => {
        const found = [...world.roles.values()].find((r) =>
          r.source.startsWith(`${stack.stackName}/${logicalPrefix}`),
        );
        if (!found) throw new Error(`${stack.stackName}: no role ${logicalPrefix}`);
        return found.arn;
      };
      const resources = Object.entries(stack.template.Resources ?? {});
      const [tableId] = resources.find(([, r]) => r.Type === 'AWS::DynamoDB::GlobalTable') ?? [''];
      const resolver = world.resolverFor(stack);
      deployed.set(stack.stackName.split('-')[1] as string, {
        world,
        principals: {
          tenant: role('TenantDataRole'),
          operator: role('OperatorDataRole'),
          api: role('ApiFunctionRole'),
          authorizer: role('AuthorizerFunctionRole'),
          metering: role('UsageStreamFunctionRole'),
          billing: role('BillingExportFunctionRole'),
        },
        targets: {
          table: String(resolver.getAtt(tableId, 'Arn')),
          stream: String(resolver.getAtt(tableId, 'StreamArn')),
          'tenant data role': role('TenantDataRole'),
          'operator data role': role('OperatorDataRole'),
        },
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);

describe('the tenant-data boundary table', () => {
  it('has at least 30 must-deny paths and the must-allow paths beside them, each id once', () => {
    expect(TENANT_BOUNDARIES.filter((r) => r.expect === 'deny').length).toBeGreaterThanOrEqual(30);
    expect(TENANT_BOUNDARIES.filter((r) => r.expect === 'allow').length).toBeGreaterThanOrEqual(15);
    expect(new Set(TENANT_BOUNDARIES.map((r) => r.id)).size).toBe(TENANT_BOUNDARIES.length);
  });
});

describe('docs/security.md', () => {
  it('shows the dev table (UPDATE_DOCS=1 rewrites it)', () => {
    const d = deployed.get('dev') as Deployed;
    const { current, expected } = docBlock('tenant-data', renderCases(tenantBoundaryCases(d)));
    expect(current).toBe(expected);
  });
});

for (const env of ENVS) {
  describe(`${env}: IAM evaluation of the synthesized webapp stack`, () => {
    it.each(TENANT_BOUNDARIES.map((r, i) => [r.expect, r.id, i] as const))('%s %s', async (_e, _id, i) => {
      const d = deployed.get(env);
      if (!d) throw new Error(`no ${env} webapp stack`);
      const c = tenantBoundaryCases(d)[i];
      if (!c) throw new Error(`row ${i}`);
      const result = await authorize(d.world, evaluate, { phase: 'runtime', step: c.boundary, ...c });
      // A denial must come from the policies, never from a principal or role the world lacks.
      expect(result.reason ?? '').not.toMatch(/does not exist/);
      expect(
        { allowed: result.allowed, reason: result.allowed === (c.expect === 'allow') ? '' : result.reason },
        `${c.who}: ${c.action} (${c.boundary})`,
      ).toEqual({ allowed: c.expect === 'allow', reason: '' });
    });
  });
}
