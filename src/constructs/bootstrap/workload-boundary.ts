import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeIamWildcards } from '../../checks/acknowledgements';

/** What the environment protects from every workload role and from the workload deploy itself. */
export interface ProtectedResources {
  /** The deployment roles: no workload may change them (their trust decides who assumes them). */
  readonly deploymentRoleArns: string[];
  /** Roles of people and other accounts (team, handshake): no workload may change or assume them. */
  readonly personRoleArns: string[];
  /** The bootstrap key (assets, deployment logs). */
  readonly keyArn: string;
  /** Stacks only the operator deploys (`bootstrap`, `teams`). */
  readonly operatorStackArns: string[];
}

export interface WorkloadBoundaryProps {
  /** Name of the managed policy (the naming module's `boundaryPolicyName()`). */
  readonly policyName: string;
  readonly protected: ProtectedResources;
}

/**
 * The permissions boundary every role of a workload stack carries (applied by `FastishStack`), and
 * which the CloudFormation execution role must attach to every role it creates. A boundary grants
 * nothing; it caps: whatever a workload role's own policies say, it cannot remove or bypass the
 * boundary, create a role without it, edit the boundary, touch the operator's roles, stacks or key.
 * So a workload deploy (or a compromised workload) cannot mint an administrator.
 */
export class WorkloadBoundary extends Construct {
  readonly policy: iam.ManagedPolicy;
  readonly policyArn: string;

  constructor(scope: Construct, id: string, props: WorkloadBoundaryProps) {
    super(scope, id);
    const { account, partition } = Stack.of(this);
    this.policyArn = `arn:${partition}:iam::${account}:policy/${props.policyName}`;
    const p = props.protected;
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: props.policyName,
      description: 'Fastish workload permissions boundary: caps every role a workload stack creates',
      statements: boundaryStatements(this.policyArn, p),
    });
    acknowledgeIamWildcards(
      this.policy,
      { actions: ['*'], resources: ['*'] },
      'A permissions boundary grants nothing by itself: it caps what the role’s own least-privilege policies may grant, and its Deny statements remove escalation paths.',
    );
  }
}

/** Allow everything, then take the escalation paths away. */
function boundaryStatements(boundaryArn: string, p: ProtectedResources): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ sid: 'CapOnly', actions: ['*'], resources: ['*'] }),
    ...guardStatements(boundaryArn, p),
  ];
}

/** What no workload role (nor the execution role, which carries the boundary too) may do. */
function guardStatements(boundaryArn: string, p: ProtectedResources): iam.PolicyStatement[] {
  const deny = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      actions,
      resources,
      ...(conditions ? { conditions } : {}),
    });
  return [
    deny('RolesOnlyWithBoundary', ['iam:CreateRole', 'iam:PutRolePermissionsBoundary'], ['*'], {
      StringNotEquals: { 'iam:PermissionsBoundary': boundaryArn },
    }),
    deny('BoundaryStays', ['iam:DeleteRolePermissionsBoundary'], ['*']),
    // Capped or not, no role is handed the account's administrator policies.
    deny(
      'NoAdministratorPolicies',
      ['iam:AttachRolePolicy', 'iam:AttachUserPolicy', 'iam:AttachGroupPolicy'],
      ['*'],
      {
        ArnLike: {
          'iam:PolicyARN': ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'].map(
            (name) => `arn:${boundaryArn.split(':')[1]}:iam::aws:policy/${name}`,
          ),
        },
      },
    ),
    deny(
      'BoundaryUnchanged',
      [
        'iam:CreatePolicyVersion',
        'iam:DeletePolicy',
        'iam:DeletePolicyVersion',
        'iam:SetDefaultPolicyVersion',
      ],
      [boundaryArn],
    ),
    deny('OperatorRolesUnchanged', ['iam:*'], [...p.deploymentRoleArns, ...p.personRoleArns]),
    deny('PersonRolesNotAssumed', ['sts:AssumeRole', 'sts:TagSession'], [...p.personRoleArns]),
    deny(
      'BootstrapKeyKept',
      [
        'kms:ScheduleKeyDeletion',
        'kms:DisableKey',
        'kms:PutKeyPolicy',
        'kms:CreateGrant',
        'kms:RevokeGrant',
        'kms:UpdateKeyDescription',
        'kms:DisableKeyRotation',
      ],
      [p.keyArn],
    ),
    deny('OperatorStacksUntouched', ['cloudformation:*'], [...p.operatorStackArns]),
  ];
}
