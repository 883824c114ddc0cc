import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as eksL1 from 'aws-cdk-lib/aws-eks';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  acknowledge,
  acknowledgeIamWildcards,
  acknowledgeManagedPolicies,
} from '../../checks/acknowledgements';
import type { ChartVersion } from '../../versions';
import { HELM_TIMEOUT, type KarpenterValues } from './helm-values';
import { karpenterControllerStatements } from './karpenter-policy';
import { type IEC2NodeClass, type INodePool, type K8sObject, karpenterObject } from './manifests';
import { PodIdentityRole } from './pod-identity';

export interface KarpenterProps {
  readonly cluster: eks.Cluster;
  /**
   * The cluster's physical name as a plain string: IAM condition keys embed it
   * (`aws:ResourceTag/kubernetes.io/cluster/<name>`) and keys cannot be tokens.
   */
  readonly clusterName: string;
  readonly chart: ChartVersion;
  /**
   * The karpenter-crd chart at the same version as `chart`: it owns the CRDs, so every upgrade updates them
   * (Helm installs a chart's `crds/` directory on the first install only and never upgrades it).
   */
  readonly crdChart: ChartVersion;
  /** Pinned Bottlerocket release for `amiSelectorTerms` (e.g. `v1.53.0`; never `latest`). */
  readonly bottlerocketVersion: string;
  /** Key encrypting the interruption queue. */
  readonly queueKey: kms.IKey;
  /** @default a CloudFormation-generated name */
  readonly queueName?: string;
  /** @default a CloudFormation-generated name */
  readonly controllerRoleName?: string;
  /** @default a CloudFormation-generated name */
  readonly nodeRoleName?: string;
  /** Everything Karpenter-managed nodes must have installed before Karpenter starts (CNI, agent, ...). */
  readonly dependsOn?: readonly Construct[];
}

/** A pool Karpenter may launch nodes for. */
export interface NodePoolOptions {
  /** NodePool name (a DNS label). */
  readonly name: string;
  /** EC2NodeClass the pool launches with. @default 'default' */
  readonly nodeClass?: string;
  /** Node selector requirements (`karpenter.sh/capacity-type`, `kubernetes.io/arch`, instance families, ...). */
  readonly requirements: INodePool['spec']['template']['spec']['requirements'];
  /** Labels on the nodes. @default none */
  readonly labels?: Record<string, string>;
  /** Taints on the nodes (workloads must tolerate them). @default none */
  readonly taints?: NonNullable<INodePool['spec']['template']['spec']['taints']>;
  /** Total resources the pool may provision. */
  readonly limits: { readonly cpu: number; readonly memoryGiB: number };
  /** Higher weight pools are preferred. @default none */
  readonly weight?: number;
  /** Consolidation policy. @default 'WhenEmptyOrUnderutilized' */
  readonly consolidationPolicy?: 'WhenEmpty' | 'WhenEmptyOrUnderutilized';
  /** Node lifetime before replacement. @default '720h' */
  readonly expireAfter?: string;
}

/** Options of an extra EC2NodeClass. */
export interface NodeClassOptions {
  readonly name: string;
  /** Size of the Bottlerocket data volume (/dev/xvdb), GiB. @default 80 */
  readonly dataVolumeGiB?: number;
  /** Assemble local NVMe instance stores as RAID0 for ephemeral storage. @default false */
  readonly localNvmeRaid0?: boolean;
}

/**
 * Karpenter v1: a Pod Identity-bound controller role scoped by cluster tags (the upstream CloudFormation
 * policy, region- and cluster-scoped), a node role registered through an EC2_LINUX access entry, an
 * encrypted interruption queue fed by four EventBridge rules, the pinned Helm chart on the system
 * nodes, and a `default` EC2NodeClass (Bottlerocket at a pinned release, IMDSv2 only, encrypted gp3
 * volumes). NodePools are added with `addNodePool`, each validated against the Karpenter v1 schema in
 * the tests.
 */
