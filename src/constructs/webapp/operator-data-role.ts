import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { checkDataActions } from './tenant-data-role';
import type { PartitionAccess, TenantTable } from './tenant-table';

export interface OperatorDataRoleProps {
  /** Physical role name (from `Naming.roleName`). */
  readonly roleName: string;
  /**
   * The only principal that may assume the role: the authorizer, which hands its sessions only to verified
   * operators of the platform tenant.
   */
  readonly assumedBy: iam.IRole;
  readonly table: TenantTable;
  /**
   * What operators' sessions may do, per entity partition of every tenant (never Scan or PartiQL): e.g.
   * tenant records (tier, status), offboarding deletes, usage reads.
   */
  readonly grants: PartitionAccess[];
}

/**
 * The platform's data role for operator routes (onboard, suspend, resume, change tier, offboard, usage
 * reports): the one role that writes tenants' tier and status. Assumable only by the authorizer, with
 * `sts:AssumeRole` and no session tags.
 */
export class OperatorDataRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OperatorDataRoleProps) {
    super(scope, id);
    checkDataActions(this, props.grants);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: "Operators' data access (tenant records, offboarding), assumed by the authorizer",
      assumedBy: new iam.ArnPrincipal(props.assumedBy.roleArn),
      maxSessionDuration: Duration.hours(1),
    });
    props.table.grantPartitions(this.role, 'Operator', props.grants, '*');
    props.assumedBy.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeOperatorDataRole',
        actions: ['sts:AssumeRole'],
        resources: [this.role.roleArn],
      }),
    );
  }
}
