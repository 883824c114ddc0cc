import { Duration } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { EnvironmentModel, PlatformModel } from '../../config';
import { healthCheckPipelineRoleName } from '../../constructs/webapp/health-check';
import type { SaasWebAppProps } from '../../constructs/webapp/saas-web-app-props';
import type { WebAppMfa } from '../../constructs/webapp/tenant-user-pool';
import { enumMember } from '../enum-member';

/**
 * The web app of one environment, from the config: its names, the effective `webapp` settings, the
 * console when enabled (validation guarantees its repository), and the release pipeline's health-check
 * role when the pipeline runs health checks.
 */
export function webAppProps(platform: PlatformModel, env: EnvironmentModel): SaasWebAppProps {
  const settings = env.settings.webapp;
  const console = settings.console?.enabled ? settings.console : undefined;
  if (console && !console.repository)
    throw new Error('webapp.console.repository is required (validated by the config)');
  const release = platform.release;
  const pipeline = release?.healthChecks
    ? platform.environments.find((e) => e.name === release.pipelineEnvironment)
    : undefined;
  return {
    naming: env.naming.context,
    logRetention: env.settings.logRetentionDays as logs.RetentionDays,
    alarmEmails: [...settings.alarmEmails],
    tableReplicaRegions: [...settings.tableReplicaRegions],
    mfa: enumMember<WebAppMfa>(settings.mfa),
    authorizerCacheTtl: Duration.seconds(settings.authorizerCacheSeconds),
    ...(settings.apiReservedConcurrency !== undefined
      ? { apiReservedConcurrency: settings.apiReservedConcurrency }
      : {}),
    idempotencyTtl: Duration.days(settings.itemTtlDays),
    apiThrottle: settings.apiThrottle,
    tiers: settings.tiers,
    wafRateLimitPer5Minutes: settings.wafRateLimitPer5Minutes,
    ...(console?.repository
      ? {
          console: {
            repository: console.repository,
            branch: console.branch,
            callbackPath: console.callbackPath,
            pullRequestPreviews: console.pullRequestPreviews,
            ...(console.domain ? { domain: console.domain } : {}),
          },
        }
      : {}),
    ...(pipeline
      ? {
          healthCheckPipeline: {
            account: pipeline.account,
            roleName: healthCheckPipelineRoleName(pipeline.naming),
          },
        }
      : {}),
  };
}
