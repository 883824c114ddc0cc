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

export interface TeamAccess {
  readonly team: string;
  /** Levels present in the team (the bootstrap stack creates a role only for these). */
  readonly levels: readonly TeamLevel[];
}

export interface TeamNamespacesProps {
  readonly cluster: eks.Cluster;
  readonly teams: readonly TeamAccess[];
  /** IAM role name of `<team>-<level>` (the bootstrap stack's team roles). */
  readonly roleName: (team: string, level: TeamLevel) => string;
  /** The platform team: its admins also get cluster-wide admin. */
  readonly platformTeam: string;
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
        ...t.levels.map((level) =>
          groupRoleBinding(ns, `team-${level}`, teamGroup(t.team, level), LEVEL_CLUSTER_ROLES[level]),
        ),
      ];
      this.objects.set(t.team, objects);
      const manifest = props.cluster.addManifest(`Team-${t.team}`, ...objects);
      for (const dep of props.dependsOn ?? []) manifest.node.addDependency(dep);
      this.manifests.set(t.team, manifest);

      for (const level of t.levels) {
        const clusterAdmin = t.team === props.platformTeam && level === 'admin';
        const entry = new eksL1.CfnAccessEntry(this, `${t.team}-${level}`, {
          clusterName: props.cluster.clusterName,
          principalArn: `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${props.roleName(t.team, level)}`,
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
