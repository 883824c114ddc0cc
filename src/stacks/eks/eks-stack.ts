import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import { Fn } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';
import type { TeamRole } from '../../config';
import { RESERVED_NAMESPACES } from '../../config/rules/eks';
import { AlbController } from '../../constructs/eks/addons/alb-controller';
import { CertManager } from '../../constructs/eks/addons/cert-manager';
import { CoreAddons } from '../../constructs/eks/addons/core-addons';
import { ExternalDns } from '../../constructs/eks/addons/external-dns';
import { ExternalSecrets } from '../../constructs/eks/addons/external-secrets';
import { EksCluster } from '../../constructs/eks/cluster';
import { Karpenter, type NodePoolOptions } from '../../constructs/eks/karpenter';
import { addPlatformNodePools } from '../../constructs/eks/nodepools';
import { GrafanaCloudObservability } from '../../constructs/eks/observability';
import { PodIdentityRole, type PodIdentityRoleProps } from '../../constructs/eks/pod-identity';
import { TEAM_NAMESPACE_LABEL, TeamNamespaces } from '../../constructs/eks/teams';
import { EksVpc } from '../../constructs/eks/vpc';
import { encryptLogGroups } from '../../constructs/encrypt-log-groups';
import { EncryptionKey } from '../../constructs/encryption-key';
import { PublishedValue } from '../../constructs/published-value';
import { VERSIONS } from '../../versions';
import { EnvironmentStack, type EnvironmentStackProps } from '../environment-stack';

export type EksStackProps = Omit<EnvironmentStackProps, 'architecture'>;

/** What a workload stack (e.g. Druid) passes to `EksStack.addPodIdentity`. */
export type WorkloadPodIdentityOptions = Omit<PodIdentityRoleProps, 'clusterName'>;

/**
 * The production EKS platform (`eks` architecture): VPC, private cluster with access entries, pinned
 * EKS add-ons, Karpenter, load balancing with WAF, certificates, DNS, Grafana Cloud observability and
 * team namespaces. Install order is explicit: networking add-ons → system nodes → CoreDNS/EBS CSI/
 * metrics-server → Karpenter → load balancer controller → cert-manager → external-dns → observability.
 *
 * For workload stacks: `cluster`, `vpc`, `karpenter.addNodePool(...)`, `addPodIdentity(...)`,
 * `defaultStorageClass`, `internalIngressClass` / `publicIngressClass`, `clusterIssuer`.
 */
export class EksStack extends EnvironmentStack {
  readonly cluster: eks.Cluster;
  readonly vpc: ec2.Vpc;
  readonly karpenter: Karpenter;
  readonly addons: CoreAddons;
  readonly albController: AlbController;
  readonly certManager: CertManager;
  readonly externalDns?: ExternalDns;
  /** External Secrets operator; grant it read on a secret to sync that secret into the cluster. */
  readonly externalSecrets: ExternalSecrets;
  readonly observability?: GrafanaCloudObservability;
  readonly teams: TeamNamespaces;
  /** Default StorageClass (gp3, KMS-encrypted). */
  readonly defaultStorageClass = CoreAddons.DEFAULT_STORAGE_CLASS;
  /** IngressClass of internal ALBs (cluster default). */
  readonly internalIngressClass = AlbController.INTERNAL_CLASS;
  /** IngressClass of internet-facing ALBs (WAF attached). */
  readonly publicIngressClass = AlbController.PUBLIC_CLASS;
  /** cert-manager ClusterIssuer for Let's Encrypt certificates (DNS-01); only with a hosted zone. */
  readonly clusterIssuer?: string;
  /**
   * ACM certificate for `<hostedZone>` and `*.<hostedZone>` (DNS-validated in the zone): ALB listeners serve
   * ACM certificates only, and the load balancer controller finds it by the Ingress host names.
   */
  readonly publicCertificate?: acm.Certificate;
  /** Last platform component installed; workload manifests and charts should depend on it. */
  readonly platformReady: Construct;

