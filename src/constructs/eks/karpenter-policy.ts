import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** What the Karpenter controller policy is scoped to. */
export interface KarpenterPolicyScope {
  /** The cluster name as CloudFormation sees it (may be a token); request tags must equal it. */
  readonly clusterName: string;
  /** The cluster's physical name as a plain string: IAM condition keys embed it and keys cannot be tokens. */
  readonly clusterNameLiteral: string;
  readonly clusterArn: string;
  /** Role of the nodes Karpenter launches (the only role it may pass). */
  readonly nodeRoleArn: string;
  /** Interruption queue the controller reads. */
  readonly queueArn: string;
}

/**
 * The Karpenter v1 controller policy as published upstream (its CloudFormation template): EC2 writes scoped by the
 * cluster's ownership and request tags, instance profiles by region and node class tags, reads region-scoped.
 */
export function karpenterControllerStatements(p: KarpenterPolicyScope): iam.PolicyStatement[] {
  const arn = (service: string, resource: string, account = '*') =>
    `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${account}:${resource}`;
  const ownedByCluster = { [`aws:ResourceTag/kubernetes.io/cluster/${p.clusterNameLiteral}`]: 'owned' };
  const requestOwned = {
    [`aws:RequestTag/kubernetes.io/cluster/${p.clusterNameLiteral}`]: 'owned',
    'aws:RequestTag/eks:eks-cluster-name': p.clusterName,
  };
  const ec2Created = [
    'fleet',
    'instance',
    'volume',
    'network-interface',
    'launch-template',
    'spot-instances-request',
  ].map((r) => arn('ec2', `${r}/*`));
  const profileArn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:instance-profile/*`;
  return [
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [
        arn('ec2', 'image/*', ''),
        arn('ec2', 'snapshot/*', ''),
        arn('ec2', 'security-group/*'),
        arn('ec2', 'subnet/*'),
        arn('ec2', 'capacity-reservation/*'),
      ],
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [arn('ec2', 'launch-template/*')],
      conditions: {
        StringEquals: ownedByCluster,
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceActionsWithTags',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      resources: ec2Created,
      conditions: {
        StringEquals: requestOwned,
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceCreationTagging',
      actions: ['ec2:CreateTags'],
      resources: ec2Created,
      conditions: {
        StringEquals: {
          ...requestOwned,
          'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'],
        },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceTagging',
      actions: ['ec2:CreateTags'],
      resources: [arn('ec2', 'instance/*')],
      conditions: {
        StringEquals: ownedByCluster,
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
        StringEqualsIfExists: { 'aws:RequestTag/eks:eks-cluster-name': p.clusterName },
        'ForAllValues:StringEquals': {
          'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'],
        },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedDeletion',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [arn('ec2', 'instance/*'), arn('ec2', 'launch-template/*')],
      conditions: {
        StringEquals: ownedByCluster,
        StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowPassingInstanceRole',
      actions: ['iam:PassRole'],
      resources: [p.nodeRoleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedInstanceProfileCreationActions',
      actions: ['iam:CreateInstanceProfile'],
      resources: [profileArn],
      conditions: {
        StringEquals: { ...requestOwned, 'aws:RequestTag/topology.kubernetes.io/region': Aws.REGION },
        StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedInstanceProfileTagActions',
      actions: ['iam:TagInstanceProfile'],
      resources: [profileArn],
      conditions: {
        StringEquals: {
          ...ownedByCluster,
          'aws:ResourceTag/topology.kubernetes.io/region': Aws.REGION,
          ...requestOwned,
          'aws:RequestTag/topology.kubernetes.io/region': Aws.REGION,
        },
        StringLike: {
          'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*',
          'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*',
        },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedInstanceProfileActions',
      actions: [
        'iam:AddRoleToInstanceProfile',
        'iam:RemoveRoleFromInstanceProfile',
        'iam:DeleteInstanceProfile',
      ],
      resources: [profileArn],
      conditions: {
        StringEquals: { ...ownedByCluster, 'aws:ResourceTag/topology.kubernetes.io/region': Aws.REGION },
        StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowInstanceProfileReadActions',
      actions: ['iam:GetInstanceProfile'],
      resources: [profileArn],
    }),
    new iam.PolicyStatement({
      sid: 'AllowAPIServerEndpointDiscovery',
      actions: ['eks:DescribeCluster'],
      resources: [p.clusterArn],
    }),
    new iam.PolicyStatement({
      sid: 'AllowInterruptionQueueActions',
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [p.queueArn],
    }),
    new iam.PolicyStatement({
      sid: 'AllowRegionalReadActions',
      actions: [
        'ec2:DescribeCapacityReservations',
        'ec2:DescribeImages',
        'ec2:DescribeInstances',
        'ec2:DescribeInstanceTypeOfferings',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplates',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeSpotPriceHistory',
        'ec2:DescribeSubnets',
      ],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': Aws.REGION } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowSSMReadActions',
      actions: ['ssm:GetParameter'],
      resources: [`arn:${Aws.PARTITION}:ssm:${Aws.REGION}::parameter/aws/service/*`],
    }),
    new iam.PolicyStatement({
      sid: 'AllowPricingAndProfileListing',
      actions: ['pricing:GetProducts', 'iam:ListInstanceProfiles'],
      resources: ['*'],
    }),
  ];
}
