import { Aws } from 'aws-cdk-lib';
import * as eksL1 from 'aws-cdk-lib/aws-eks';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import {
  groupRoleBinding,
  type K8sObject,
  limitRange,
  namespace,
  networkPolicies,
  type QuotaLimits,
  resourceQuota,
} from './manifests';

export type TeamLevel = 'admin' | 'developer' | 'read-only';

/** Kubernetes ClusterRole each level is bound to inside its team's namespace. */
export const LEVEL_CLUSTER_ROLES: Record<TeamLevel, 'admin' | 'edit' | 'view'> = {
  admin: 'admin',
  developer: 'edit',
  'read-only': 'view',
};

/** A role of a team at one access level. */
export interface TeamRoleAccess {
  readonly level: TeamLevel;
  /** ARN of the IAM role people of the team assume at this level. */
  readonly roleArn: string;
}

export interface TeamAccess {
  readonly team: string;
  /** The team's roles, one per level present in the team. */
  readonly roles: readonly TeamRoleAccess[];
  /** Whether the team's admin role is also cluster-wide admin. @default false */
  readonly clusterAdmin?: boolean;
}

export interface TeamNamespacesProps {
  readonly cluster: eks.Cluster;
  readonly teams: readonly TeamAccess[];
  readonly quota: QuotaLimits;
  readonly vpcCidr: string;
  readonly dependsOn?: readonly Construct[];
}

/** Label of every team namespace (value: the team). */
export const TEAM_NAMESPACE_LABEL = 'fastish.io/team';

/** The Kubernetes group an access entry maps a team role to. */
export function teamGroup(team: string, level: TeamLevel): string {
  return `fastish:${team}:${level}`;
}

/**
 * One namespace per team with a ResourceQuota, a LimitRange, default-deny NetworkPolicies plus DNS,
 * same-namespace and load-balancer allowances, and RBAC: each team role (from the bootstrap stack) gets
 * an EKS access entry that maps it to the group `fastish:<team>:<level>`, bound in the team namespace
 * to the `admin`, `edit` or `view` ClusterRole. Only the platform team's admins get cluster-wide admin.
 */
export class TeamNamespaces extends Construct {
  readonly manifests = new Map<string, eks.KubernetesManifest>();
  readonly accessEntries: eksL1.CfnAccessEntry[] = [];
  /** Every object applied per team (for tests and docs). */
  readonly objects = new Map<string, K8sObject[]>();

  constructor(scope: Construct, id: string, props: TeamNamespacesProps) {
    super(scope, id);
    for (const t of props.teams) {
      const ns = t.team;
      const objects: K8sObject[] = [
        namespace(ns, { [TEAM_NAMESPACE_LABEL]: t.team }),
        resourceQuota(ns, props.quota),
        limitRange(ns),
        ...networkPolicies(ns, props.vpcCidr),
        ...t.roles.map(({ level }) =>
          groupRoleBinding(ns, `team-${level}`, teamGroup(t.team, level), LEVEL_CLUSTER_ROLES[level]),
        ),
      ];
      this.objects.set(t.team, objects);
      const manifest = props.cluster.addManifest(`Team-${t.team}`, ...objects);
      for (const dep of props.dependsOn ?? []) manifest.node.addDependency(dep);
      this.manifests.set(t.team, manifest);

      for (const { level, roleArn } of t.roles) {
        const clusterAdmin = t.clusterAdmin === true && level === 'admin';
        const entry = new eksL1.CfnAccessEntry(this, `${t.team}-${level}`, {
          clusterName: props.cluster.clusterName,
          principalArn: roleArn,
          type: 'STANDARD',
          kubernetesGroups: [teamGroup(t.team, level)],
          accessPolicies: clusterAdmin
            ? [
                {
                  policyArn: `arn:${Aws.PARTITION}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
                  accessScope: { type: 'cluster' },
                },
              ]
            : [],
        });
        this.accessEntries.push(entry);
      }
    }
  }
}