  constructor(scope: Construct, id: string, props: EksStackProps) {
    const env = props.environment;
    const settings = env.settings.eks;
    super(scope, id, { ...props, architecture: 'eks', team: props.team ?? settings.team });
    const n = env.naming;
    const v = VERSIONS.eks;
    const clusterName = n.name('eksCluster', 'eks');
    const retention = env.settings.logRetentionDays as logs.RetentionDays;

    if (settings.hostedZone && !settings.hostedZoneId) {
      throw new Error(
        `environments.${env.name}: eks.hostedZone "${settings.hostedZone}" needs eks.hostedZoneId (synth does no lookups)`,
      );
    }
    for (const team of props.platform.teams) {
      if (RESERVED_NAMESPACES.includes(team.name) || team.name.startsWith('kube-')) {
        throw new Error(`team "${team.name}" cannot be an EKS namespace: the name is reserved`);
      }
    }

    const key = (purpose: string, description: string) =>
      new EncryptionKey(this, `${purpose}Key`, {
        alias: n.kmsAlias(`eks-${purpose.toLowerCase()}`),
        description,
      }).key;
    const secretsKey = key('Secrets', `EKS secrets envelope encryption (${clusterName})`);
    const logsKey = key('Logs', `EKS VPC flow logs and control-plane logs (${clusterName})`);
    logsKey.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${env.region}.amazonaws.com`));
    const volumesKey = key('Volumes', `EBS volumes of the default StorageClass (${clusterName})`);
    const messagesKey = key('Messages', `Karpenter interruption queue and platform secrets (${clusterName})`);

    const network = new EksVpc(this, 'Network', {
      clusterName,
      cidr: settings.vpcCidr,
      availabilityZones: env.availabilityZones,
      privateSubnetMask: settings.privateSubnetMask,
      publicSubnetMask: settings.publicSubnetMask,
      natGateways: settings.natGateways,
      interfaceEndpoints: settings.interfaceEndpoints,
      logKey: logsKey,
      logRetention: retention,
      flowLogGroupName: n.logGroupName('eks', 'vpc-flow-logs'),
    });
    this.vpc = network.vpc;
    acknowledge(network, [
      {
        id: 'CloudFormation-Validate::W3010',
        reason:
          'Availability zones come from the environment config on purpose: synth is hermetic (no AZ lookups) and subnets must stay in the zones the config names.',
      },
    ]);

    const eksCluster = new EksCluster(this, 'Cluster', {
      clusterName,
      vpc: this.vpc,
      kubernetesVersion: v.kubernetes,
      kubectlLayer: new KubectlV34Layer(this, 'KubectlLayer'),
      secretsKey,
      publicEndpointCidrs: settings.publicEndpointCidrs,
      systemNodes: settings.systemNodes,
      bottlerocketVersion: v.bottlerocket,
      controlPlaneLogs: { retention, encryptionKey: logsKey },
      systemNodeRoleName: n.roleName('eks-system-node'),
    });
    this.cluster = eksCluster.cluster;
    // aws-eks-v2's kubectl provider creates its log groups without a key option.
    encryptLogGroups(eksCluster, logsKey);
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
      volumeKey: volumesKey,
      roleName: (purpose) => n.roleName(purpose),
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
      queueKey: messagesKey,
      queueName: n.name('sqsQueue', 'eks', 'karpenter-interruption'),
      controllerRoleName: n.roleName('eks-karpenter-controller'),
      nodeRoleName: n.roleName('eks-karpenter-node'),
      dependsOn: coreReady,
    });
    addPlatformNodePools(this.karpenter, {
      defaultLimits: settings.karpenterLimits,
      graviton: settings.nodePools.graviton,
      gpu: settings.nodePools.gpu,
      localNvme: settings.nodePools.localNvme,
    });

    this.albController = new AlbController(this, 'LoadBalancing', {
      cluster: this.cluster,
      chart: v.charts.awsLoadBalancerController,
      roleName: n.roleName('eks-alb-controller'),
      webAclName: n.name('wafWebAcl', 'eks', 'alb'),
      rateLimit: settings.wafRateLimit,
      dependsOn: [this.karpenter.chart],
    });

    const zone =
      settings.hostedZone && settings.hostedZoneId
        ? { name: settings.hostedZone, id: settings.hostedZoneId }
        : undefined;
    this.certManager = new CertManager(this, 'Certificates', {
      cluster: this.cluster,
      chart: v.charts.certManager,
      email: settings.letsEncryptEmail ?? `hostmaster@${props.platform.organization.domain}`,
      hostedZone: zone,
      roleName: n.roleName('eks-cert-manager'),
      dependsOn: [this.albController.chart],
    });
    let last: Construct = this.certManager.chart;
    if (zone) {
      this.clusterIssuer = CertManager.ISSUER;
      this.publicCertificate = new acm.Certificate(this, 'PublicCertificate', {
        domainName: zone.name,
        subjectAlternativeNames: [`*.${zone.name}`],
        validation: acm.CertificateValidation.fromDns(
          route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
            hostedZoneId: zone.id,
            zoneName: zone.name,
          }),
        ),
      });
      this.publish(
        'certificates/public-arn',
        this.publicCertificate.certificateArn,
        `ACM certificate for ${zone.name} and *.${zone.name} (public ALBs discover it by host)`,
      );
    }

    if (zone) {
      this.externalDns = new ExternalDns(this, 'Dns', {
        cluster: this.cluster,
        chart: v.charts.externalDns,
        hostedZone: zone,
        roleName: n.roleName('eks-external-dns'),
        dependsOn: [last],
      });
      last = this.externalDns.chart;
    }

    // Always installed: every secret a workload needs (Grafana Cloud, Druid, teams' apps) arrives through it.
    this.externalSecrets = new ExternalSecrets(this, 'ExternalSecrets', {
      cluster: this.cluster,
      chart: v.charts.externalSecrets,
      roleName: n.roleName('eks-external-secrets'),
      restrictedNamespaceLabel: TEAM_NAMESPACE_LABEL,
      dependsOn: [last],
    });
    last = this.externalSecrets.chart;

    if (settings.grafanaCloud) {
      this.observability = new GrafanaCloudObservability(this, 'Observability', {
        cluster: this.cluster,
        chart: v.charts.k8sMonitoring,
        externalSecrets: this.externalSecrets,
        prometheusUrl: settings.grafanaCloud.prometheusUrl,
        lokiUrl: settings.grafanaCloud.lokiUrl,
        secretName: n.name('secret', 'eks', 'grafana-cloud'),
        secretKey: messagesKey,
        region: env.region,
        dependsOn: [last],
      });
      last = this.observability.monitoring;
      this.publish(
        'observability/grafana-secret-arn',
        this.observability.secret.secretArn,
        'ARN of the Grafana Cloud credentials secret (fill it in after deploy)',
      );
    }
    this.platformReady = last;

    this.teams = new TeamNamespaces(this, 'Teams', {
      cluster: this.cluster,
      teams: props.platform.teams.map((t) => ({
        team: t.name,
        levels: [...new Set(t.contributors.map((c) => c.role))].sort() as TeamRole[],
      })),
      roleName: (team, level) => n.roleName(`team-${team}-${level}`),
      platformTeam: props.platform.organization.platformTeam,
      quota: settings.teamQuota,
      vpcCidr: settings.vpcCidr,
      dependsOn: coreReady,
    });

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
    this.publish('cluster/kubernetes-version', v.kubernetes, 'Kubernetes version');
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
