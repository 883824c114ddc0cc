import { Duration, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  acknowledge,
  acknowledgeIamWildcards,
  acknowledgeManagedPolicies,
  WILDCARD_RULE_ID,
} from '../../checks/acknowledgements';
import { Naming, type NamingContext } from '../../naming';
import {
  developerStatements,
  guardStatements,
  ownTeamStatements,
  pinStatement,
  READ_ONLY_POLICY,
  TEAM_TAG,
  WRITE_NOT_ACTIONS,
} from './team-scope';

/** A team member's access level: one role per team and level present in the team. */
export type TeamRole = 'admin' | 'developer' | 'read-only';

/** A person or role allowed to assume a team's role at one level. */
export interface TeamContributor {
  /** ARN of the principal (an IAM role or user of an account the environment trusts). */
  readonly principal: string;
  /** The level the principal works at. */
  readonly role: TeamRole;
}

/** A team and who contributes to it at which level. */
export interface TeamDefinition {
  /** Team name: the `fastish:team` tag its roles carry and the resources they may write. */
  readonly name: string;
  readonly contributors: TeamContributor[];
}

export interface TeamRolesProps {
  /** Organization, environment, account, region and qualifier: the roles' names derive from these. */
  readonly naming: NamingContext;
  readonly teams: TeamDefinition[];
  /** The team whose roles keep account-wide rights (the organization's platform team). */
  readonly platformTeam: string;
}

/** The platform team's levels: AWS job-function policies, account-wide; AWS keeps them current. */
const PLATFORM_POLICIES: Record<TeamRole, string> = {
  admin: 'AdministratorAccess',
  developer: 'PowerUserAccess',
  'read-only': READ_ONLY_POLICY,
};

const LEVELS = Object.keys(PLATFORM_POLICIES) as TeamRole[];

/**
 * One role per team and permission level present in the team. A role trusts exactly the team's
 * contributors with that level (no `sts:TagSession`: they cannot restate the role's team tag), so
 * nobody can assume another team's role or a higher level. Each role is tagged `fastish:team` with its
 * team. The platform team's roles are account-wide; every other team's roles read the account
 * (ReadOnlyAccess, minus other teams' data) and write only what is tagged for their team
 * (see team-scope.ts). Their policies are inline: a managed policy under the environment's prefix is
 * one the workload deploy could edit, while the team roles themselves are out of its reach.
 */
export class TeamRoles extends Construct {
  private readonly byKey = new Map<string, iam.Role>();

  constructor(scope: Construct, id: string, props: TeamRolesProps) {
    super(scope, id);
    const n = new Naming(props.naming);
    for (const team of props.teams) {
      const platform = team.name === props.platformTeam;
      for (const level of LEVELS) {
        const members = team.contributors.filter((c) => c.role === level);
        if (members.length === 0) continue;
        const key = `${team.name}-${level}`;
        const managed = platform ? PLATFORM_POLICIES[level] : READ_ONLY_POLICY;
        const role = new iam.Role(this, key, {
          roleName: n.roleName(`team-${key}`),
          assumedBy: new iam.CompositePrincipal(...members.map((m) => new iam.ArnPrincipal(m.principal))),
          managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(managed)],
          ...(platform ? {} : { inlinePolicies: { TeamScope: scopeFor(team.name, level) } }),
          maxSessionDuration: Duration.hours(level === 'admin' ? 1 : 4),
          description: `Team ${team.name} (${level}) in ${props.naming.environment}`,
        });
        // The principal tag every ABAC condition compares with; above the stack's own team tag.
        Tags.of(role).add(TEAM_TAG, team.name, { priority: 300 });
        acknowledgeManagedPolicies(
          role,
          [managed],
          platform
            ? `The platform team's ${level} level maps to the AWS job-function policy ${managed}, account-wide; AWS keeps it current.`
            : `Team ${team.name} reads the account through ${managed}, which AWS keeps current; its inline TeamScope policy refuses other teams' data.`,
        );
        if (!platform && level !== 'read-only') {
          const reason = `Team ${team.name} writes only resources tagged fastish:team=${team.name}, or creates them so tagged: the conditions scope it, and NotAction (${WRITE_NOT_ACTIONS.join(', ')}) keeps identity, STS, organization and account actions out, as AWS's PowerUserAccess does.`;
          // cdk-nag's IAM5 throws on an Allow statement without Action (it reads no NotAction).
          acknowledge(role, [
            { id: 'AwsSolutions-IAM5', reason },
            { id: WILDCARD_RULE_ID, reason },
            { id: 'CloudFormation-Validate::W2512', reason },
          ]);
        } else if (!platform) {
          acknowledgeIamWildcards(
            role,
            { resources: ['*'] },
            "The read-only role's inline policy only denies (other teams' data, role assumption, IAM changes, tags); it grants nothing.",
          );
        }
        this.byKey.set(key, role);
      }
    }
  }

  /** The keys `<team>-<level>` of the roles created, in creation order. */
  get roleKeys(): string[] {
    return [...this.byKey.keys()];
  }

  /** The role of a team at a level (`<team>-<level>`), if the team has members at that level. */
  role(key: string): iam.Role | undefined {
    return this.byKey.get(key);
  }
}

function scopeFor(team: string, level: TeamRole): iam.PolicyDocument {
  return new iam.PolicyDocument({
    statements: [
      pinStatement(team),
      ...guardStatements(),
      ...(level === 'read-only' ? [] : ownTeamStatements()),
      ...(level === 'developer' ? developerStatements() : []),
    ],
  });
}
