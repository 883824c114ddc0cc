import { Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { Naming } from '../../naming';
import { HEALTH_CHECK_ROLES, HEALTH_CLIENT_KEYS } from '../../release/health';
import { ENV, HEALTH_CLIENT } from '../../runtime/contract';
import { PublishedValue } from '../published-value';
import { HealthClient } from './health-client';
import type { TenantUserPool } from './tenant-user-pool';

/** The release pipeline that runs the deep health check after deploying this web app. */
export interface HealthCheckPipeline {
  /** Account of the pipeline. */
  readonly account: string;
  /** Name of the pipeline's health-check role, the only principal that may read the client's secret. */
  readonly roleName: string;
}

/** The pipeline's health-check role name in its own environment (`<org>-<env>-…-<region>`). */
export function healthCheckPipelineRoleName(pipelineNaming: Naming): string {
  return pipelineNaming.roleName(HEALTH_CHECK_ROLES.pipeline);
}

/**
 * The deep health check's side of the webapp: the health app client (client credentials, one scope), its
 * id in the authorizer's environment (the only client whose access tokens it accepts) and published for
 * `fastish deploy` and the pipeline, and, when a release pipeline runs health checks, the role its
 * deep-check step assumes here to read the client's secret.
 */
export function addHealthClient(
  scope: Construct,
  naming: Naming,
  userPool: TenantUserPool,
  authorizer: lambda.Function,
  pipeline?: HealthCheckPipeline,
): HealthClient {
  const partition = Stack.of(scope).partition;
  const health = new HealthClient(scope, 'HealthCheck', {
    userPool: userPool.userPool,
    resourceServer: HEALTH_CLIENT.resourceServer,
    scopeName: HEALTH_CLIENT.scopeName,
    ...(pipeline
      ? {
          reader: {
            roleName: naming.roleName(HEALTH_CHECK_ROLES.reader),
            account: pipeline.account,
            principalArn: `arn:${partition}:iam::${pipeline.account}:role/${pipeline.roleName}`,
          },
        }
      : {}),
  });
  authorizer.addEnvironment(ENV.healthClientId, health.client.userPoolClientId);
  new PublishedValue(scope, 'HealthClientId', {
    naming,
    architecture: 'webapp',
    key: HEALTH_CLIENT_KEYS.clientId,
    value: health.client.userPoolClientId,
    description: 'Cognito app client id of the deep health check (client credentials)',
  });
  return health;
}
