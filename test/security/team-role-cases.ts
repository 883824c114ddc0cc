import type { EnvironmentModel, PlatformModel } from '../../src/config';
import { exampleModel } from '../checks/example';
import type { BoundaryCase } from './deployment-cases';

/**
 * Team-role boundaries as a table: who (a team role), does what, to which resource, with which request
 * context (the resource's tags, the tags a request sets), and whether IAM must allow it.
 * test/bootstrap/team-roles.test.ts evaluates every row over the synthesized example; docs/security.md
 * renders them (`renderCases`).
 */
export interface TeamRoleCase extends BoundaryCase {
  /** The resource does not exist yet (a create call names it); every other one is deployed. */
  readonly creates?: boolean;
}

/** A resource the cases need that the example does not deploy, added to the evaluated world. */
export interface ExtraResource {
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly s3Abac: boolean;
}

/** The contributor the example lacks: an analytics admin, so every level of a non-platform team is present. */
export const ANALYTICS_ADMIN = 'arn:aws:iam::111111111111:role/DataLeads';

/** The example platform, plus an analytics admin. */
export function teamRoleModel(): PlatformModel {
  const model = exampleModel();
  return {
    ...model,
    teams: model.teams.map((t) =>
      t.name === 'analytics'
        ? { ...t, contributors: [...t.contributors, { principal: ANALYTICS_ADMIN, role: 'admin' as const }] }
        : t,
    ),
  };
}

export function caseEnvironment(model: PlatformModel, name = 'dev'): EnvironmentModel {
  const env = model.environments.find((e) => e.name === name);
  if (!env) throw new Error(`the example has no environment ${name}`);
  return env;
}

/** The first contributor of a team with a level (they live outside Fastish, in their own account). */
export function contributor(model: PlatformModel, teamName: string, level: string): string {
  const found = model.teams.find((t) => t.name === teamName)?.contributors.find((c) => c.role === level);
  if (!found) throw new Error(`the example has no ${level} in team ${teamName}`);
  return found.principal;
}

/** A bucket the product team made itself (the example gives the product team none). */
export function extraResources(model: PlatformModel): ExtraResource[] {
  const n = caseEnvironment(model).naming;
  const arn = `arn:aws:s3:::${n.bucketName('product-uploads')}`;
  return [{ arn, tags: { 'fastish:team': 'product' }, s3Abac: true }];
}

type Context = Record<string, string | string[]>;
const owner = (team: string): Context => ({ 'aws:ResourceTag/fastish:team': team });
const labelled = (team: string): Context => ({
  'aws:RequestTag/fastish:team': team,
  'aws:TagKeys': ['fastish:team'],
});

