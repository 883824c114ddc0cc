import type { EnvironmentModel, PlatformModel } from '../../src/config';

/** One boundary path: who tries what on which resource, and whether IAM must allow it. */
export interface BoundaryCase {
  readonly boundary: string;
  readonly who: string;
  /** Principal ARN, or a service principal. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
  readonly expect: 'deny' | 'allow';
}

/** A principal the tests add to the world: an administrator of its own account (the strongest outsider). */
export const OUTSIDER_ADMIN = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

/**
 * Deployment and organization boundaries of the example platform: the deployment roles trust named
 * principals only, every workload role carries the permissions boundary, and workload deploys cannot
 * touch the operator's roles, stacks or key.
 */
export function deploymentCases(model: PlatformModel): BoundaryCase[] {
  const env = (name: string) => model.environments.find((e) => e.name === name) as EnvironmentModel;
  const dev = env('dev');
  const prod = env('prod');
  const role = (e: EnvironmentModel, name: string) => `arn:aws:iam::${e.account}:role/${name}`;
  const boot = (e: EnvironmentModel, kind: 'deploy' | 'cfn-exec' | 'file-publishing' | 'lookup') =>
    role(e, e.naming.bootstrapRoleName(kind));
  const team = (e: EnvironmentModel, key: string) => role(e, e.naming.roleName(`team-${key}`));
  const stack = (e: EnvironmentModel, arch: string) =>
    `arn:aws:cloudformation:${e.region}:${e.account}:stack/${e.naming.stackName(arch)}/00000000-0000-4000-8000-000000000000`;
  const boundary = (e: EnvironmentModel) =>
    `arn:aws:iam::${e.account}:policy/${e.naming.boundaryPolicyName()}`;
  const newRole = (e: EnvironmentModel) => role(e, `${e.naming.stackName('webapp')}-Escalation`);
  const handshake = (e: EnvironmentModel) => role(e, e.naming.roleName('handshake'));
  const externalId = `${model.organization.name}-prod-deploy`;
  const c = (x: Omit<BoundaryCase, 'boundary'>, b: string): BoundaryCase => ({ boundary: b, ...x });
  const org = 'deployment roles trust named principals';
  const exec = 'the execution role creates only bounded roles and leaves the operator alone';
  const deploy = 'workload deploys cannot touch the operator stacks';
  return [
    c(
      {
        who: 'dev developer (analytics)',
        principal: team(dev, 'analytics-developer'),
        action: 'sts:AssumeRole',
        resource: boot(prod, 'deploy'),
        expect: 'deny',
      },
      org,
    ),
    c(
      {
        who: 'dev developer (analytics)',
        principal: team(dev, 'analytics-developer'),
        action: 'sts:AssumeRole',
        resource: boot(dev, 'deploy'),
        expect: 'deny',
      },
      org,
    ),
    c(
      {
        who: 'dev developer (platform)',
        principal: team(dev, 'platform-developer'),
        action: 'sts:AssumeRole',
        resource: boot(dev, 'cfn-exec'),
        expect: 'deny',
      },
      org,
    ),
    c(
      {
        who: 'dev read-only (analytics)',
        principal: team(dev, 'analytics-read-only'),
        action: 'sts:AssumeRole',
        resource: boot(dev, 'file-publishing'),
        expect: 'deny',
      },
      org,
    ),
    c(
      {
        who: 'dev platform admin (operator)',
        principal: team(dev, 'platform-admin'),
        action: 'sts:AssumeRole',
        resource: boot(prod, 'deploy'),
        expect: 'deny',
      },
      org,
    ),
    c(
      {
        who: 'an administrator of the dev account (not the pipeline)',
        principal: OUTSIDER_ADMIN(dev.account, 'SomeAdmin'),
        action: 'sts:AssumeRole',
        resource: boot(prod, 'deploy'),
        expect: 'deny',
      },
      org,
    ),
    c(
      {
        who: 'an administrator of the prod account (not the operator)',
        principal: OUTSIDER_ADMIN(prod.account, 'SomeAdmin'),
        action: 'sts:AssumeRole',
        resource: boot(prod, 'deploy'),
        expect: 'deny',
      },
      org,
    ),
    c(
      {
        who: 'the pipeline account without the ExternalId',
        principal: OUTSIDER_ADMIN(dev.account, 'SomeAdmin'),
        action: 'sts:AssumeRole',
        resource: handshake(prod),
        expect: 'deny',
      },
      org,
    ),
    c(
      {
        who: 'the pipeline account with the ExternalId',
        principal: OUTSIDER_ADMIN(dev.account, 'SomeAdmin'),
        action: 'sts:AssumeRole',
        resource: handshake(prod),
        context: { 'sts:ExternalId': externalId },
        expect: 'allow',
      },
      org,
    ),
    c(
      {
        who: 'prod platform admin (operator)',
        principal: team(prod, 'platform-admin'),
        action: 'sts:AssumeRole',
        resource: boot(prod, 'deploy'),
        expect: 'allow',
      },
      org,
    ),
    c(
      {
        who: 'the pipeline (a release-stack role)',
        principal: OUTSIDER_ADMIN(dev.account, `${dev.naming.stackName('release')}-PipelineRole`),
        action: 'sts:AssumeRole',
        resource: boot(prod, 'deploy'),
        expect: 'allow',
      },
      org,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'iam:CreateRole',
        resource: newRole(prod),
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'iam:CreateRole',
        resource: newRole(prod),
        context: { 'iam:PermissionsBoundary': boundary(prod) },
        expect: 'allow',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'iam:CreateRole',
        resource: newRole(prod),
        context: { 'iam:PermissionsBoundary': `arn:aws:iam::${prod.account}:policy/acme-prod-webapp-Lax` },
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'iam:DeleteRolePermissionsBoundary',
        resource: newRole(prod),
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'iam:AttachRolePolicy',
        resource: newRole(prod),
        context: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'iam:CreatePolicyVersion',
        resource: boundary(prod),
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'iam:UpdateAssumeRolePolicy',
        resource: team(prod, 'platform-admin'),
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'iam:PutRolePolicy',
        resource: team(prod, 'analytics-developer'),
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'iam:UpdateAssumeRolePolicy',
        resource: handshake(prod),
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'iam:UpdateAssumeRolePolicy',
        resource: boot(prod, 'deploy'),
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'sts:AssumeRole',
        resource: team(prod, 'platform-admin'),
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'kms:ScheduleKeyDeletion',
        resource: 'BOOTSTRAP_KEY:prod',
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'kms:PutKeyPolicy',
        resource: 'BOOTSTRAP_KEY:prod',
        expect: 'deny',
      },
      exec,
    ),
    c(
      {
        who: 'prod deploy role',
        principal: boot(prod, 'deploy'),
        action: 'cloudformation:CreateChangeSet',
        resource: stack(prod, 'bootstrap'),
        expect: 'deny',
      },
      deploy,
    ),
    c(
      {
        who: 'prod deploy role',
        principal: boot(prod, 'deploy'),
        action: 'cloudformation:ExecuteChangeSet',
        resource: stack(prod, 'teams'),
        expect: 'deny',
      },
      deploy,
    ),
    c(
      {
        who: 'prod deploy role',
        principal: boot(prod, 'deploy'),
        action: 'cloudformation:DeleteStack',
        resource: stack(prod, 'bootstrap'),
        expect: 'deny',
      },
      deploy,
    ),
    c(
      {
        who: 'prod deploy role',
        principal: boot(prod, 'deploy'),
        action: 'cloudformation:CreateChangeSet',
        resource: stack(prod, 'webapp'),
        expect: 'allow',
      },
      deploy,
    ),
    c(
      {
        who: 'dev deploy role',
        principal: boot(dev, 'deploy'),
        action: 'cloudformation:CreateChangeSet',
        resource: stack(prod, 'webapp'),
        expect: 'deny',
      },
      deploy,
    ),
    c(
      {
        who: 'prod execution role',
        principal: boot(prod, 'cfn-exec'),
        action: 'cloudformation:UpdateStack',
        resource: stack(prod, 'bootstrap'),
        expect: 'deny',
      },
      deploy,
    ),
  ];
}

