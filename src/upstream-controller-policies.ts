/**
 * Controller IAM policies as published upstream, at the releases pinned in `versions.ts`, kept as the calls
 * they authorize (re-exported by `upstream-facts.ts`, whose conventions apply: every fact names the
 * repository, tag, commit and path it was read from).
 */
import type { UpstreamSource } from './upstream-source';

const KARPENTER_SOURCE: UpstreamSource = {
  repository: 'aws/karpenter-provider-aws',
  tag: 'v1.8.1',
  commit: '1ad0d78f8fa452cf27f4cf607377dd092489e2a0',
};
const LOAD_BALANCER_CONTROLLER_SOURCE: UpstreamSource = {
  repository: 'kubernetes-sigs/aws-load-balancer-controller',
  tag: 'v3.2.2',
  commit: '32e047bc1709597dbb9a496b36d6d87fb903661c',
};

/**
 * One kind of AWS call a controller makes at run time, read from the IAM policy its project publishes
 * for it: the statement's actions, the resources they name, and the request context the statement's
 * conditions require (which is what the controller's requests carry). The deploy rehearsal
 * (`src/rehearse/phases/runtime`) replays these against Fastish's roles; pairs IAM does not define
 * (an action on a resource type it never takes) are skipped there.
 */
export interface ControllerCallFact {
  /** The statement's `Sid`, or its position in the document when it has none. */
  readonly statement: string;
  readonly actions: readonly string[];
  /**
   * ARNs with `{partition}`, `{region}`, `{account}`, `{cluster}` and the controller's own placeholders
   * (Karpenter: `{nodepool}`, `{nodeclass}`, `{nodeRole}`, `{queue}`), or `*`.
   */
  readonly resources: readonly string[];
  /** Context keys and values the statement's conditions require (`Null: false` → present). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** Exercised only when the cluster uses the feature (Karpenter capacity reservations). */
  readonly feature?: 'capacityReservations';
}

export interface ControllerPolicyFacts {
  /** Release the policy belongs to; must equal the pin in `VERSIONS.eks.charts`. */
  readonly version: string;
  readonly source: UpstreamSource;
  readonly path: string;
  readonly calls: readonly ControllerCallFact[];
}

const ec2 = (resource: string, account = '{account}') =>
  `arn:{partition}:ec2:{region}:${account}:${resource}`;
/** What Karpenter launches and tags (the statements' resource lists; capacity reservations apart). */
const KARPENTER_LAUNCHED = [
  'fleet/fleet-0rehearsal',
  'instance/i-0rehearsal',
  'volume/vol-0rehearsal',
  'network-interface/eni-0rehearsal',
  'launch-template/lt-0rehearsal',
  'spot-instances-request/sir-0rehearsal',
].map((r) => ec2(r));
const KARPENTER_REQUEST_TAGS = {
  'aws:RequestTag/kubernetes.io/cluster/{cluster}': 'owned',
  'aws:RequestTag/eks:eks-cluster-name': '{cluster}',
  'aws:RequestTag/karpenter.sh/nodepool': '{nodepool}',
};
const KARPENTER_OWNED = {
  'aws:ResourceTag/kubernetes.io/cluster/{cluster}': 'owned',
  'aws:ResourceTag/karpenter.sh/nodepool': '{nodepool}',
};
const INSTANCE_PROFILE = 'arn:{partition}:iam::{account}:instance-profile/{cluster}_rehearsal';
const PROFILE_OWNED = {
  'aws:ResourceTag/kubernetes.io/cluster/{cluster}': 'owned',
  'aws:ResourceTag/topology.kubernetes.io/region': '{region}',
  'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '{nodeclass}',
};
const PROFILE_REQUEST_TAGS = {
  'aws:RequestTag/kubernetes.io/cluster/{cluster}': 'owned',
  'aws:RequestTag/eks:eks-cluster-name': '{cluster}',
  'aws:RequestTag/topology.kubernetes.io/region': '{region}',
  'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '{nodeclass}',
};

