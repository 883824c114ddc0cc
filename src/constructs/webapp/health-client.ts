import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface HealthClientProps {
  readonly userPool: cognito.UserPool;
  /** Resource server identifier and the one scope the client may ask for (`<identifier>/<scope>`). */
  readonly resourceServer: string;
  readonly scopeName: string;
  /**
   * A role in another account (the release pipeline's health-check step) that may read the client's secret:
   * a role here that it can assume, allowed only `DescribeUserPoolClient` on this pool.
   * @default - no reader role (operators read the secret with their own credentials)
   */
  readonly reader?: HealthClientReader;
}

/** The role in another account that may read the health client's secret, through a role created here. */
export interface HealthClientReader {
  /** Physical name of the role created here. */
  readonly roleName: string;
  /** Account of the role allowed to assume it. */
  readonly account: string;
  /** ARN of the only principal in that account that may assume it. */
  readonly principalArn: string;
}

/**
 * The deep health check's client: a confidential app client with only the OAuth client-credentials grant
 * and one custom scope, short-lived access tokens and no user sign-in flow. Nothing about tenants is in
 * Cognito: the authorizer maps this client's tokens to the reserved synthetic tenant and allows them only
 * the deep health route. The secret stays in Cognito; whoever runs the check reads it with
 * `DescribeUserPoolClient` (IAM), so it is never copied into a template, a parameter or a log.
 */
export class HealthClient extends Construct {
  readonly client: cognito.UserPoolClient;
  readonly readerRole?: iam.Role;

  constructor(scope: Construct, id: string, props: HealthClientProps) {
    super(scope, id);
    const scopeName = props.scopeName;
    const server = props.userPool.addResourceServer('ResourceServer', {
      identifier: props.resourceServer,
      userPoolResourceServerName: props.resourceServer,
      scopes: [new cognito.ResourceServerScope({ scopeName, scopeDescription: 'Deep health check' })],
    });
    this.client = props.userPool.addClient('Client', {
      userPoolClientName: 'health',
      generateSecret: true,
      // Only the refresh flow (which client credentials never use): no user can sign in through this client.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [
          cognito.OAuthScope.resourceServer(
            server,
            new cognito.ResourceServerScope({ scopeName, scopeDescription: '' }),
          ),
        ],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // Cognito's minimum: a leaked health token is useless within five minutes.
      accessTokenValidity: Duration.minutes(5),
    });

    if (props.reader) {
      this.readerRole = new iam.Role(this, 'ReaderRole', {
        roleName: props.reader.roleName,
        description: "Reads the health client's secret for the release pipeline's deep health check",
        assumedBy: new iam.AccountPrincipal(props.reader.account).withConditions({
          ArnEquals: { 'aws:PrincipalArn': props.reader.principalArn },
        }),
        maxSessionDuration: Duration.hours(1),
      });
      this.readerRole.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadHealthClientSecret',
          actions: ['cognito-idp:DescribeUserPoolClient'],
          resources: [props.userPool.userPoolArn],
        }),
      );
    }
  }
}