/**
 * Workload roles (found by name in the deployed world). CloudWatch Logs' use of the bootstrap key is
 * not in this table: the evaluator ignores `kms:EncryptionContext:aws:logs:arn` (a key name with a
 * colon), so test/bootstrap asserts that condition on the key policy instead.
 */
export function workloadCases(model: PlatformModel): BoundaryCase[] {
  const prod = model.environments.find((e) => e.name === 'prod') as EnvironmentModel;
  const role = (name: string) => `arn:aws:iam::${prod.account}:role/${name}`;
  const b = 'a workload role (any role of a workload stack) is capped by the boundary';
  const api = 'WORKLOAD_ROLE:acme-prod-webapp-ApiFunctionRole';
  return [
    {
      boundary: b,
      who: 'prod API function role',
      principal: api,
      action: 'iam:CreateRole',
      resource: role('acme-prod-webapp-Mine'),
      expect: 'deny',
    },
    {
      boundary: b,
      who: 'prod API function role',
      principal: api,
      action: 'iam:DeleteRolePermissionsBoundary',
      resource: api,
      expect: 'deny',
    },
    {
      boundary: b,
      who: 'prod API function role',
      principal: api,
      action: 'sts:AssumeRole',
      resource: role(prod.naming.roleName('team-platform-admin')),
      expect: 'deny',
    },
    {
      boundary: b,
      who: 'prod API function role',
      principal: api,
      action: 'sts:AssumeRole',
      resource: role(prod.naming.bootstrapRoleName('deploy')),
      expect: 'deny',
    },
  ];
}
