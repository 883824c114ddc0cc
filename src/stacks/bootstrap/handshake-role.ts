import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { EnvironmentModel } from '../../config';

export interface HandshakeRoleProps {
  readonly environment: EnvironmentModel;
  readonly organization: string;
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
    const env = props.environment;
    const settings = env.settings.bootstrap;
    this.externalId = settings.handshakeExternalId ?? `${props.organization}-${env.name}-deploy`;
    const accounts = settings.trustedAccounts.length > 0 ? settings.trustedAccounts : [env.account];
    const [first, ...rest] = accounts.map(
      (account) =>
        new iam.AccountPrincipal(account).withConditions({
          StringEquals: { 'sts:ExternalId': this.externalId, 'aws:PrincipalAccount': account },
        }) as iam.IPrincipal,
    );
    this.role = new iam.Role(this, 'Role', {
      roleName: env.naming.roleName('handshake'),
      assumedBy: first as iam.IPrincipal,
      description: `Cross-account deployment handshake into ${env.name}`,
    });
    for (const principal of rest) {
      this.role.assumeRolePolicy?.addStatements(
        new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [principal] }),
      );
    }
  }

  /** Lets the handshake role assume exactly these roles (and nothing else). */
  allowAssuming(roles: readonly iam.IRole[]): void {
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: roles.map((r) => r.roleArn),
      }),
    );
  }
}
