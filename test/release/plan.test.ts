import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AssemblyStack,
  type PlanReport,
  planAssemblies,
  readAssembly,
  renderPlan,
  resourceTypeFacts,
} from '../../src/release/plan';
import { type FixtureOptions, fixtureAssembly, removeFixtureAssemblies } from './plan-fixtures';

let base: AssemblyStack[];
const plan = (head: FixtureOptions, allowReplace = false): PlanReport =>
  planAssemblies(base, readAssembly(fixtureAssembly(head)), { allowReplace });
const resource = (report: PlanReport, logicalIdPrefix: string) => {
  const all = report.stacks.flatMap((s) => s.resources);
  const found = all.filter((r) => r.logicalId.startsWith(logicalIdPrefix));
  expect(found, `${logicalIdPrefix} in ${all.map((r) => r.logicalId).join(',')}`).toHaveLength(1);
  return found[0] as (typeof all)[number];
};

afterAll(removeFixtureAssemblies);
beforeAll(() => {
  base = readAssembly(fixtureAssembly());
});

describe('readAssembly', () => {
  it('reads stacks from nested stage assemblies with their names and environments', () => {
    expect(base.map((s) => [s.id, s.stackName, s.environment])).toEqual([
      ['dev/data', 'acme-dev-data', 'aws://222222222222/eu-west-1'],
      ['dev/app', 'acme-dev-app', 'aws://222222222222/eu-west-1'],
    ]);
  });
});

describe('resource facts come from the AWS service specification', () => {
  it('knows stateful and stateless types', () => {
    expect(resourceTypeFacts('AWS::DynamoDB::Table')).toEqual({ known: true, stateful: true });
    expect(resourceTypeFacts('AWS::RDS::DBCluster').stateful).toBe(true);
    expect(resourceTypeFacts('AWS::SNS::Topic')).toEqual({ known: true, stateful: false });
    expect(resourceTypeFacts('Custom::Thing').known).toBe(false);
  });
});

