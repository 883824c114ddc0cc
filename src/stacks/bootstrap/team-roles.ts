import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeManagedPolicies } from '../../checks/acknowledgements';
import type { EnvironmentModel, Team, TeamRole } from '../../config';

export interface TeamRolesProps {
  readonly environment: EnvironmentModel;
  readonly teams: readonly Team[];
}

/** AWS job-function policies per permission level; AWS maintains them as services evolve. */
const LEVEL_POLICIES: Record<TeamRole, string> = {
  admin: 'AdministratorAccess',
  developer: 'PowerUserAccess',
  'read-only': 'ReadOnlyAccess',
};

/**
 * One role per team and permission level present in the team. A role trusts exactly the team's
 * contributors with that level, so nobody can assume another team's role or a higher level.
 */
export class TeamRoles extends Construct {
  /** Keyed `<team>-<level>`. */
  readonly roles = new Map<string, iam.Role>();

  constructor(scope: Construct, id: string, props: TeamRolesProps) {
    super(scope, id);
    const n = props.environment.naming;
    for (const team of props.teams) {
      for (const level of Object.keys(LEVEL_POLICIES) as TeamRole[]) {
        const members = team.contributors.filter((c) => c.role === level);
        if (members.length === 0) continue;
        const key = `${team.name}-${level}`;
        const role = new iam.Role(this, key, {
          roleName: n.roleName(`team-${key}`),
          assumedBy: new iam.CompositePrincipal(...members.map((m) => new iam.ArnPrincipal(m.principal))),
          managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(LEVEL_POLICIES[level])],
          maxSessionDuration: Duration.hours(level === 'admin' ? 1 : 4),
          description: `Team ${team.name} (${level}) in ${props.environment.name}`,
        });
        acknowledgeManagedPolicies(
          role,
          [LEVEL_POLICIES[level]],
          `Team permission levels map to the AWS job-function policy ${LEVEL_POLICIES[level]}, which AWS keeps current; the level is chosen per contributor in the config.`,
        );
        this.roles.set(key, role);
      }
    }
  }
}