export class Karpenter extends Construct {
  readonly chart: eks.HelmChart;
  /** The release owning NodePool, NodeClaim, EC2NodeClass and NodeOverlay CRDs. */
  readonly crds: eks.HelmChart;
  readonly nodeRole: iam.Role;
  readonly controller: PodIdentityRole;
  readonly queue: sqs.Queue;
  readonly namespace = 'kube-system';
  private readonly cluster: eks.Cluster;
  private readonly bottlerocketVersion: string;
  private readonly nodeClassManifests = new Map<string, eks.KubernetesManifest>();
  /** Every NodePool/EC2NodeClass object, by name (for tests and docs). */
  readonly objects: K8sObject[] = [];

  constructor(scope: Construct, id: string, props: KarpenterProps) {
    super(scope, id);
    if (!/^v\d+\.\d+\.\d+$/.test(props.bottlerocketVersion)) {
      throw new Error(
        `${this.node.path}: bottlerocketVersion must be a pinned release like v1.53.0, got "${props.bottlerocketVersion}"`,
      );
    }
    if (props.crdChart.version !== props.chart.version) {
      throw new Error(
        `${this.node.path}: karpenter-crd ${props.crdChart.version} must match karpenter ${props.chart.version} (CRDs are coupled to the controller release)`,
      );
    }
    this.cluster = props.cluster;
    this.bottlerocketVersion = props.bottlerocketVersion;
    const clusterName = props.cluster.clusterName;

    this.queue = new sqs.Queue(this, 'InterruptionQueue', {
      queueName: props.queueName,
      retentionPeriod: Duration.minutes(5),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.queueKey,
      enforceSSL: true,
    });
    acknowledge(this.queue, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'Karpenter interruption queue: messages are time-critical EC2/Health notices that expire with the 5-minute retention Karpenter expects; a dead-letter queue would only hold stale notices nobody acts on.',
      },
      {
        id: 'FST-DATA1',
        reason:
          'Karpenter interruption queue: it holds only EC2 interruption notices for 5 minutes; retaining it after the cluster is deleted would keep an orphan queue with nothing of value.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'Karpenter interruption queue: Karpenter deletes every notice it handles; a redrive target would collect only expired interruption notices that no process could act on.',
      },
    ]);
    props.queueKey.grant(
      new iam.ServicePrincipal('events.amazonaws.com'),
      'kms:GenerateDataKey',
      'kms:Decrypt',
    );
    const rules: Record<string, events.EventPattern> = {
      ScheduledChange: { source: ['aws.health'], detailType: ['AWS Health Event'] },
      SpotInterruption: { source: ['aws.ec2'], detailType: ['EC2 Spot Instance Interruption Warning'] },
      Rebalance: { source: ['aws.ec2'], detailType: ['EC2 Instance Rebalance Recommendation'] },
      InstanceStateChange: { source: ['aws.ec2'], detailType: ['EC2 Instance State-change Notification'] },
    };
    for (const [name, eventPattern] of Object.entries(rules)) {
      const rule = new events.Rule(this, `${name}Rule`, {
        eventPattern,
        targets: [new targets.SqsQueue(this.queue)],
      });
      acknowledge(rule, [
        {
          id: 'Serverless-EventBusDLQ',
          reason:
            'Interruption notices are only useful within minutes; EventBridge retries delivery to the encrypted queue for 24 hours, and a DLQ of stale notices has no consumer.',
        },
      ]);
    }

    this.nodeRole = new iam.Role(this, 'NodeRole', {
      roleName: props.nodeRoleName,
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Nodes launched by Karpenter in ${clusterName}`,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodePolicy'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
      ],
    });
    acknowledgeManagedPolicies(
      this.nodeRole,
      ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonSSMManagedInstanceCore'],
      'Karpenter node role: the AWS-maintained worker-node and ECR pull-only policies let nodes join and pull images; SSM core lets Bottlerocket control containers be reached through Session Manager instead of SSH.',
    );
    const nodeAccess = new eksL1.CfnAccessEntry(this, 'NodeAccessEntry', {
      clusterName,
      principalArn: this.nodeRole.roleArn,
      type: 'EC2_LINUX',
    });

    const statements = karpenterControllerStatements({
      clusterName,
      clusterNameLiteral: props.clusterName,
      clusterArn: props.cluster.clusterArn,
      nodeRoleArn: this.nodeRole.roleArn,
      queueArn: this.queue.queueArn,
    });
    this.controller = new PodIdentityRole(this, 'Controller', {
      clusterName,
      namespace: this.namespace,
      serviceAccount: 'karpenter',
      roleName: props.controllerRoleName,
      description: `Karpenter controller of ${clusterName} (Pod Identity)`,
      statements,
    });
    props.queueKey.grantDecrypt(this.controller.role);
    acknowledgeIamWildcards(
      this.controller,
      {
        resources: [
          '*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>::image/*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>::snapshot/*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>:*:security-group/*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>:*:subnet/*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>:*:capacity-reservation/*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>:*:launch-template/*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>:*:fleet/*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>:*:instance/*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>:*:volume/*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>:*:network-interface/*',
          'arn:<AWS::Partition>:ec2:<AWS::Region>:*:spot-instances-request/*',
          'arn:<AWS::Partition>:iam::<AWS::AccountId>:instance-profile/*',
          'arn:<AWS::Partition>:ssm:<AWS::Region>::parameter/aws/service/*',
        ],
      },
      "Karpenter v1 controller policy as published upstream: EC2 resources it launches have no ARN before they exist, so writes are scoped by the cluster's ownership/request tags and region; reads are region-scoped Describe calls, the public AWS SSM parameters and the Price List API, which have no resource ARNs.",
    );

    const values: KarpenterValues = {
      settings: {
        clusterName,
        clusterEndpoint: props.cluster.clusterEndpoint,
        interruptionQueue: this.queue.queueName,
      },
      serviceAccount: { create: true, name: 'karpenter' },
      replicas: 2,
      dnsPolicy: 'Default',
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      controller: {
        // Without a region the controller panics at startup: Pod Identity sets none, and the SDK's IMDS
        // fallback cannot reach the node through its hop limit of 1.
        env: [{ name: 'AWS_REGION', value: Aws.REGION }],
        resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } },
      },
      podDisruptionBudget: { name: 'karpenter', maxUnavailable: 1 },
    };
    this.crds = props.cluster.addHelmChart('KarpenterCrds', {
      chart: props.crdChart.chart,
      repository: props.crdChart.repository,
      version: props.crdChart.version,
      release: 'karpenter-crd',
      namespace: this.namespace,
      createNamespace: false,
      atomic: true,
      timeout: HELM_TIMEOUT.atomic,
      // Uninstalling the release deletes the CRDs and with them every NodePool and NodeClaim: Karpenter
      // would terminate all its nodes. Removing Karpenter is a deliberate, manual step.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const dep of props.dependsOn ?? []) this.crds.node.addDependency(dep);
    this.chart = props.cluster.addHelmChart('Karpenter', {
      chart: props.chart.chart,
      repository: props.chart.repository,
      version: props.chart.version,
      release: 'karpenter',
      namespace: this.namespace,
      createNamespace: false,
      values: { ...values },
      // The CRDs belong to the karpenter-crd release.
      skipCrds: true,
      wait: true,
      atomic: true,
      timeout: HELM_TIMEOUT.atomic,
    });
    this.chart.node.addDependency(this.crds, this.controller.association, nodeAccess);
    for (const dep of props.dependsOn ?? []) this.chart.node.addDependency(dep);

    this.addNodeClass({ name: 'default' });
  }

  /** Adds an EC2NodeClass (Bottlerocket at the pinned release) and returns its manifest. */
  addNodeClass(options: NodeClassOptions): eks.KubernetesManifest {
    const nodeClass = bottlerocketNodeClass({
      name: options.name,
      nodeRoleName: this.nodeRole.roleName,
      clusterName: this.cluster.clusterName,
      bottlerocketVersion: this.bottlerocketVersion,
      dataVolumeGiB: options.dataVolumeGiB ?? 80,
      localNvmeRaid0: options.localNvmeRaid0,
    });
    const obj = karpenterObject(nodeClass);
    this.objects.push(obj);
    const manifest = this.cluster.addManifest(`NodeClass-${options.name}`, obj);
    manifest.node.addDependency(this.chart);
    this.nodeClassManifests.set(options.name, manifest);
    return manifest;
  }

  /** Adds a NodePool (validated against the Karpenter v1 schema in the tests) and returns its manifest. */
  addNodePool(id: string, options: NodePoolOptions): eks.KubernetesManifest {
    const nodeClass = options.nodeClass ?? 'default';
    const classManifest = this.nodeClassManifests.get(nodeClass);
    if (!classManifest)
      throw new Error(`${this.node.path}: NodePool ${options.name} uses unknown EC2NodeClass ${nodeClass}`);
    const pool: INodePool = {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: options.name, labels: { 'app.kubernetes.io/managed-by': 'fastish' } },
      spec: {
        ...(options.weight !== undefined ? { weight: options.weight } : {}),
        template: {
          metadata: { labels: { 'fastish.io/node-pool': options.name, ...options.labels } },
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClass },
            requirements: options.requirements,
            ...(options.taints ? { taints: options.taints } : {}),
            expireAfter: options.expireAfter ?? '720h',
          },
        },
        disruption: {
          consolidationPolicy: options.consolidationPolicy ?? 'WhenEmptyOrUnderutilized',
          consolidateAfter: '1m',
          budgets: [{ nodes: '10%' }],
        },
        limits: { cpu: String(options.limits.cpu), memory: `${options.limits.memoryGiB}Gi` },
      },
    };
    const obj = karpenterObject(pool);
    this.objects.push(obj);
    const manifest = this.cluster.addManifest(`NodePool-${id}`, obj);
    manifest.node.addDependency(classManifest);
    return manifest;
  }
}

export interface BottlerocketNodeClassOptions {
  readonly name: string;
  readonly nodeRoleName: string;
  readonly clusterName: string;
  /** Bottlerocket release pinned in `amiSelectorTerms` (`bottlerocket@<version>`). */
  readonly bottlerocketVersion: string;
  /** Size of the data volume (images, ephemeral storage). */
  readonly dataVolumeGiB: number;
  /** Stripe the instance-store NVMe disks into one RAID0 for ephemeral storage. @default false */
  readonly localNvmeRaid0?: boolean;
}

/**
 * The one EC2NodeClass shape Fastish uses: Bottlerocket at a pinned release, discovery by tags, IMDSv2
 * only with hop limit 1 (pods cannot reach node credentials), encrypted gp3 root and data volumes.
 */
export function bottlerocketNodeClass(options: BottlerocketNodeClassOptions): IEC2NodeClass {
  return {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: options.name, labels: { 'app.kubernetes.io/managed-by': 'fastish' } },
    spec: {
      role: options.nodeRoleName,
      amiSelectorTerms: [{ alias: `bottlerocket@${options.bottlerocketVersion}` }],
      subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': options.clusterName } }],
      securityGroupSelectorTerms: [{ tags: { 'aws:eks:cluster-name': options.clusterName } }],
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpProtocolIPv6: 'disabled',
        httpPutResponseHopLimit: 1,
        httpTokens: 'required',
      },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: { volumeSize: '4Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
        },
        {
          deviceName: '/dev/xvdb',
          ebs: {
            volumeSize: `${options.dataVolumeGiB}Gi`,
            volumeType: 'gp3',
            encrypted: true,
            deleteOnTermination: true,
          },
        },
      ],
      ...(options.localNvmeRaid0 ? { instanceStorePolicy: 'RAID0' as const } : {}),
      tags: { 'karpenter.sh/discovery': options.clusterName },
    },
  };
}