describe('planAssemblies', () => {
  it('identical assemblies: no changes, not blocked', () => {
    const report = planAssemblies(base, readAssembly(fixtureAssembly()));
    expect(report.stacks.map((s) => s.status)).toEqual(['unchanged', 'unchanged']);
    expect(report.hazards).toEqual([]);
    expect(report.blocked).toBe(false);
  });

  it('create: a new resource', () => {
    const report = plan({ withExtraTopic: true });
    const r = resource(report, 'Audit');
    expect(r).toMatchObject({ kind: 'create', type: 'AWS::SNS::Topic', path: 'dev/app/Audit/Resource' });
    expect(report.counts.create).toBe(1);
    expect(report.blocked).toBe(false);
  });

  it('modify: an in-place property update', () => {
    const report = plan({ topicDisplayName: 'Domain events' });
    const r = resource(report, 'Events');
    expect(r.kind).toBe('modify');
    expect(r.changedProperties).toEqual(['DisplayName']);
    expect(r.replacingProperties).toEqual([]);
    expect(report.blocked).toBe(false);
  });

  it('replace of a stateless resource: reported, not a hazard', () => {
    const report = plan({ topicName: 'acme-dev-events' });
    const r = resource(report, 'Events');
    expect(r.kind).toBe('replace');
    expect(r.replacingProperties).toEqual(['TopicName']);
    expect(r.stateful).toBeUndefined();
    expect(report.hazards).toEqual([]);
    expect(report.blocked).toBe(false);
  });

  it('stateful replace is a hazard and blocks the plan', () => {
    const report = plan({ tableKey: 'tenant_id' });
    const r = resource(report, 'Table');
    expect(r.kind).toBe('replace');
    expect(r.replacingProperties).toContain('KeySchema');
    expect(r.stateful).toMatch(/specification/);
    expect(report.hazards).toEqual([
      expect.objectContaining({ stack: 'dev/data', kind: 'replace', type: 'AWS::DynamoDB::Table' }),
    ]);
    expect(report.blocked).toBe(true);
    const text = renderPlan(report);
    expect(text).toContain('STATEFUL RESOURCE(S) WOULD BE REPLACED, DELETED OR ORPHANED');
    expect(text).toContain('Blocked.');
  });

  it('stateful replace is allowed (still reported) with allowReplace', () => {
    const report = plan({ tableKey: 'tenant_id' }, true);
    expect(report.hazards).toHaveLength(1);
    expect(report.blocked).toBe(false);
    expect(renderPlan(report)).toContain('Allowed by --allow-replace');
  });

  it('delete: removing a bucket destroys it and blocks', () => {
    const report = plan({ withBucket: false });
    const r = resource(report, 'Uploads');
    expect(r).toMatchObject({ kind: 'delete', type: 'AWS::S3::Bucket' });
    expect(report.hazards.map((h) => h.kind)).toEqual(['delete']);
    expect(report.blocked).toBe(true);
  });

  it('removing a retained stateful resource orphans it (kept, but detached from the app): blocks', () => {
    const report = plan({ withLogGroup: false });
    expect(resource(report, 'AuditLogs')).toMatchObject({ kind: 'orphan', stateful: expect.any(String) });
    expect(report.hazards.map((h) => [h.kind, h.logicalId])).toEqual([['orphan', 'AuditLogs']]);
    expect(report.blocked).toBe(true);
    expect(plan({ withLogGroup: false }, true).blocked).toBe(false);
  });

  it('renaming a stateful resource (orphan + create) is a blocking hazard that names the rename', () => {
    const report = plan({ tableId: 'Orders' });
    expect(resource(report, 'Table')).toMatchObject({ kind: 'orphan', type: 'AWS::DynamoDB::Table' });
    expect(resource(report, 'Orders').kind).toBe('create');
    expect(report.hazards).toEqual([
      expect.objectContaining({
        kind: 'orphan',
        logicalId: 'Table',
        renamedTo: 'Orders',
        path: 'dev/data/Table',
      }),
    ]);
    expect(report.blocked).toBe(true);
    const text = renderPlan(report);
    expect(text).toMatch(/ORPHAN dev\/data Table \(AWS::DynamoDB::Table\).*renamed to Orders/);
    expect(text).toContain('Blocked.');
  });

  it('Metadata-only differences (construct paths, acknowledgements) are no changes', () => {
    const head = readAssembly(
      fixtureAssembly({
        pathMetadata: false,
        tableMetadata: { fastish_acks: [{ id: 'FST-X', reason: 'r' }] },
      }),
    );
    expect(JSON.stringify(head)).not.toEqual(JSON.stringify(base));
    const report = planAssemblies(base, head);
    expect(report.stacks.map((s) => [s.id, s.status])).toEqual([
      ['dev/data', 'unchanged'],
      ['dev/app', 'unchanged'],
    ]);
    expect(Object.values(report.counts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('construct paths come from the assembly metadata when templates carry none', () => {
    const head = readAssembly(fixtureAssembly({ pathMetadata: false, withExtraTopic: true }));
    expect(resource(planAssemblies(base, head), 'Audit').path).toBe('dev/app/Audit/Resource');
  });

  it("lists a stack once when a pipeline's nested stage holds a copy of it, and says so", () => {
    const withCopy = readAssembly(fixtureAssembly({ pipelineCopy: true }));
    expect(withCopy.map((s) => s.id)).toEqual([
      'dev/data',
      'dev/app',
      'release/Deploy-dev/data',
      'release/Deploy-dev/app',
      'release',
    ]);
    const report = planAssemblies(
      withCopy,
      readAssembly(fixtureAssembly({ pipelineCopy: true, tableKey: 'id' })),
    );
    expect(report.stacks.map((s) => [s.id, s.status, s.copies])).toEqual([
      ['dev/data', 'changed', ['release/Deploy-dev/data']],
      ['dev/app', 'unchanged', ['release/Deploy-dev/app']],
      ['release', 'unchanged', []],
    ]);
    expect(report.hazards.map((h) => [h.stack, h.logicalId])).toEqual([['dev/data', 'Table']]);
    expect(renderPlan(report)).toContain(
      'Stack dev/app (acme-dev-app, aws://222222222222/eu-west-1): no changes (also release/Deploy-dev/app, the same stack: listed once)',
    );
  });

  it('IAM change: added actions show as statement changes and broaden permissions', () => {
    const report = plan({ extraActions: ['sqs:DeleteMessage'] });
    const app = report.stacks.find((s) => s.id === 'dev/app');
    expect(app?.iam.broadened).toBe(true);
    expect(app?.iam.statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          change: 'added',
          effect: 'Allow',
          actions: expect.stringContaining('sqs:DeleteMessage'),
        }),
      ]),
    );
    expect(renderPlan(report)).toContain('permissions BROADENED');
  });

  it('security-group change: an added ingress rule', () => {
    const report = plan({ ingressCidrs: ['10.0.0.0/16', '0.0.0.0/0'] });
    const app = report.stacks.find((s) => s.id === 'dev/app');
    expect(app?.securityGroups).toEqual([
      expect.objectContaining({
        change: 'added',
        direction: 'ingress',
        protocol: 'TCP 443',
        peer: 'Everyone (IPv4)',
      }),
    ]);
    expect(renderPlan(report)).toContain('Security group changes');
  });

  it('a stack only in head is new; a stack only in base is removed and never a hazard', () => {
    const head = readAssembly(fixtureAssembly());
    const report = planAssemblies(base.slice(0, 1), head.slice(1));
    expect(report.stacks.map((s) => [s.id, s.status])).toEqual([
      ['dev/app', 'new'],
      ['dev/data', 'removed'],
    ]);
    expect(report.hazards).toEqual([]);
  });
});
