import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import { Names, Stack, Tags } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
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
import { Karpenter } from './karpenter';
import { NamedResource } from './naming';
import { addPlatformNodePools, type ExtraPoolSettings } from './nodepools';
import { GrafanaCloudObservability } from './observability';
import { isPlatformNamespace, PLATFORM_NAMESPACES } from './platform-namespaces';
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

/**
 * The platform's defaults in one place (internal; the config schema's defaults equal them, and a test
 * keeps it so).
 */
export const EKS_PLATFORM_DEFAULTS = {
  cidr: '10.0.0.0/16',
  privateSubnetMask: 19,
  publicSubnetMask: 22,
  wafRateLimit: 2000,
  systemNodes: { instanceTypes: ['m7g.large'], minSize: 2, maxSize: 4 },
  defaultPoolLimits: { cpu: 1000, memoryGiB: 4000 },
  graviton: {
    enabled: true,
    instanceFamilies: ['m7g', 'c7g', 'r7g', 'm8g', 'c8g'],
    limits: { cpu: 500, memoryGiB: 2000 },
  },
  gpu: { enabled: false, instanceFamilies: ['g6', 'g6e', 'g5'], limits: { cpu: 200, memoryGiB: 1600 } },
  localNvme: {
    enabled: false,
    instanceFamilies: ['i4i', 'i4g', 'm6id', 'r6id'],
    limits: { cpu: 200, memoryGiB: 1600 },
  },
  teamQuota: { cpu: '20', memory: '64Gi', pods: 200 },
} as const;
const D = EKS_PLATFORM_DEFAULTS;

