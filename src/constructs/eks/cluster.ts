import { type CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  acknowledge,
  acknowledgeIamWildcards,
  acknowledgeManagedPolicies,
} from '../../checks/acknowledgements';

/** Every control-plane log type EKS offers. */
export const ALL_CONTROL_PLANE_LOGS: readonly eks.ClusterLoggingTypes[] = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

/**
 * The public SSM parameter holding the AMI release (`image_version`, e.g. `1.53.0-<build>`) of a Bottlerocket
 * release for a Kubernetes minor and architecture: what a managed node group's `releaseVersion` takes. It is
 * the sibling of the `image_id` parameter Karpenter resolves its `bottlerocket@<version>` alias through.
 */
export function bottlerocketImageVersionParameter(
  kubernetesVersion: string,
  arch: 'arm64' | 'x86_64',
  bottlerocketVersion: string,
): string {
  return `/aws/service/bottlerocket/aws-k8s-${kubernetesVersion}/${arch}/${bottlerocketVersion.replace(/^v/, '')}/image_version`;
}

export interface SystemNodeGroupOptions {
  /** Instance types; all must be one architecture. @default ['m7g.large'] (Graviton) */
  readonly instanceTypes?: readonly string[];
  /** @default 2 */
  readonly minSize?: number;
  /** @default 4 */
  readonly maxSize?: number;
}

export interface EksClusterProps {
  /** Physical cluster name (from the naming module). */
  readonly clusterName: string;
  readonly vpc: ec2.IVpc;
  /** Kubernetes minor version, e.g. `1.34`. */
  readonly kubernetesVersion: string;
  /** kubectl/helm layer whose major matches `kubernetesVersion`. */
  readonly kubectlLayer: lambda.ILayerVersion;
  /** Customer-managed key for envelope encryption of Kubernetes secrets. */
  readonly secretsKey: kms.IKey;
  /**
   * CIDRs that may reach the public API endpoint. Empty means the endpoint is private only.
   * @default [] (private endpoint)
   */
  readonly publicEndpointCidrs?: readonly string[];
  /** The Bottlerocket managed node group for system add-ons. @default see `SystemNodeGroupOptions` */
  readonly systemNodes?: SystemNodeGroupOptions;
  /**
   * Retention and key of the control-plane log group. EKS writes to `/aws/eks/<cluster>/cluster` and, if
   * that group does not exist, creates it with no retention and no key; so the cluster is created after it.
   */
  readonly controlPlaneLogs: { readonly retention: logs.RetentionDays; readonly encryptionKey: kms.IKey };
  /**
   * Bottlerocket release of the system node group (e.g. `v1.53.0`, the release Karpenter's node classes
   * pin). Without it the node group takes the newest AMI release when it is created and keeps it.
   */
  readonly bottlerocketVersion: string;
  /**
   * Physical name of the system node role (from the naming module).
   * @default generated
   */
  readonly systemNodeRoleName?: string;
}

/**
 * An EKS cluster that is private by default: API-only authentication (access entries, no aws-auth
 * ConfigMap, no implicit creator admin), secrets envelope-encrypted with a customer key, every
 * control-plane log type on, nodes and control-plane ENIs in private subnets, the kubectl handler inside
 * the VPC, and a small Bottlerocket managed node group (IMDSv2 only, encrypted volumes) tainted for
 * system add-ons. The default networking add-ons are not self-managed: the stack installs pinned EKS
 * add-ons instead.
 */
