import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import { Names, Stack, Tags } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';
import { VERSIONS } from '../../versions';
import { encryptLogGroups } from '../encrypt-log-groups';
import { EncryptionKey } from '../encryption-key';
import { AlbController } from './addons/alb-controller';
import { CertManager } from './addons/cert-manager';
import { CoreAddons } from './addons/core-addons';
import { ExternalDns } from './addons/external-dns';
import { ExternalSecrets } from './addons/external-secrets';
import { EksCluster } from './cluster';
import { Karpenter, type NodePoolOptions } from './karpenter';
import { NamedResource } from './naming';
import { addPlatformNodePools, type ExtraPoolSettings } from './nodepools';
import { GrafanaCloudObservability } from './observability';
import {
  ALL_INTERFACE_ENDPOINTS,
  type EksExtraNodePool,
  type EksPlatformProps,
  type EksTeam,
} from './platform-props';
import { PodIdentityRole } from './pod-identity';
import { TEAM_NAMESPACE_LABEL, type TeamAccess, TeamNamespaces, type TeamRoleAccess } from './teams';
import { EksVpc } from './vpc';
import type { IEksWorkloadHost } from './workload-host';

const DEFAULT_CIDR = '10.0.0.0/16';

/** Options of a workload's Pod Identity role (`EksPlatform.addPodIdentity`). */
export interface WorkloadPodIdentityOptions {
  /** Kubernetes namespace of the service account. */
  readonly namespace: string;
  /** Service account the pods run as (it may be created later, e.g. by a Helm chart). */
  readonly serviceAccount: string;
  /** @default a CloudFormation-generated name */
  readonly roleName?: string;
  /** What the role is for, shown in IAM. */
  readonly description: string;
  /** Statements of the role's inline policy. @default none; grant to `role` afterwards */
  readonly statements?: iam.PolicyStatement[];
}

/**
 * A production EKS platform: VPC (or yours), private cluster with access entries and envelope-encrypted
 * secrets, pinned EKS add-ons, Karpenter, the AWS Load Balancer Controller with WAF on public ALBs,
 * cert-manager, external-dns, External Secrets, Grafana Cloud observability and team namespaces.
 * Install order is explicit: networking add-ons → system nodes → CoreDNS/EBS CSI/metrics-server →
 * Karpenter → load balancer controller → cert-manager → external-dns → External Secrets → observability.
 *
 * Every key is customer-managed with rotation, every log group encrypted and retained; the API endpoint
 * is private unless `publicEndpointCidrs` says otherwise.
 */
export class EksPlatform extends Construct implements IEksWorkloadHost {
  readonly cluster: eks.Cluster;
  readonly clusterName: string;
  readonly vpc: ec2.IVpc;
  readonly vpcCidr: string;
  /** The VPC the platform created (absent with `vpc`). */
  readonly network?: EksVpc;
  readonly karpenter: Karpenter;
  readonly addons: CoreAddons;
  readonly albController: AlbController;
  readonly certManager: CertManager;
  readonly externalDns?: ExternalDns;
  /** External Secrets operator; grant its role read on a secret to sync that secret into the cluster. */
  readonly externalSecrets: ExternalSecrets;
  readonly observability?: GrafanaCloudObservability;
  readonly teams: TeamNamespaces;
  /** Keys: Kubernetes secrets, logs, EBS volumes, and messages (interruption queue, platform secrets). */
  readonly secretsKey: kms.IKey;
  readonly logsKey: kms.IKey;
  readonly volumesKey: kms.IKey;
  readonly messagesKey: kms.IKey;
  /** Default StorageClass (gp3, KMS-encrypted). */
  readonly defaultStorageClass = CoreAddons.DEFAULT_STORAGE_CLASS;
  /** IngressClass of internal ALBs (cluster default). */
  readonly internalIngressClass = AlbController.INTERNAL_CLASS;
  /** IngressClass of internet-facing ALBs (WAF attached). */
  readonly publicIngressClass = AlbController.PUBLIC_CLASS;
  /** cert-manager ClusterIssuer for Let's Encrypt certificates (DNS-01); only with a hosted zone. */
  readonly clusterIssuer?: string;
  /** ACM certificate for the hosted zone and `*.zone`: public ALBs find it by their Ingress hosts. */
  readonly publicCertificate?: acm.Certificate;
  /** Last platform component installed; workload manifests and charts should depend on it. */
  readonly platformReady: Construct;
  readonly bottlerocketVersion = VERSIONS.eks.bottlerocket;
  readonly kubernetesVersion = VERSIONS.eks.kubernetes;