const lb = (resource: string) => `arn:{partition}:elasticloadbalancing:{region}:{account}:${resource}`;
const LBC_BALANCERS = [
  lb('loadbalancer/app/k8s-rehearsal/0123456789abcdef'),
  lb('loadbalancer/net/k8s-rehearsal/0123456789abcdef'),
];
const LBC_TARGET_GROUP = lb('targetgroup/k8s-rehearsal/0123456789abcdef');
const LBC_LISTENERS = [
  lb('listener/app/k8s-rehearsal/0123456789abcdef/0123456789abcdef'),
  lb('listener/net/k8s-rehearsal/0123456789abcdef/0123456789abcdef'),
];
const LBC_RULES = [
  lb('listener-rule/app/k8s-rehearsal/0123456789abcdef/0123456789abcdef/0123456789abcdef'),
  lb('listener-rule/net/k8s-rehearsal/0123456789abcdef/0123456789abcdef/0123456789abcdef'),
];
const LBC_SECURITY_GROUP = ec2('security-group/sg-0rehearsal');
const LBC_TAGGED = { 'aws:ResourceTag/elbv2.k8s.aws/cluster': '{cluster}' };
const LBC_REQUEST_TAGGED = { 'aws:RequestTag/elbv2.k8s.aws/cluster': '{cluster}' };

/** The controller IAM policies Karpenter and the AWS Load Balancer Controller publish, at the pinned releases. */
export const CONTROLLER_POLICY_FACTS: Record<
  'karpenter' | 'awsLoadBalancerController',
  ControllerPolicyFacts
