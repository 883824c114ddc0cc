import { Fn } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import type { Construct } from 'constructs';
import type { AlbController } from '../../constructs/eks/addons/alb-controller';
import type { CertManager } from '../../constructs/eks/addons/cert-manager';
import type { CoreAddons } from '../../constructs/eks/addons/core-addons';
import type { ExternalDns } from '../../constructs/eks/addons/external-dns';
import type { ExternalSecrets } from '../../constructs/eks/addons/external-secrets';
import type { Karpenter, NodePoolOptions } from '../../constructs/eks/karpenter';
import type { GrafanaCloudObservability } from '../../constructs/eks/observability';
import { EksPlatform, type WorkloadPodIdentityOptions } from '../../constructs/eks/platform';
import type { PodIdentityRole } from '../../constructs/eks/pod-identity';
import type { TeamNamespaces } from '../../constructs/eks/teams';
import { PublishedValue } from '../../constructs/published-value';
import { EnvironmentStack, type EnvironmentStackProps } from '../environment-stack';
import { namesAsBeforeDefault } from './names-before-default';
import { eksPlatformProps } from './props-from-config';

export type { WorkloadPodIdentityOptions };
export type EksStackProps = Omit<EnvironmentStackProps, 'architecture'>;

/**
 * The `eks` architecture from the config: an `EksPlatform` built from the environment's settings
 * (`eksPlatformProps`), plus the values other stacks and people read (SSM parameters). The platform is
 * the stack's `Default` child, so its resources keep the logical IDs they had when the stack built them
 * itself.
 */
export class EksStack extends EnvironmentStack {
  /** The platform construct (`platform` is the config model). */
  readonly eksPlatform: EksPlatform;
  readonly cluster: eks.Cluster;
  readonly vpc: ec2.IVpc;
  readonly karpenter: Karpenter;
  readonly addons: CoreAddons;
  readonly albController: AlbController;
  readonly certManager: CertManager;
  readonly externalDns?: ExternalDns;
  /** External Secrets operator; grant it read on a secret to sync that secret into the cluster. */
  readonly externalSecrets: ExternalSecrets;
  readonly observability?: GrafanaCloudObservability;
  readonly teams: TeamNamespaces;
  readonly defaultStorageClass: string;
  readonly internalIngressClass: string;
  readonly publicIngressClass: string;
  readonly clusterIssuer?: string;
  readonly publicCertificate?: acm.ICertificate;
  /** Last platform component installed; workload manifests and charts should depend on it. */
  readonly platformReady: Construct;

  constructor(scope: Construct, id: string, props: EksStackProps) {
    const env = props.environment;
    const settings = env.settings.eks;
    super(scope, id, { ...props, architecture: 'eks', team: props.team ?? settings.team });
    const n = env.naming;

    if (settings.hostedZone && !settings.hostedZoneId) {
      throw new Error(
        `environments.${env.name}: eks.hostedZone "${settings.hostedZone}" needs eks.hostedZoneId (synth does no lookups)`,
      );
    }

    // 'Default' keeps the platform's path out of logical IDs (no replacement for existing deployments).
    const p = new EksPlatform(this, 'Default', eksPlatformProps(this, props.platform, env));
    namesAsBeforeDefault(p);
    this.eksPlatform = p;
    this.cluster = p.eksCluster;
    this.vpc = p.vpc;
    const parts = p._parts;
    this.karpenter = parts.karpenter;
    this.addons = parts.addons;
    this.albController = parts.albController;
    this.certManager = parts.certManager;
    this.externalDns = parts.externalDns;
    this.externalSecrets = parts.externalSecrets;
    this.observability = parts.observability;
    this.teams = parts.teams;
    this.defaultStorageClass = p.defaultStorageClass;
    this.internalIngressClass = p.internalIngressClass;
    this.publicIngressClass = p.publicIngressClass;
    this.clusterIssuer = p.clusterIssuer;
    this.publicCertificate = p.publicCertificate;
    this.platformReady = p.platformReady;

    if (p.publicCertificate && settings.hostedZone) {
      const zone = settings.hostedZone;
      this.publish(
        'certificates/public-arn',
        p.publicCertificate.certificateArn,
        `ACM certificate for ${zone} and *.${zone} (public ALBs discover it by host)`,
      );
    }
    if (p.grafanaCloudSecret) {
      this.publish(
        'observability/grafana-secret-arn',
        p.grafanaCloudSecret.secretArn,
        'ARN of the Grafana Cloud credentials secret (fill it in after deploy)',
      );
    }

    const clusterName = p.clusterName;
    const adminRole = props.platform.teams
      .find((t) => t.name === props.platform.organization.platformTeam)
      ?.contributors.some((c) => c.role === 'admin')
      ? n.roleName(`team-${props.platform.organization.platformTeam}-admin`)
      : undefined;
    const kubeconfig = [
      `aws eks update-kubeconfig --name ${clusterName} --region ${env.region}`,
      adminRole ? ` --role-arn arn:${this.partition}:iam::${env.account}:role/${adminRole}` : '',
    ].join('');
    this.publish('cluster/name', this.cluster.clusterName, 'EKS cluster name');
    this.publish('cluster/arn', this.cluster.clusterArn, 'EKS cluster ARN');
    this.publish(
      'cluster/endpoint',
      this.cluster.clusterEndpoint,
      'EKS API endpoint (private unless publicEndpointCidrs)',
    );
    this.publish(
      'cluster/oidc-issuer',
      this.cluster.clusterOpenIdConnectIssuerUrl,
      'OIDC issuer URL of the cluster',
    );
    this.publish(
      'cluster/security-group-id',
      this.cluster.clusterSecurityGroupId,
      'EKS-managed cluster security group',
    );
    this.publish('cluster/kubernetes-version', p.kubernetesVersion, 'Kubernetes version');
    this.publish(
      'pod-identity/trust-principal',
      'pods.eks.amazonaws.com',
      'Service principal workload roles trust for EKS Pod Identity (associations per namespace/service account)',
    );
    this.publish(
      'karpenter/node-role-arn',
      this.karpenter.nodeRole.roleArn,
      'Role of Karpenter-launched nodes',
    );
    this.publish('vpc/id', this.vpc.vpcId, 'VPC of the cluster');
    this.publish(
      'vpc/private-subnet-ids',
      Fn.join(
        ',',
        this.vpc.privateSubnets.map((s) => s.subnetId),
      ),
      'Private subnets (nodes, pods, internal load balancers)',
    );
    this.publish('kubeconfig-command', kubeconfig, 'Command that writes a kubeconfig for this cluster');
  }

  /** See `EksPlatform.addPodIdentity`. */
  addPodIdentity(scope: Construct, id: string, options: WorkloadPodIdentityOptions): PodIdentityRole {
    return this.eksPlatform.addPodIdentity(scope, id, options);
  }

  /** Adds a Karpenter NodePool (e.g. dedicated Druid historicals); see `NodePoolOptions`. */
  addNodePool(id: string, options: NodePoolOptions): eks.KubernetesManifest {
    return this.karpenter.addNodePool(id, options);
  }

  private publish(key: string, value: string, description: string): void {
    new PublishedValue(this, `Published-${key.replace(/\//g, '-')}`, {
      naming: this.fastishEnv.naming,
      architecture: 'eks',
      key,
      value,
      description,
    });
  }
}
