import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface HandshakeRoleProps {
  /** Name of the role. */
  readonly roleName: string;
  /** The ExternalId callers must present. */
  readonly externalId: string;
  /**
   * Accounts whose principals may assume the role (with the ExternalId, from that account).
   * @default - only the account of the stack
   */
  readonly trustedAccounts?: string[];
  /**
   * The role's description.
   * @default 'Cross-account deployment handshake'
   */
  readonly description?: string;
}

/**
 * The cross-account entry point: a pipeline or operator account assumes this role (ExternalId and
 * principal-account conditions), and from it only this environment's deployment roles.
 */
export class HandshakeRole extends Construct {
  readonly role: iam.Role;
  readonly externalId: string;

  constructor(scope: Construct, id: string, props: HandshakeRoleProps) {
    super(scope, id);
    this.externalId = props.externalId;
    const accounts =
      props.trustedAccounts && props.trustedAccounts.length > 0
        ? props.trustedAccounts
        : [Stack.of(this).account];
    const [first, ...rest] = accounts.map(
      (account) =>
        new iam.AccountPrincipal(account).withConditions({
          StringEquals: { 'sts:ExternalId': this.externalId, 'aws:PrincipalAccount': account },
        }) as iam.IPrincipal,
    );
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      assumedBy: first as iam.IPrincipal,
      description: props.description ?? 'Cross-account deployment handshake',
    });
    for (const principal of rest) {
      this.role.assumeRolePolicy?.addStatements(
        new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [principal] }),
      );
    }
  }

  /** Lets the handshake role assume exactly these roles (and nothing else). */
  allowAssuming(roles: iam.IRole[]): void {
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: roles.map((r) => r.roleArn),
      }),
    );
  }
}