> = {
  karpenter: {
    version: '1.8.1',
    source: KARPENTER_SOURCE,
    path: 'website/content/en/v1.8/getting-started/getting-started-with-karpenter/cloudformation.yaml (KarpenterControllerPolicy)',
    calls: [
      {
        statement: 'AllowScopedEC2InstanceAccessActions',
        actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
        resources: [
          ec2('image/ami-0rehearsal', ''),
          ec2('snapshot/snap-0rehearsal', ''),
          ec2('security-group/sg-0rehearsal'),
          ec2('subnet/subnet-0rehearsal'),
        ],
      },
      {
        statement: 'AllowScopedEC2InstanceAccessActions',
        actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
        resources: [ec2('capacity-reservation/cr-0rehearsal')],
        feature: 'capacityReservations',
      },
      {
        statement: 'AllowScopedEC2LaunchTemplateAccessActions',
        actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
        resources: [ec2('launch-template/lt-0rehearsal')],
        context: KARPENTER_OWNED,
      },
      {
        statement: 'AllowScopedEC2InstanceActionsWithTags',
        actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
        resources: KARPENTER_LAUNCHED,
        context: KARPENTER_REQUEST_TAGS,
      },
      {
        statement: 'AllowScopedEC2InstanceActionsWithTags',
        actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
        resources: [ec2('capacity-reservation/cr-0rehearsal')],
        context: KARPENTER_REQUEST_TAGS,
        feature: 'capacityReservations',
      },
      {
        statement: 'AllowScopedResourceCreationTagging',
        actions: ['ec2:CreateTags'],
        resources: KARPENTER_LAUNCHED,
        context: { ...KARPENTER_REQUEST_TAGS, 'ec2:CreateAction': 'CreateFleet' },
      },
      {
        statement: 'AllowScopedResourceTagging',
        actions: ['ec2:CreateTags'],
        resources: [ec2('instance/i-0rehearsal')],
        context: {
          ...KARPENTER_OWNED,
          'aws:RequestTag/eks:eks-cluster-name': '{cluster}',
          'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'],
        },
      },
      {
        statement: 'AllowScopedDeletion',
        actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
        resources: [ec2('instance/i-0rehearsal'), ec2('launch-template/lt-0rehearsal')],
        context: KARPENTER_OWNED,
      },
      {
        statement: 'AllowRegionalReadActions',
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
        context: { 'aws:RequestedRegion': '{region}' },
      },
      // The parameters an AMI alias resolves to: KARPENTER_AMI_ALIAS_PARAMETERS.
      {
        statement: 'AllowSSMReadActions',
        actions: ['ssm:GetParameter'],
        resources: ['arn:{partition}:ssm:{region}::parameter{amiParameter}'],
      },
      { statement: 'AllowPricingReadActions', actions: ['pricing:GetProducts'], resources: ['*'] },
      {
        statement: 'AllowInterruptionQueueActions',
        actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
        resources: ['{queue}'],
      },
      {
        statement: 'AllowPassingInstanceRole',
        actions: ['iam:PassRole'],
        resources: ['{nodeRole}'],
        context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
      },
      {
        statement: 'AllowScopedInstanceProfileCreationActions',
        actions: ['iam:CreateInstanceProfile'],
        resources: [INSTANCE_PROFILE],
        context: PROFILE_REQUEST_TAGS,
      },
      {
        statement: 'AllowScopedInstanceProfileTagActions',
        actions: ['iam:TagInstanceProfile'],
        resources: [INSTANCE_PROFILE],
        context: { ...PROFILE_OWNED, ...PROFILE_REQUEST_TAGS },
      },
      {
        statement: 'AllowScopedInstanceProfileActions',
        actions: [
          'iam:AddRoleToInstanceProfile',
          'iam:RemoveRoleFromInstanceProfile',
          'iam:DeleteInstanceProfile',
        ],
        resources: [INSTANCE_PROFILE],
        context: PROFILE_OWNED,
      },
      {
        statement: 'AllowInstanceProfileReadActions',
        actions: ['iam:GetInstanceProfile'],
        resources: [INSTANCE_PROFILE],
      },
      {
        statement: 'AllowUnscopedInstanceProfileListAction',
        actions: ['iam:ListInstanceProfiles'],
        resources: ['*'],
      },
      {
        statement: 'AllowAPIServerEndpointDiscovery',
        actions: ['eks:DescribeCluster'],
        resources: ['arn:{partition}:eks:{region}:{account}:cluster/{cluster}'],
      },
    ],
  },
  awsLoadBalancerController: {
    version: 'v3.2.2',
    source: LOAD_BALANCER_CONTROLLER_SOURCE,
    path: 'docs/install/iam_policy.json',
    calls: [
      {
        statement: '1',
        actions: ['iam:CreateServiceLinkedRole'],
        resources: [
          'arn:{partition}:iam::{account}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing',
        ],
        context: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' },
      },
      {
        statement: '2',
        actions: [
          'ec2:DescribeAccountAttributes',
          'ec2:DescribeAddresses',
          'ec2:DescribeAvailabilityZones',
          'ec2:DescribeInternetGateways',
          'ec2:DescribeVpcs',
          'ec2:DescribeVpcPeeringConnections',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeInstances',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeTags',
          'ec2:GetCoipPoolUsage',
          'ec2:DescribeCoipPools',
          'ec2:GetSecurityGroupsForVpc',
          'ec2:DescribeIpamPools',
          'ec2:DescribeRouteTables',
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeLoadBalancerAttributes',
          'elasticloadbalancing:DescribeListeners',
          'elasticloadbalancing:DescribeListenerCertificates',
          'elasticloadbalancing:DescribeSSLPolicies',
          'elasticloadbalancing:DescribeRules',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetGroupAttributes',
          'elasticloadbalancing:DescribeTargetHealth',
          'elasticloadbalancing:DescribeTags',
          'elasticloadbalancing:DescribeTrustStores',
          'elasticloadbalancing:DescribeListenerAttributes',
          'elasticloadbalancing:DescribeCapacityReservation',
        ],
        resources: ['*', ec2('vpc/vpc-0rehearsal'), ec2('coip-pool/ipv4pool-coip-0rehearsal')],
      },
      {
        statement: '3',
        actions: [
          'cognito-idp:DescribeUserPoolClient',
          'acm:ListCertificates',
          'acm:DescribeCertificate',
          'iam:ListServerCertificates',
          'iam:GetServerCertificate',
          'waf-regional:GetWebACL',
          'waf-regional:GetWebACLForResource',
          'waf-regional:AssociateWebACL',
          'waf-regional:DisassociateWebACL',
          'wafv2:GetWebACL',
          'wafv2:GetWebACLForResource',
          'wafv2:AssociateWebACL',
          'wafv2:DisassociateWebACL',
          'shield:GetSubscriptionState',
          'shield:DescribeProtection',
          'shield:CreateProtection',
          'shield:DeleteProtection',
        ],
        resources: [
          '*',
          'arn:{partition}:cognito-idp:{region}:{account}:userpool/{region}_rehearsal',
          'arn:{partition}:acm:{region}:{account}:certificate/00000000-0000-4000-8000-000000000000',
          'arn:{partition}:iam::{account}:server-certificate/rehearsal',
          'arn:{partition}:waf-regional:{region}:{account}:webacl/00000000-0000-4000-8000-000000000000',
          'arn:{partition}:wafv2:{region}:{account}:regional/webacl/rehearsal/00000000-0000-4000-8000-000000000000',
          'arn:{partition}:shield::{account}:protection/00000000-0000-4000-8000-000000000000',
          ...LBC_BALANCERS,
        ],
      },
      {
        statement: '4',
        actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
        resources: [LBC_SECURITY_GROUP],
      },
      {
        statement: '5',
        actions: ['ec2:CreateSecurityGroup'],
        resources: [LBC_SECURITY_GROUP, ec2('vpc/vpc-0rehearsal')],
      },
      {
        statement: '6',
        actions: ['ec2:CreateTags'],
        resources: [LBC_SECURITY_GROUP],
        context: { 'ec2:CreateAction': 'CreateSecurityGroup', ...LBC_REQUEST_TAGGED },
      },
      {
        statement: '7',
        actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
        resources: [LBC_SECURITY_GROUP],
        context: LBC_TAGGED,
      },
      {
        statement: '8',
        actions: [
          'ec2:AuthorizeSecurityGroupIngress',
          'ec2:RevokeSecurityGroupIngress',
          'ec2:DeleteSecurityGroup',
        ],
        resources: [LBC_SECURITY_GROUP],
        context: LBC_TAGGED,
      },
      {
        statement: '9',
        actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
        resources: [...LBC_BALANCERS, LBC_TARGET_GROUP],
        context: LBC_REQUEST_TAGGED,
      },
      {
        statement: '10',
        actions: [
          'elasticloadbalancing:CreateListener',
          'elasticloadbalancing:DeleteListener',
          'elasticloadbalancing:CreateRule',
          'elasticloadbalancing:DeleteRule',
        ],
        resources: [...LBC_BALANCERS, ...LBC_LISTENERS, ...LBC_RULES],
      },
      {
        statement: '11',
        actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
        resources: [LBC_TARGET_GROUP, ...LBC_BALANCERS],
        context: LBC_TAGGED,
      },
      {
        statement: '12',
        actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
        resources: [...LBC_LISTENERS, ...LBC_RULES],
      },
      {
        statement: '13',
        actions: [
          'elasticloadbalancing:ModifyLoadBalancerAttributes',
          'elasticloadbalancing:SetIpAddressType',
          'elasticloadbalancing:SetSecurityGroups',
          'elasticloadbalancing:SetSubnets',
          'elasticloadbalancing:DeleteLoadBalancer',
          'elasticloadbalancing:ModifyTargetGroup',
          'elasticloadbalancing:ModifyTargetGroupAttributes',
          'elasticloadbalancing:DeleteTargetGroup',
          'elasticloadbalancing:ModifyListenerAttributes',
          'elasticloadbalancing:ModifyCapacityReservation',
          'elasticloadbalancing:ModifyIpPools',
        ],
        resources: [...LBC_BALANCERS, LBC_TARGET_GROUP, ...LBC_LISTENERS],
        context: LBC_TAGGED,
      },
      {
        statement: '14',
        actions: ['elasticloadbalancing:AddTags'],
        resources: [LBC_TARGET_GROUP, ...LBC_BALANCERS],
        context: { 'elasticloadbalancing:CreateAction': 'CreateLoadBalancer', ...LBC_REQUEST_TAGGED },
      },
      {
        statement: '15',
        actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
        resources: [LBC_TARGET_GROUP],
      },
      {
        statement: '16',
        actions: [
          'elasticloadbalancing:SetWebAcl',
          'elasticloadbalancing:ModifyListener',
          'elasticloadbalancing:AddListenerCertificates',
          'elasticloadbalancing:RemoveListenerCertificates',
          'elasticloadbalancing:ModifyRule',
          'elasticloadbalancing:SetRulePriorities',
        ],
        resources: ['*', ...LBC_LISTENERS, ...LBC_RULES],
      },
    ],
  },
};

/**
 * The SSM parameters Karpenter reads to resolve an `amiSelectorTerms` alias: every variant of the family
 * at the alias version (`{kubernetes}` is the cluster's minor, `{version}` the alias version without `v`).
 */
export const KARPENTER_AMI_ALIAS_PARAMETERS: {
  readonly source: UpstreamSource;
  readonly path: string;
} & Record<'bottlerocket', readonly string[]> = {
  source: KARPENTER_SOURCE,
  path: 'pkg/providers/amifamily/bottlerocket.go (DescribeImageQuery)',
  bottlerocket: [
    '/aws/service/bottlerocket/aws-k8s-{kubernetes}/x86_64/{version}/image_id',
    '/aws/service/bottlerocket/aws-k8s-{kubernetes}/arm64/{version}/image_id',
    '/aws/service/bottlerocket/aws-k8s-{kubernetes}-nvidia/x86_64/{version}/image_id',
    '/aws/service/bottlerocket/aws-k8s-{kubernetes}-nvidia/arm64/{version}/image_id',
  ],
};