export class EksCluster extends Construct {
  readonly cluster: eks.Cluster;
  /** `/aws/eks/<cluster>/cluster`, where EKS writes the control-plane logs. */
  readonly controlPlaneLogGroup: logs.LogGroup;
  readonly systemNodeGroup: eks.Nodegroup;
  readonly systemNodeRole: iam.Role;
  /** Label selecting the system node group, for add-ons that must run there. */
  static readonly SYSTEM_NODE_LABEL = { 'fastish.io/node-group': 'system' } as const;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    const publicCidrs = [...(props.publicEndpointCidrs ?? [])];
    const endpointAccess =
      publicCidrs.length > 0
        ? eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...publicCidrs)
        : eks.EndpointAccess.PRIVATE;

    this.controlPlaneLogGroup = new logs.LogGroup(this, 'ControlPlaneLogs', {
      logGroupName: `/aws/eks/${props.clusterName}/cluster`,
      retention: props.controlPlaneLogs.retention,
      encryptionKey: props.controlPlaneLogs.encryptionKey,
      // Kept with the (retained) cluster: audit logs outlive the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: props.clusterName,
      version: eks.KubernetesVersion.of(props.kubernetesVersion),
      vpc: props.vpc,
      vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
      endpointAccess,
      secretsEncryptionKey: props.secretsKey,
      clusterLogging: [...ALL_CONTROL_PLANE_LOGS],
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
      bootstrapClusterCreatorAdminPermissions: false,
      bootstrapSelfManagedAddons: false,
      outputConfigCommand: false,
      kubectlProviderOptions: { kubectlLayer: props.kubectlLayer },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeManagedPolicies(
      this.cluster,
      ['AmazonEKSClusterPolicy'],
      'The EKS service role needs exactly the AWS-maintained AmazonEKSClusterPolicy; EKS documents no narrower policy.',
    );
    // Only the cluster resource waits for the log group (not the kubectl provider or node groups).
    (this.cluster.node.defaultChild as CfnResource).addResourceDependency(
      this.controlPlaneLogGroup.node.defaultChild as CfnResource,
      'EKS creates the log group itself, without retention or key, if it does not exist yet',
    );

    if (!/^v?\d+\.\d+\.\d+$/.test(props.bottlerocketVersion)) {
      throw new Error(
        `${this.node.path}: bottlerocketVersion must be a Bottlerocket release like v1.53.0, got "${props.bottlerocketVersion}"`,
      );
    }
    const sys = props.systemNodes ?? {};
    const instanceTypes = (sys.instanceTypes ?? ['m7g.large']).map((t) => new ec2.InstanceType(t));
    const arm = instanceTypes.every((t) => t.architecture === ec2.InstanceArchitecture.ARM_64);
    if (!arm && instanceTypes.some((t) => t.architecture === ec2.InstanceArchitecture.ARM_64)) {
      throw new Error(`${this.node.path}: system node instance types mix arm64 and x86_64`);
    }

    this.systemNodeRole = new iam.Role(this, 'SystemNodeRole', {
      roleName: props.systemNodeRoleName,
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `System nodes of ${props.clusterName}`,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodePolicy'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
      ],
    });
    acknowledgeManagedPolicies(
      this.systemNodeRole,
      ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'],
      'Node roles need the AWS-maintained worker-node and ECR pull-only policies to join the cluster and pull images; the VPC CNI gets its permissions through Pod Identity instead of the node role.',
    );

    const launchTemplate = new ec2.LaunchTemplate(this, 'SystemNodeLaunchTemplate', {
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(4, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
        {
          deviceName: '/dev/xvdb',
          volume: ec2.BlockDeviceVolume.ebs(50, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
      ],
    });

    this.systemNodeGroup = this.cluster.addNodegroupCapacity('System', {
      amiType: arm ? eks.NodegroupAmiType.BOTTLEROCKET_ARM_64 : eks.NodegroupAmiType.BOTTLEROCKET_X86_64,
      instanceTypes,
      // The release's AMI version, resolved by CloudFormation from the public parameter at deploy time
      // (synth stays offline): the same Bottlerocket release as Karpenter's nodes, bumped in one place.
      releaseVersion: `{{resolve:ssm:${bottlerocketImageVersionParameter(
        props.kubernetesVersion,
        arm ? 'arm64' : 'x86_64',
        props.bottlerocketVersion,
      )}}}`,
      minSize: sys.minSize ?? 2,
      desiredSize: sys.minSize ?? 2,
      maxSize: sys.maxSize ?? 4,
      nodeRole: this.systemNodeRole,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      labels: { ...EksCluster.SYSTEM_NODE_LABEL },
      taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: eks.TaintEffect.NO_SCHEDULE }],
      launchTemplateSpec: {
        id: launchTemplate.launchTemplateId ?? '',
        version: launchTemplate.latestVersionNumber,
      },
      enableNodeAutoRepair: true,
      maxUnavailable: 1,
    });

    this.acknowledgeKubectlHandler();
  }

  /** The kubectl provider is CDK's own custom-resource machinery: acknowledge its findings specifically. */
  private acknowledgeKubectlHandler(): void {
    const provider = this.cluster.node.tryFindChild('KubectlProvider');
    if (!provider) return;
    acknowledgeManagedPolicies(
      provider,
      [
        'service-role/AWSLambdaBasicExecutionRole',
        'service-role/AWSLambdaVPCAccessExecutionRole',
        'AmazonEC2ContainerRegistryReadOnly',
      ],
      'CDK kubectl handler (aws-eks-v2 KubectlProvider): the Lambda runs in the private subnets to reach the private API endpoint (VPC access policy), writes its logs (basic execution) and pulls Helm charts from ECR OCI registries (ECR read).',
    );
    const handler = provider.node.findChild('Handler') as lambda.Function;
    const handlerLogicalId = Stack.of(this).getLogicalId(handler.node.defaultChild as CfnResource);
    acknowledge(provider, [
      {
        id: `AwsSolutions-IAM4[Policy::${JSON.stringify(
          Stack.of(this).resolve(
            (provider.node.findChild('ConditionalPolicyArn') as iam.IManagedPolicy).managedPolicyArn,
          ),
        )}]`,
        reason:
          'CDK kubectl handler: in the aws partition it may pull Helm charts from ECR Public (AWS-maintained read-only policy); CDK adds it only where ECR Public exists.',
      },
    ]);
    acknowledgeIamWildcards(
      provider,
      { resources: [`<${handlerLogicalId}.Arn>:*`] },
      'CDK custom-resource provider framework: the onEvent function may invoke every version of the kubectl handler function it fronts (qualified ARN).',
    );
    acknowledge(provider, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'CDK kubectl handler and provider-framework functions: runtimes are chosen by aws-cdk-lib (Python for kubectl/helm, Node.js for the framework) and upgrade with it.',
      },
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'CDK custom-resource handlers are invoked synchronously by CloudFormation through the provider framework; failures are reported to CloudFormation, a DLQ would never receive events.',
      },
      {
        id: 'Serverless-LambdaTracing',
        reason:
          'CDK custom-resource handlers run only during deployments; their logs in CloudWatch are the diagnostic record, X-Ray tracing adds nothing actionable.',
      },
      {
        id: 'Serverless-LambdaDefaultMemorySize',
        reason:
          'Memory of the CDK provider-framework function is set by aws-cdk-lib and sized for its tiny workload.',
      },
      {
        id: 'Serverless-LambdaLatestVersion',
        reason: 'Runtime of CDK custom-resource handlers is pinned by aws-cdk-lib and upgrades with it.',
      },
      {
        id: 'Serverless-LambdaAsyncFailureDestination',
        reason:
          'CDK custom-resource handlers report failures to CloudFormation, which rolls the deployment back; there is no asynchronous event to route.',
      },
    ]);
  }
}
