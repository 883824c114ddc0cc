import { Tags } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { TeamRoles } from '../../constructs/bootstrap/team-roles';
import { PublishedValue } from '../../constructs/published-value';
import { StackDeployment } from '../../constructs/synthesizer';
import { EnvironmentStack, type EnvironmentStackProps } from '../environment-stack';
import { teamRolesProps } from './props-from-config';

export type TeamsStackProps = Omit<EnvironmentStackProps, 'architecture' | 'deployment'>;

/**
 * One role per team and permission level, with its ARN published under `/fastish/<env>/bootstrap/
 * team-roles/`. Deployed by the operator's own credentials right after the bootstrap stack (workload
 * deploys never touch team roles), with the template uploaded to the assets bucket: it grows with the
 * number of teams, and CloudFormation takes at most 51,200 bytes inline.
 */
export class TeamsStack extends EnvironmentStack {
  readonly teams: TeamRoles;

  constructor(scope: Construct, id: string, props: TeamsStackProps) {
    super(scope, id, { ...props, architecture: 'teams', deployment: StackDeployment.OPERATOR_UPLOADED });
    const env = this.fastishEnv;
    this.teams = new TeamRoles(this, 'Teams', teamRolesProps(this.platform, env));
    // The deployment roles trust exactly this role by ARN (the named operator); the tag lets tools
    // such as `fastish rehearse` find it in a synthesized assembly.
    const operator = this.teams.role(`${this.platform.organization.platformTeam}-admin`);
    if (operator) Tags.of(operator).add('fastish:deploys', 'true');
    for (const team of this.teams.roleKeys) {
      const role = this.teams.role(team) as iam.IRole;
      new PublishedValue(this, `TeamRole-${team}`, {
        naming: env.naming,
        architecture: 'bootstrap',
        key: `team-roles/${team}`,
        value: role.roleArn,
        description: `Role of team ${team}`,
      });
    }
  }
}
