import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Attribute-based access control for the team roles of non-platform teams, after AWS's ABAC pattern
 * (IAM user guide, "Define permissions based on attributes with ABAC authorization"): each team role
 * carries the tag `fastish:team` = its team, every Fastish resource carries `fastish:team` = its owner
 * (src/constructs/tagging.ts), and writes are allowed only where the two match.
 */
export const TEAM_TAG = 'fastish:team';

/** The caller's team, as IAM resolves it from the role's own tag. */
const MY_TEAM = `\${aws:PrincipalTag/${TEAM_TAG}}`;
const RESOURCE_TEAM = `aws:ResourceTag/${TEAM_TAG}`;
const REQUEST_TEAM = `aws:RequestTag/${TEAM_TAG}`;

/** Every non-platform team role reads the account through this AWS job-function policy. */
export const READ_ONLY_POLICY = 'ReadOnlyAccess';

/** Never granted to a non-platform team, whatever the tags say (identity, organization, account). */
export const WRITE_NOT_ACTIONS = ['iam:*', 'sts:*', 'organizations:*', 'account:*'];

/**
 * Every IAM action whose name does not start with Get, List, Generate or Simulate (the verbs of IAM's
 * Read and List access levels). The team-roles test checks this against the IAM service reference.
 */
export const IAM_WRITE_ACTIONS = [
  'Accept',
  'Add',
  'Associate',
  'Attach',
  'Change',
  'Create',
  'Deactivate',
  'Delete',
  'Detach',
  'Disable',
  'Enable',
  'Pass',
  'Put',
  'Reject',
  'Remove',
  'Reset',
  'Resync',
  'Send',
  'Set',
  'Tag',
  'Untag',
  'Update',
  'Upload',
].map((verb) => `iam:${verb}*`);

/**
 * Reads of data (not of configuration) that ReadOnlyAccess would grant account-wide: items, objects,
 * messages, records, log events, secret values, decryption. Allowed only on resources tagged for the
 * caller's team (an untagged resource is nobody's: refused). SSM parameters stay readable: they hold
 * only published, non-secret connection details.
 */
export const DATA_READ_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:PartiQLSelect',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  's3:GetObject',
  's3:GetObjectVersion',
  's3:GetObjectAttributes',
  'sqs:ReceiveMessage',
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:SubscribeToShard',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'logs:StartLiveTail',
  'logs:StartQuery',
  'secretsmanager:GetSecretValue',
  'kms:Decrypt',
];

/**
 * What a team developer may not do even to the team's own resources: delete the stateful stores and
 * keys Fastish retains, or change who else may use them (resource policies). The team admin may.
 */
export const DEVELOPER_WITHHELD_ACTIONS = [
  'dynamodb:DeleteTable',
  'dynamodb:DeleteBackup',
  'dynamodb:PutResourcePolicy',
  'dynamodb:DeleteResourcePolicy',
  's3:DeleteBucket',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'kms:PutKeyPolicy',
  'secretsmanager:DeleteSecret',
  'secretsmanager:PutResourcePolicy',
  'secretsmanager:DeleteResourcePolicy',
  'logs:DeleteLogGroup',
  'rds:DeleteDBCluster',
  'rds:DeleteDBInstance',
  'kinesis:DeleteStream',
  'kafka:DeleteCluster',
  'sqs:DeleteQueue',
  'sns:DeleteTopic',
  'lambda:AddPermission',
];

const deny = (sid: string, actions: string[], conditions?: Record<string, unknown>) =>
  new iam.PolicyStatement({
    sid,
    effect: iam.Effect.DENY,
    actions,
    resources: ['*'],
    ...(conditions ? { conditions } : {}),
  });

/** Every non-platform team role, whatever its level: the limits no tag can lift. */
export function guardStatements(): iam.PolicyStatement[] {
  return [
    // The deployment roles, the handshake role and other teams' roles, and any role at all: a team
    // role is an end point, never a step towards another identity.
    deny('NoRoleAssumption', ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']),
    // No privilege escalation through IAM (IAM reads stay, from ReadOnlyAccess).
    deny('NoIamChanges', IAM_WRITE_ACTIONS),
    // Nobody outside the platform team labels anything as another team's: not on create, not by retagging.
    deny('NoOtherTeamLabel', ['*'], {
      StringNotEquals: { [REQUEST_TEAM]: MY_TEAM },
      Null: { [REQUEST_TEAM]: 'false' },
    }),
    // No Fastish tag of another team's resource is added, changed or removed (the retag to one's own
    // team included).
    deny('NoOtherTeamTagChanges', ['*'], {
      'ForAnyValue:StringLike': { 'aws:TagKeys': ['fastish:*'] },
      StringNotEquals: { [RESOURCE_TEAM]: MY_TEAM },
      Null: { [RESOURCE_TEAM]: 'false' },
    }),
    // Removing the team tag (a key named without a value) would hand the resource to whoever tags it next.
    deny('NoTeamTagRemoval', ['*'], {
      'ForAnyValue:StringEquals': { 'aws:TagKeys': [TEAM_TAG] },
      Null: { [REQUEST_TEAM]: 'true' },
    }),
    // With ABAC off, S3 ignores bucket tags in every condition (this policy's included).
    deny('NoBucketAbacChanges', ['s3:PutBucketAbac']),
    // A negated operator holds when the key is missing: fails closed for untagged resources.
    deny('DataOfOwnTeamOnly', DATA_READ_ACTIONS, { StringNotEquals: { [RESOURCE_TEAM]: MY_TEAM } }),
  ];
}

/**
 * Developers and admins of a non-platform team: everything but identity on resources tagged for the
 * team, and creating resources only when the request tags them for the team. Actions whose service
 * exposes neither tag are not allowed (fail closed).
 */
export function ownTeamStatements(): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'OwnTeamResources',
      notActions: WRITE_NOT_ACTIONS,
      resources: ['*'],
      conditions: { StringEquals: { [RESOURCE_TEAM]: MY_TEAM } },
    }),
    new iam.PolicyStatement({
      sid: 'CreateForOwnTeam',
      notActions: WRITE_NOT_ACTIONS,
      resources: ['*'],
      conditions: { StringEquals: { [REQUEST_TEAM]: MY_TEAM } },
    }),
  ];
}

export function developerStatements(): iam.PolicyStatement[] {
  return [deny('DeveloperKeepsStores', DEVELOPER_WITHHELD_ACTIONS)];
}

/**
 * Per role: the session acts for the role's own team only. A session tag (or an incoming transitive
 * tag from the contributor's identity provider) would override the role's `fastish:team` tag; then
 * every call is refused instead of being evaluated for another team.
 */
export function pinStatement(team: string): iam.PolicyStatement {
  return deny('SessionIsOwnTeam', ['*'], { StringNotEquals: { [`aws:PrincipalTag/${TEAM_TAG}`]: team } });
}