export function teamRoleCases(model: PlatformModel): TeamRoleCase[] {
  const env = caseEnvironment(model);
  const n = env.naming;
  const { account, region } = env;
  const arn = (service: string, rest: string) => `arn:aws:${service}:${region}:${account}:${rest}`;
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;
  const teamRole = (key: string) => role(n.roleName(`team-${key}`));
  const who: Record<string, string> = {
    AD: teamRole('analytics-developer'),
    AR: teamRole('analytics-read-only'),
    AA: teamRole('analytics-admin'),
    PD: teamRole('product-developer'),
    PLA: teamRole('platform-admin'),
    PLD: teamRole('platform-developer'),
    DE: contributor(model, 'analytics', 'developer'),
  };
  const label: Record<string, string> = {
    AD: `${env.name} developer (analytics)`,
    AR: `${env.name} read-only (analytics)`,
    AA: `${env.name} admin (analytics)`,
    PD: `${env.name} developer (product)`,
    PLA: `${env.name} platform admin`,
    PLD: `${env.name} platform developer`,
    DE: 'an analytics developer (contributor)',
  };
  const deploy = role(n.bootstrapRoleName('deploy'));
  const handshake = role(n.roleName('handshake'));
  const externalId =
    env.settings.bootstrap.handshakeExternalId ?? `${model.organization.name}-${env.name}-deploy`;
  const table = arn('dynamodb', `table/${n.name('dynamodbTable', 'webapp')}`);
  const fn = arn('lambda', `function:${n.name('lambdaFunction', 'webapp-api')}`);
  const secret = arn('secretsmanager', `secret:${n.name('secret', 'webapp', 'usage-key')}-AbCdEf`);
  const logs = arn('logs', `log-group:${n.logGroupName('webapp', 'api')}`);
  const bucket = extraResources(model)[0]?.arn ?? '';
  const segments = `arn:aws:s3:::${n.bucketName('druid-segments')}`;
  const druidSecret = arn('secretsmanager', `secret:${n.name('secret', 'druid', 'admin-password')}-AbCdEf`);
  const stream = arn('kinesis', `stream/${n.name('kinesisStream', 'druid', 'device-telemetry')}`);
  const druidRole = role(n.roleName('druid-coordinator'));
  const newTable = arn('dynamodb', `table/${n.name('dynamodbTable', 'analytics-scratch')}`);
  const newRole = role(n.roleName('analytics-job'));
  const published = arn('ssm', `parameter${n.parameterName('webapp', 'table', 'name')}`);
  const boundary = `arn:aws:iam::${account}:policy/${n.boundaryPolicyName()}`;

  type Row = [string, 'deny' | 'allow', string, string, Context?, 'creates'?];
  const rows: [string, Row[]][] = [
    [
      "another team's resources: no writes",
      [
        ['AD', 'deny', 'dynamodb:PutItem', table, owner('product')],
        ['AD', 'deny', 'dynamodb:DeleteTable', table, owner('product')],
        ['AD', 'deny', 's3:PutObject', `${bucket}/uploads/a.csv`, owner('product')],
        ['AD', 'deny', 'lambda:UpdateFunctionCode', fn, owner('product')],
        ['AD', 'deny', 'lambda:InvokeFunction', fn, owner('product')],
        [
          'AD',
          'deny',
          'dynamodb:PutItem',
          table,
          { ...owner('product'), 'aws:PrincipalTag/fastish:team': 'product' },
        ],
      ],
    ],
    [
      "another team's data: no reads (configuration reads stay account-wide)",
      [
        ['AD', 'deny', 'dynamodb:GetItem', table, owner('product')],
        ['AR', 'deny', 'dynamodb:Query', table, owner('product')],
        ['AR', 'deny', 's3:GetObject', `${bucket}/uploads/a.csv`, owner('product')],
        ['AD', 'deny', 'secretsmanager:GetSecretValue', secret, owner('product')],
        ['AD', 'deny', 'logs:FilterLogEvents', logs, owner('product')],
        ['AD', 'allow', 'dynamodb:DescribeTable', table, owner('product')],
        ['AD', 'allow', 'lambda:GetFunctionConfiguration', fn, owner('product')],
        ['AR', 'allow', 'ssm:GetParameter', published, owner('product')],
      ],
    ],
    [
      'the team tag: never set for another team, never removed, never changed on their resources',
      [
        [
          'AD',
          'deny',
          'dynamodb:UntagResource',
          table,
          { ...owner('product'), 'aws:TagKeys': ['fastish:team'] },
        ],
        ['AD', 'deny', 'dynamodb:TagResource', table, { ...owner('product'), ...labelled('analytics') }],
        ['AD', 'deny', 'lambda:TagResource', fn, { ...owner('product'), ...labelled('analytics') }],
        ['AD', 'deny', 's3:TagResource', bucket, { ...owner('product'), ...labelled('analytics') }],
        [
          'AD',
          'deny',
          's3:UntagResource',
          segments,
          { ...owner('analytics'), 'aws:TagKeys': ['fastish:team'] },
        ],
        ['AD', 'deny', 's3:PutBucketAbac', segments, owner('analytics')],
        ['AD', 'deny', 'dynamodb:CreateTable', newTable, labelled('product'), 'creates'],
        ['DE', 'deny', 'sts:TagSession', who.AD ?? ''],
        ['DE', 'allow', 'sts:AssumeRole', who.AD ?? ''],
      ],
    ],
    [
      'read-only: no writes',
      [
        ['AR', 'deny', 's3:PutObject', `${segments}/segments/x`, owner('analytics')],
        ['AR', 'deny', 'kinesis:PutRecord', stream, owner('analytics')],
        ['AR', 'deny', 'lambda:UpdateFunctionCode', fn, owner('product')],
        ['AR', 'allow', 's3:GetObject', `${segments}/segments/x`, owner('analytics')],
      ],
    ],
    [
      'no IAM changes, no role assumption (deployment, handshake, other teams)',
      [
        ['AA', 'deny', 'iam:CreateRole', newRole, undefined, 'creates'],
        ['AA', 'deny', 'iam:CreateRole', newRole, { 'iam:PermissionsBoundary': boundary }, 'creates'],
        [
          'AA',
          'deny',
          'iam:AttachRolePolicy',
          druidRole,
          { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
        ],
        ['AA', 'deny', 'iam:PutRolePolicy', who.AA ?? ''],
        ['AD', 'deny', 'iam:PassRole', druidRole],
        ['AD', 'deny', 'iam:UpdateAssumeRolePolicy', who.AD ?? ''],
        ...(['AD', 'AR', 'AA', 'PD'] as const).flatMap((k): Row[] => [
          [k, 'deny', 'sts:AssumeRole', deploy],
          [k, 'deny', 'sts:AssumeRole', handshake, { 'sts:ExternalId': externalId }],
          [k, 'deny', 'sts:AssumeRole', (k === 'AD' ? who.PD : k === 'PD' ? who.AD : who.PLA) ?? ''],
        ]),
      ],
    ],
    [
      "the team's own resources: developers change them, admins may also delete",
      [
        ['AD', 'allow', 's3:PutObject', `${segments}/segments/x`, owner('analytics')],
        ['AD', 'allow', 's3:GetObject', `${segments}/segments/x`, owner('analytics')],
        ['AD', 'allow', 'kinesis:PutRecord', stream, owner('analytics')],
        ['AD', 'allow', 'secretsmanager:GetSecretValue', druidSecret, owner('analytics')],
        ['AD', 'allow', 'dynamodb:CreateTable', newTable, labelled('analytics'), 'creates'],
        ['AD', 'allow', 'dynamodb:TagResource', newTable, labelled('analytics'), 'creates'],
        ['PD', 'allow', 'dynamodb:PutItem', table, owner('product')],
        ['PD', 'allow', 'lambda:UpdateFunctionCode', fn, owner('product')],
        ['AD', 'deny', 's3:DeleteBucket', segments, owner('analytics')],
        ['AA', 'allow', 's3:DeleteBucket', segments, owner('analytics')],
      ],
    ],
    [
      'the platform team: account-wide',
      [
        ['PLA', 'allow', 'iam:CreateRole', newRole, undefined, 'creates'],
        ['PLA', 'allow', 'dynamodb:PutItem', table, owner('product')],
        ['PLA', 'allow', 'sts:AssumeRole', deploy],
        ['PLD', 'allow', 'lambda:UpdateFunctionCode', fn, owner('product')],
      ],
    ],
  ];
  return rows.flatMap(([boundaryText, group]) =>
    group.map(([k, expect, action, resource, context, creates]) => ({
      boundary: boundaryText,
      who: label[k] ?? k,
      principal: who[k] ?? k,
      action,
      resource,
      expect,
      ...(context ? { context } : {}),
      ...(creates ? { creates: true } : {}),
    })),
  );
}
