import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { PublishedValue } from '../../constructs/published-value';
import { HealthClient } from '../../constructs/webapp/health-client';
import type { TenantUserPool } from '../../constructs/webapp/tenant-user-pool';
import { HEALTH_CHECK_ROLES, HEALTH_CLIENT_KEYS } from '../../release/health';
import { ENV, HEALTH_CLIENT } from '../../runtime/contract';
import type { EnvironmentStack } from '../environment-stack';

/**
 * The deep health check's side of the webapp: the health app client (client credentials, one scope), its
 * id in the authorizer's environment (the only client whose access tokens it accepts) and published for
 * `fastish deploy` and the pipeline, and, when the release pipeline runs health checks, the role its
 * deep-check step assumes here to read the client's secret.
 */
export function addHealthClient(
  stack: EnvironmentStack,
  userPool: TenantUserPool,
  authorizer: lambda.Function,
): HealthClient {
  const env = stack.fastishEnv;
  const release = stack.platform.release;
  const pipeline = release?.healthChecks
    ? stack.platform.environments.find((e) => e.name === release.pipelineEnvironment)
    : undefined;
  const health = new HealthClient(stack, 'HealthCheck', {
    userPool: userPool.userPool,
    resourceServer: HEALTH_CLIENT.resourceServer,
    scopeName: HEALTH_CLIENT.scopeName,
    ...(pipeline
      ? {
          reader: {
            roleName: env.naming.roleName(HEALTH_CHECK_ROLES.reader),
            account: pipeline.account,
            principalArn: `arn:${stack.partition}:iam::${pipeline.account}:role/${pipeline.naming.roleName(HEALTH_CHECK_ROLES.pipeline)}`,
          },
        }
      : {}),
  });
  authorizer.addEnvironment(ENV.healthClientId, health.client.userPoolClientId);
  new PublishedValue(stack, 'HealthClientId', {
    naming: env.naming,
    architecture: 'webapp',
    key: HEALTH_CLIENT_KEYS.clientId,
    value: health.client.userPoolClientId,
    description: 'Cognito app client id of the deep health check (client credentials)',
  });
  return health;
}
