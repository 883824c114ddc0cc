import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import type { EnvironmentModel } from '../../config';
import { PublishedValue } from '../../constructs/published-value';
import {
  DEEP_CHECK_VARIABLES,
  deepHealthShellCommands,
  HEALTH_CHECK_ROLES,
  HEALTH_CLIENT_KEYS,
  healthTargetOf,
  publishedKey,
} from '../../release/health';
import type { EnvironmentStack } from '../environment-stack';

/**
 * The one role every deep-check step runs as: the name each environment's reader role trusts. A child of
 * the pipeline, so CDK Pipelines' grants to it get the pipeline's acknowledgements.
 */
function healthCheckRole(release: EnvironmentStack, pipeline: Construct): iam.Role {
  const existing = pipeline.node.tryFindChild('HealthCheckRole');
  if (existing) return existing as iam.Role;
  return new iam.Role(pipeline, 'HealthCheckRole', {
    roleName: release.fastishEnv.naming.roleName(HEALTH_CHECK_ROLES.pipeline),
    description:
      "Pipeline deep health checks: reads each environment's health client secret through its reader role",
    assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com'),
  });
}

/**
 * Post-deploy steps of one environment: the deep check of each published API (`GET /health/deep` with a
 * health-client token, through the authorizer, STS and DynamoDB). Only public endpoints are checked from
 * CodeBuild: the database and a private EKS API are reachable only from inside the VPC.
 */
export function deepHealthCheckSteps(
  release: EnvironmentStack,
  pipeline: Construct,
  env: EnvironmentModel,
  stacks: Iterable<EnvironmentStack>,
): { steps: pipelines.Step[]; checks: string[] } {
  const steps: pipelines.Step[] = [];
  const checks: string[] = [];
  for (const stack of stacks) {
    const published = new Map(
      stack.node
        .findAll()
        .filter((c): c is PublishedValue => c instanceof PublishedValue)
        .map((p) => [publishedKey(p.parameterName)?.key ?? '', p]),
    );
    for (const api of published.values()) {
      if (healthTargetOf(api.parameterName)?.kind !== 'api') continue;
      const output = (key: string) => {
        const value = published.get(key);
        if (!value) throw new Error(`${stack.node.path}: the deep health check needs the published ${key}`);
        return value.output;
      };
      const role = healthCheckRole(release, pipeline);
      const readerRoleArn = `arn:${release.partition}:iam::${env.account}:role/${env.naming.roleName(HEALTH_CHECK_ROLES.reader)}`;
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [readerRoleArn] }),
      );
      checks.push(api.parameterName);
      steps.push(
        new pipelines.CodeBuildStep(`HealthCheck-${env.name}-${stack.architecture}`, {
          role,
          envFromCfnOutputs: {
            [DEEP_CHECK_VARIABLES.apiUrl]: api.output,
            [DEEP_CHECK_VARIABLES.userPoolId]: output(HEALTH_CLIENT_KEYS.userPoolId),
            [DEEP_CHECK_VARIABLES.clientId]: output(HEALTH_CLIENT_KEYS.clientId),
            [DEEP_CHECK_VARIABLES.domain]: output(HEALTH_CLIENT_KEYS.domain),
          },
          commands: deepHealthShellCommands({ region: env.region, readerRoleArn }),
        }),
      );
    }
  }
  return { steps, checks };
}