  constructor(scope: Construct, id: string, props: EksPlatformProps = {}) {
    super(scope, id);
    const names = props.physicalNames;
    const v = VERSIONS.eks;
    const stack = Stack.of(this);
    const clusterName =
      props.clusterName ?? Names.uniqueResourceName(this, { maxLength: 100, separator: '-' });
    this.clusterName = clusterName;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const role = (purpose: string) => names?.roleName(purpose);
    const named = (kind: NamedResource, purpose: string) => names?.resourceName(kind, purpose);

    const key = (purpose: string, description: string) =>
      new EncryptionKey(this, `${purpose}Key`, {
        alias:
          names?.kmsAlias(`eks-${purpose.toLowerCase()}`) ?? `alias/${clusterName}-${purpose.toLowerCase()}`,
        description,
      }).key;
    this.secretsKey = key('Secrets', `EKS secrets envelope encryption (${clusterName})`);
    this.logsKey = key('Logs', `EKS VPC flow logs and control-plane logs (${clusterName})`);
    this.logsKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`));
    this.volumesKey = key('Volumes', `EBS volumes of the default StorageClass (${clusterName})`);
    this.messagesKey = key('Messages', `Karpenter interruption queue and platform secrets (${clusterName})`);

    if (props.vpc) {
      this.vpc = props.vpc;
      tagForDiscovery(props.vpc, clusterName);
    } else {
      const net = props.network ?? {};
      this.network = new EksVpc(this, 'Network', {
        clusterName,
        cidr: net.cidr ?? DEFAULT_CIDR,
        availabilityZones: net.availabilityZones ?? stack.availabilityZones.slice(0, 3),
        privateSubnetMask: net.privateSubnetMask,
        publicSubnetMask: net.publicSubnetMask,
        natGateways: net.natGateways,
        interfaceEndpoints: net.interfaceEndpoints ?? ALL_INTERFACE_ENDPOINTS,
        logKey: this.logsKey,
        logRetention: retention,
        flowLogGroupName: named(NamedResource.LOG_GROUP, 'vpc-flow-logs'),
      });
      this.vpc = this.network.vpc;
      acknowledge(this.network, [
        {
          id: 'CloudFormation-Validate::W3010',
          reason:
            'Availability zones are explicit on purpose: synth is hermetic (no AZ lookups) and subnets must stay in the zones named.',
        },
      ]);
    }
    this.vpcCidr = props.vpc ? props.vpc.vpcCidrBlock : (props.network?.cidr ?? DEFAULT_CIDR);

    const eksCluster = new EksCluster(this, 'Cluster', {
      clusterName,
      vpc: this.vpc,
      kubernetesVersion: v.kubernetes,
      kubectlLayer: new KubectlV34Layer(this, 'KubectlLayer'),
      secretsKey: this.secretsKey,
      publicEndpointCidrs: props.publicEndpointCidrs,
      systemNodes: props.systemNodes,
      bottlerocketVersion: v.bottlerocket,
      controlPlaneLogs: { retention, encryptionKey: this.logsKey },
      systemNodeRoleName: role('eks-system-node'),
    });
    this.cluster = eksCluster.cluster;
    // aws-eks-v2's kubectl provider creates its log groups without a key option.
    encryptLogGroups(eksCluster, this.logsKey);
    acknowledge(this.cluster, [
      {
        id: 'CloudFormation-Validate::W9009',
        reason:
          "aws-cdk-lib's eks-v2 Cluster writes EncryptionConfig.Resources ['secrets'], the only value EKS accepts; the deprecation notice is about the property shape, not the behaviour.",
      },
    ]);

    this.addons = new CoreAddons(this, 'Addons', {
      cluster: this.cluster,
      versions: v.addons,
      systemNodeGroup: eksCluster.systemNodeGroup,
      volumeKey: this.volumesKey,
      roleName: names ? (purpose) => names.roleName(purpose) : undefined,
    });
    const coreReady = [
      this.addons.coreDns,
      this.addons.vpcCni,
      this.addons.podIdentityAgent,
      eksCluster.systemNodeGroup,
    ];

    this.karpenter = new Karpenter(this, 'Karpenter', {
      cluster: this.cluster,
      clusterName,
      chart: v.charts.karpenter,
      crdChart: v.charts.karpenterCrd,
      bottlerocketVersion: v.bottlerocket,
      queueKey: this.messagesKey,
      queueName: named(NamedResource.SQS_QUEUE, 'karpenter-interruption'),
      controllerRoleName: role('eks-karpenter-controller'),
      nodeRoleName: role('eks-karpenter-node'),
      dependsOn: coreReady,
    });
    const pools = props.nodePools ?? {};
    addPlatformNodePools(this.karpenter, {
      defaultLimits: pools.defaultLimits ?? { cpu: 1000, memoryGiB: 4000 },
      graviton: extraPool(pools.graviton, true, ['m7g', 'c7g', 'r7g', 'm8g', 'c8g'], 500, 2000),
      gpu: extraPool(pools.gpu, false, ['g6', 'g6e', 'g5'], 200, 1600),
      localNvme: extraPool(pools.localNvme, false, ['i4i', 'i4g', 'm6id', 'r6id'], 200, 1600),
    });

    this.albController = new AlbController(this, 'LoadBalancing', {
      cluster: this.cluster,
      chart: v.charts.awsLoadBalancerController,
      roleName: role('eks-alb-controller'),
      webAclName: named(NamedResource.WAF_WEB_ACL, 'alb'),
      rateLimit: props.wafRateLimit ?? 2000,
      dependsOn: [this.karpenter.chart],
    });

    const zone = props.hostedZone
      ? { name: props.hostedZone.zoneName, id: props.hostedZone.hostedZoneId }
      : undefined;
    this.certManager = new CertManager(this, 'Certificates', {
      cluster: this.cluster,
      chart: v.charts.certManager,
      email: props.letsEncryptEmail,
      hostedZone: zone,
      roleName: role('eks-cert-manager'),
      dependsOn: [this.albController.chart],
    });
    let last: Construct = this.certManager.chart;
    if (props.hostedZone && zone) {
      this.clusterIssuer = CertManager.ISSUER;
      this.publicCertificate = new acm.Certificate(this, 'PublicCertificate', {
        domainName: zone.name,
        subjectAlternativeNames: [`*.${zone.name}`],
        validation: acm.CertificateValidation.fromDns(props.hostedZone),
      });
      this.externalDns = new ExternalDns(this, 'Dns', {
        cluster: this.cluster,
        chart: v.charts.externalDns,
        hostedZone: zone,
        roleName: role('eks-external-dns'),
        dependsOn: [last],
      });
      last = this.externalDns.chart;
    }

    // Always installed: every secret a workload needs (Grafana Cloud, Druid, teams' apps) arrives through it.
    this.externalSecrets = new ExternalSecrets(this, 'ExternalSecrets', {
      cluster: this.cluster,
      chart: v.charts.externalSecrets,
      roleName: role('eks-external-secrets'),
      restrictedNamespaceLabel: TEAM_NAMESPACE_LABEL,
      dependsOn: [last],
    });
    last = this.externalSecrets.chart;

    if (props.grafanaCloud) {
      this.observability = new GrafanaCloudObservability(this, 'Observability', {
        cluster: this.cluster,
        chart: v.charts.k8sMonitoring,
        externalSecrets: this.externalSecrets,
        prometheusUrl: props.grafanaCloud.prometheusUrl,
        lokiUrl: props.grafanaCloud.lokiUrl,
        secretName: named(NamedResource.SECRET, 'grafana-cloud'),
        secretKey: this.messagesKey,
        region: stack.region,
        dependsOn: [last],
      });
      last = this.observability.monitoring;
    }
    this.platformReady = last;

    const quota = props.teamQuota ?? {};
    this.teams = new TeamNamespaces(this, 'Teams', {
      cluster: this.cluster,
      teams: (props.teams ?? []).map((t) => teamAccess(this, t)),
      quota: { cpu: quota.cpu ?? '20', memory: quota.memory ?? '64Gi', pods: quota.pods ?? 200 },
      vpcCidr: this.vpcCidr,
      dependsOn: coreReady,
    });
  }

  /** Role of Karpenter-launched nodes. */
  get karpenterNodeRoleName(): string {
    return this.karpenter.nodeRole.roleName;
  }

  /** Role of the External Secrets controller. */
  get externalSecretsRole(): iam.IRole {
    return this.externalSecrets.role;
  }

  /**
   * An IAM role for a workload's service account through EKS Pod Identity (no OIDC trust). The
   * service account may be created later (Helm chart or manifest) with the same namespace and name.
   */
  addPodIdentity(scope: Construct, id: string, options: WorkloadPodIdentityOptions): PodIdentityRole {
    return new PodIdentityRole(scope, id, { ...options, clusterName: this.cluster.clusterName });
  }

  /** Adds a Karpenter NodePool (e.g. dedicated Druid historicals); see `NodePoolOptions`. */
  addNodePool(id: string, options: NodePoolOptions): eks.KubernetesManifest {
    return this.karpenter.addNodePool(id, options);
  }
}

function extraPool(
  pool: EksExtraNodePool | undefined,
  enabled: boolean,
  instanceFamilies: string[],
  cpu: number,
  memoryGiB: number,
): ExtraPoolSettings {
  return {
    enabled: pool?.enabled ?? enabled,
    instanceFamilies: pool?.instanceFamilies ?? instanceFamilies,
    limits: pool?.limits ?? { cpu, memoryGiB },
  };
}

function teamAccess(scope: Construct, t: EksTeam): TeamAccess {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(t.name) || t.name.startsWith('kube-')) {
    throw new Error(
      `${scope.node.path}: team "${t.name}" cannot be a namespace (a DNS label not starting with kube-)`,
    );
  }
  const roles: TeamRoleAccess[] = [];
  if (t.adminRole) roles.push({ level: 'admin', roleArn: t.adminRole.roleArn });
  if (t.developerRole) roles.push({ level: 'developer', roleArn: t.developerRole.roleArn });
  if (t.readOnlyRole) roles.push({ level: 'read-only', roleArn: t.readOnlyRole.roleArn });
  return { team: t.name, roles, clusterAdmin: t.clusterAdmin };
}

/** Tags a VPC defined in this app for the load balancer controller and Karpenter to find its subnets. */
function tagForDiscovery(vpc: ec2.IVpc, clusterName: string): void {
  for (const subnet of vpc.publicSubnets) Tags.of(subnet).add('kubernetes.io/role/elb', '1');
  for (const subnet of vpc.privateSubnets) {
    Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
    Tags.of(subnet).add('karpenter.sh/discovery', clusterName);
  }
}
