import type * as logs from 'aws-cdk-lib/aws-logs';
import type { EnvironmentModel, PlatformModel } from '../../config';
import type { FastishBootstrapProps } from '../../constructs/bootstrap/bootstrap';
import type { TeamRolesProps } from '../../constructs/bootstrap/team-roles';

/**
 * The bootstrap of one environment, from the config: its names, log retention, handshake settings,
 * the platform team's admin role as the named operator (when the team has admins), and the release
 * pipeline when one deploys the platform.
 */
export function bootstrapProps(platform: PlatformModel, env: EnvironmentModel): FastishBootstrapProps {
  const n = env.naming;
  const settings = env.settings.bootstrap;
  const release = platform.release;
  const home = release && platform.environments.find((e) => e.name === release.pipelineEnvironment);
  // Named operators: the platform team's admin role (in the teams stack, deployed next).
  const platformTeam = platform.teams.find((t) => t.name === platform.organization.platformTeam);
  const operators = platformTeam?.contributors.some((c) => c.role === 'admin')
    ? [n.roleName(`team-${platformTeam.name}-admin`)]
    : [];
  return {
    naming: n.context,
    logRetention: env.settings.logRetentionDays as logs.RetentionDays,
    ...(settings.handshakeExternalId ? { handshakeExternalId: settings.handshakeExternalId } : {}),
    trustedAccounts: [...settings.trustedAccounts],
    operatorRoleNames: operators,
    ...(home
      ? {
          pipeline: {
            account: home.account,
            region: home.region,
            // CloudFormation names the release pipeline's roles after the release stack.
            rolePrefix: `${home.naming.stackName('release')}-`,
            artifactsBucketName: home.naming.bucketName('release-artifacts'),
          },
        }
      : {}),
  };
}

/** The team roles of one environment, from the config's teams. */
export function teamRolesProps(platform: PlatformModel, env: EnvironmentModel): TeamRolesProps {
  return {
    naming: env.naming.context,
    teams: platform.teams.map((t) => ({ name: t.name, contributors: [...t.contributors] })),
    platformTeam: platform.organization.platformTeam,
  };
}
