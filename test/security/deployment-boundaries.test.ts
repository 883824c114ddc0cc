import { beforeAll, describe, expect, it } from 'vitest';
import { authorize, awsManagedPolicies, deployedWorld, loadEvaluator, type World } from '../../src/rehearse';
import { exampleModel } from '../checks/example';
import { synthesizeStacks } from '../rehearse/fixture';
import { type BoundaryCase, deploymentCases, OUTSIDER_ADMIN, workloadCases } from './deployment-cases';
import { docBlock, renderCases } from './render';

const model = exampleModel();
const cases = [...deploymentCases(model), ...workloadCases(model)];
let world: World;
let evaluate: Awaited<ReturnType<typeof loadEvaluator>>;

/** Resolves the cases' placeholders to what the deployed world holds. */
function resolve(value: string): string {
  const [kind, arg] = value.split(/:(.*)/s);
  if (kind === 'BOOTSTRAP_KEY') {
    const stack = `acme-${arg}-bootstrap/AssetsKey`;
    const key = [...world.resources].find(([arn, r]) => arn.includes(':key/') && r.source.startsWith(stack));
    if (!key) throw new Error(`no bootstrap key for ${arg}`);
    return key[0];
  }
  if (kind === 'WORKLOAD_ROLE') {
    const role = [...world.roles.values()].find((r) => r.name.startsWith(arg ?? ''));
    if (!role) throw new Error(`no role named ${arg}*`);
    return role.arn;
  }
  return value;
}

beforeAll(async () => {
  world = deployedWorld(synthesizeStacks(model), awsManagedPolicies());
  evaluate = await loadEvaluator();
  // The strongest outsiders: administrators of their own accounts.
  it('are the table docs/security.md shows (UPDATE_DOCS=1 rewrites it)', () => {
    const { current, expected } = docBlock('deployment', renderCases(cases));
    expect(current).toBe(expected);
  });

  for (const c of cases) {
    const account = c.principal.split(':')[4] ?? '';
    if (
      c.principal.startsWith('arn:') &&
      !world.roles.has(c.principal) &&
      c.principal === OUTSIDER_ADMIN(account, c.principal.split('/').pop() ?? '')
    ) {
      world.addRole({
        arn: c.principal,
        account,
        name: c.principal.split('/').pop() ?? '',
        trust: { Statement: [] },
        inline: [
          { name: 'admin', document: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
        ],
        source: 'outside Fastish',
      });
    }
  }
});

async function decide(c: BoundaryCase) {
  const result = await authorize(world, evaluate, {
    phase: 'runtime',
    step: c.who,
    principal: resolve(c.principal),
    action: c.action,
    resource: resolve(c.resource),
    ...(c.context ? { context: c.context } : {}),
  });
  return result;
}

describe('deployment and organization boundaries (IAM-evaluated over the synthesized example)', () => {
  it(`has at least 30 paths, denials and the allows that keep the platform working`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(cases.filter((c) => c.expect === 'allow').length).toBeGreaterThan(3);
  });

  it('are the table docs/security.md shows (UPDATE_DOCS=1 rewrites it)', () => {
    const { current, expected } = docBlock('deployment', renderCases(cases));
    expect(current).toBe(expected);
  });

  for (const c of cases) {
    it(`${c.expect === 'deny' ? 'refuses' : 'allows'}: ${c.who} → ${c.action} ${c.resource.split(':').pop()}`, async () => {
      const result = await decide(c);
      expect(result.allowed, result.reason).toBe(c.expect === 'allow');
    });
  }
});