/** The constructs an `EksPlatform` is made of (internal: their shapes are not the library's API). */
export interface EksPlatformParts {
  readonly network?: EksVpc;
  readonly addons: CoreAddons;
  readonly karpenter: Karpenter;
  readonly albController: AlbController;
  readonly certManager: CertManager;
  readonly externalDns?: ExternalDns;
  readonly externalSecrets: ExternalSecrets;
  readonly observability?: GrafanaCloudObservability;
  readonly teams: TeamNamespaces;
}

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
  /** The cluster (private endpoint unless `publicEndpointCidrs`). */
  readonly cluster: eks.ICluster;
  /** The same cluster as its class (`addManifest`, `addHelmChart`, `addNodegroupCapacity`…). */
  readonly eksCluster: eks.Cluster;
  /** Physical cluster name (a plain string). */
  readonly clusterName: string;
  /** The cluster's VPC (yours, or the one the platform created). */
  readonly vpc: ec2.IVpc;
  /** IPv4 CIDR of the VPC (a token for a VPC of yours). */
  readonly vpcCidr: string;
  /** Envelope encryption of Kubernetes secrets. */
  readonly secretsKey: kms.IKey;
  /** Flow logs and control-plane logs. */
  readonly logsKey: kms.IKey;
  /** EBS volumes of the default StorageClass. */
  readonly volumesKey: kms.IKey;
  /** Karpenter's interruption queue and the platform's secrets. */
  readonly messagesKey: kms.IKey;
  /** Role of Karpenter-launched nodes. */
  readonly karpenterNodeRole: iam.IRole;
  /** Queue of the EC2 interruption notices Karpenter acts on. */
  readonly interruptionQueue: sqs.IQueue;
  /** Role of the External Secrets controller; grant it read on a secret to sync that secret in. */
  readonly externalSecretsRole: iam.IRole;
  /** Web ACL of the internet-facing ALBs. */
  readonly webAclArn: string;
  /** Grafana Cloud credentials to fill in after deploy (only with `grafanaCloud`). */
  readonly grafanaCloudSecret?: secretsmanager.ISecret;
  /** Default StorageClass (gp3, KMS-encrypted). */
  readonly defaultStorageClass: string = CoreAddons.DEFAULT_STORAGE_CLASS;
  /** IngressClass of internal ALBs (cluster default). */
  readonly internalIngressClass: string = AlbController.INTERNAL_CLASS;
  /** IngressClass of internet-facing ALBs (WAF attached). */
  readonly publicIngressClass: string = AlbController.PUBLIC_CLASS;
  /** cert-manager ClusterIssuer for Let's Encrypt certificates (DNS-01); only with a hosted zone. */
  readonly clusterIssuer?: string;
  /** ACM certificate for the hosted zone and `*.zone`: public ALBs find it by their Ingress hosts. */
  readonly publicCertificate?: acm.ICertificate;
  /** Last platform component installed; workload manifests and charts should depend on it. */
  readonly platformReady: Construct;
  /** Pinned Bottlerocket release of every node. */
  readonly bottlerocketVersion: string = VERSIONS.eks.bottlerocket;
  /** Kubernetes minor version. */
  readonly kubernetesVersion: string = VERSIONS.eks.kubernetes;
  /**
   * The platform's parts, for Fastish's own stacks and tests.
   * @internal
   */
  readonly _parts: EksPlatformParts;

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

    let network: EksVpc | undefined;
    if (props.vpc) {
      this.vpc = props.vpc;
      tagForDiscovery(props.vpc, clusterName);
    } else {
      const net = props.network ?? {};
      network = new EksVpc(this, 'Network', {
        clusterName,
        cidr: net.cidr ?? D.cidr,
        availabilityZones: net.availabilityZones ?? stack.availabilityZones.slice(0, 3),
        privateSubnetMask: net.privateSubnetMask ?? D.privateSubnetMask,
        publicSubnetMask: net.publicSubnetMask ?? D.publicSubnetMask,
        natGateways: net.natGateways,
        interfaceEndpoints: net.interfaceEndpoints ?? ALL_INTERFACE_ENDPOINTS,
        logKey: this.logsKey,
        logRetention: retention,
        flowLogGroupName: named(NamedResource.LOG_GROUP, 'vpc-flow-logs'),
      });
      this.vpc = network.vpc;
      acknowledge(network, [
        {
          id: 'CloudFormation-Validate::W3010',
          reason:
            'Availability zones are explicit on purpose: synth is hermetic (no AZ lookups) and subnets must stay in the zones named.',
        },
      ]);
    }
    this.vpcCidr = props.vpc ? props.vpc.vpcCidrBlock : (props.network?.cidr ?? D.cidr);

    const eksCluster = new EksCluster(this, 'Cluster', {
      clusterName,
      vpc: this.vpc,
      kubernetesVersion: v.kubernetes,
      kubectlLayer: new KubectlV34Layer(this, 'KubectlLayer'),
      secretsKey: this.secretsKey,
      publicEndpointCidrs: props.publicEndpointCidrs,
      systemNodes: {
        instanceTypes: props.systemNodes?.instanceTypes ?? [...D.systemNodes.instanceTypes],
        minSize: props.systemNodes?.minSize ?? D.systemNodes.minSize,
        maxSize: props.systemNodes?.maxSize ?? D.systemNodes.maxSize,
      },
      bottlerocketVersion: v.bottlerocket,
      controlPlaneLogs: { retention, encryptionKey: this.logsKey },
      systemNodeRoleName: role('eks-system-node'),
    });
    this.eksCluster = eksCluster.cluster;
    this.cluster = eksCluster.cluster;
    // aws-eks-v2's kubectl provider creates its log groups without a key option.
    encryptLogGroups(eksCluster, this.logsKey);
    acknowledge(this.eksCluster, [
      {
        id: 'CloudFormation-Validate::W9009',
        reason:
          "aws-cdk-lib's eks-v2 Cluster writes EncryptionConfig.Resources ['secrets'], the only value EKS accepts; the deprecation notice is about the property shape, not the behaviour.",
      },
    ]);

    const addons = new CoreAddons(this, 'Addons', {
      cluster: this.eksCluster,
      versions: v.addons,
      systemNodeGroup: eksCluster.systemNodeGroup,
      volumeKey: this.volumesKey,
      roleName: names ? (purpose) => names.roleName(purpose) : undefined,
    });
    const coreReady = [addons.coreDns, addons.vpcCni, addons.podIdentityAgent, eksCluster.systemNodeGroup];

    const karpenter = new Karpenter(this, 'Karpenter', {
      cluster: this.eksCluster,
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
    addPlatformNodePools(karpenter, {
      defaultLimits: pools.defaultLimits ?? D.defaultPoolLimits,
      graviton: extraPool(pools.graviton, D.graviton),
      gpu: extraPool(pools.gpu, D.gpu),
      localNvme: extraPool(pools.localNvme, D.localNvme),
    });

    const albController = new AlbController(this, 'LoadBalancing', {
      cluster: this.eksCluster,
      chart: v.charts.awsLoadBalancerController,
      roleName: role('eks-alb-controller'),
      webAclName: named(NamedResource.WAF_WEB_ACL, 'alb'),
      rateLimit: props.wafRateLimit ?? D.wafRateLimit,
      dependsOn: [karpenter.chart],
    });

    const zone = props.hostedZone
      ? { name: props.hostedZone.zoneName, id: props.hostedZone.hostedZoneId }
      : undefined;
    const certManager = new CertManager(this, 'Certificates', {
      cluster: this.eksCluster,
      chart: v.charts.certManager,
      email: props.letsEncryptEmail,
      hostedZone: zone,
      roleName: role('eks-cert-manager'),
      dependsOn: [albController.chart],
    });
    let last: Construct = certManager.chart;
    let externalDns: ExternalDns | undefined;
    if (props.hostedZone && zone) {
      this.clusterIssuer = CertManager.ISSUER;
      this.publicCertificate = new acm.Certificate(this, 'PublicCertificate', {
        domainName: zone.name,
        subjectAlternativeNames: [`*.${zone.name}`],
        validation: acm.CertificateValidation.fromDns(props.hostedZone),
      });
      externalDns = new ExternalDns(this, 'Dns', {
        cluster: this.eksCluster,
        chart: v.charts.externalDns,
        hostedZone: zone,
        roleName: role('eks-external-dns'),
        dependsOn: [last],
      });
      last = externalDns.chart;
    }

    // Always installed: every secret a workload needs (Grafana Cloud, Druid, teams' apps) arrives through it.
    const externalSecrets = new ExternalSecrets(this, 'ExternalSecrets', {
      cluster: this.eksCluster,
      chart: v.charts.externalSecrets,
      roleName: role('eks-external-secrets'),
      restrictedNamespaceLabel: TEAM_NAMESPACE_LABEL,
      dependsOn: [last],
    });
    last = externalSecrets.chart;
    let observability: GrafanaCloudObservability | undefined;

    if (props.grafanaCloud) {
      observability = new GrafanaCloudObservability(this, 'Observability', {
        cluster: this.eksCluster,
        chart: v.charts.k8sMonitoring,
        externalSecrets,
        prometheusUrl: props.grafanaCloud.prometheusUrl,
        lokiUrl: props.grafanaCloud.lokiUrl,
        secretName: named(NamedResource.SECRET, 'grafana-cloud'),
        secretKey: this.messagesKey,
        region: stack.region,
        dependsOn: [last],
      });
      last = observability.monitoring;
    }
    this.platformReady = last;

    const quota = props.teamQuota ?? {};
    const teams = new TeamNamespaces(this, 'Teams', {
      cluster: this.eksCluster,
      teams: (props.teams ?? []).map((t) => teamAccess(this, t)),
      quota: {
        cpu: quota.cpu ?? D.teamQuota.cpu,
        memory: quota.memory ?? D.teamQuota.memory,
        pods: quota.pods ?? D.teamQuota.pods,
      },
      vpcCidr: this.vpcCidr,
      dependsOn: coreReady,
    });

    this.karpenterNodeRole = karpenter.nodeRole;
    this.interruptionQueue = karpenter.queue;
    this.externalSecretsRole = externalSecrets.role;
    this.webAclArn = albController.webAcl.attrArn;
    this.grafanaCloudSecret = observability?.secret;
    this._parts = {
      network,
      addons,
      karpenter,
      albController,
      certManager,
      externalDns,
      externalSecrets,
      observability,
      teams,
    };
  }

  /** Name of the role Karpenter-launched nodes run with. */
  get karpenterNodeRoleName(): string {
    return this.karpenterNodeRole.roleName;
  }

  /**
   * An IAM role for a workload's service account through EKS Pod Identity (no OIDC trust). The
   * service account may be created later (Helm chart or manifest) with the same namespace and name.
   */
  addPodIdentity(scope: Construct, id: string, options: WorkloadPodIdentityOptions): PodIdentityRole {
    return new PodIdentityRole(scope, id, { ...options, clusterName: this.cluster.clusterName });
  }
}

function extraPool(
  pool: EksExtraNodePool | undefined,
  d: { enabled: boolean; instanceFamilies: readonly string[]; limits: { cpu: number; memoryGiB: number } },
): ExtraPoolSettings {
  return {
    enabled: pool?.enabled ?? d.enabled,
    instanceFamilies: pool?.instanceFamilies ?? [...d.instanceFamilies],
    limits: pool?.limits ?? d.limits,
  };
}

function teamAccess(scope: Construct, t: EksTeam): TeamAccess {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(t.name)) {
    throw new Error(`${scope.node.path}: team "${t.name}" is not a namespace name (a lowercase DNS label)`);
  }
  if (isPlatformNamespace(t.name)) {
    throw new Error(
      `${scope.node.path}: team "${t.name}" would take over a platform namespace (${PLATFORM_NAMESPACES.join(', ')}, kube-*)`,
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
