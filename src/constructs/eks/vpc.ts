import { RemovalPolicy, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** NAT gateways of the platform's VPC. */
export enum NatGatewayMode {
  /** One per availability zone: a zone outage never cuts the others' egress. */
  PER_AZ = 'per-az',
  /** One shared gateway: cheaper, one zone's outage cuts all egress. */
  SINGLE = 'single',
}

/** AWS services the platform's VPC reaches through interface endpoints. */
export enum EksInterfaceEndpoint {
  ECR_API = 'ecr.api',
  ECR_DKR = 'ecr.dkr',
  STS = 'sts',
  LOGS = 'logs',
  EC2 = 'ec2',
  SSM = 'ssm',
  SQS = 'sqs',
  EKS = 'eks',
  EKS_AUTH = 'eks-auth',
  SECRETS_MANAGER = 'secretsmanager',
}

const ENDPOINT_SERVICES: Record<EksInterfaceEndpoint, ec2.InterfaceVpcEndpointAwsService> = {
  [EksInterfaceEndpoint.ECR_API]: ec2.InterfaceVpcEndpointAwsService.ECR,
  [EksInterfaceEndpoint.ECR_DKR]: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  [EksInterfaceEndpoint.STS]: ec2.InterfaceVpcEndpointAwsService.STS,
  [EksInterfaceEndpoint.LOGS]: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  [EksInterfaceEndpoint.EC2]: ec2.InterfaceVpcEndpointAwsService.EC2,
  [EksInterfaceEndpoint.SSM]: ec2.InterfaceVpcEndpointAwsService.SSM,
  [EksInterfaceEndpoint.SQS]: ec2.InterfaceVpcEndpointAwsService.SQS,
  [EksInterfaceEndpoint.EKS]: ec2.InterfaceVpcEndpointAwsService.EKS,
  [EksInterfaceEndpoint.EKS_AUTH]: ec2.InterfaceVpcEndpointAwsService.EKS_AUTH,
  [EksInterfaceEndpoint.SECRETS_MANAGER]: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
};

export interface EksVpcProps {
  /** Cluster name, for the `kubernetes.io/cluster/<name>` and Karpenter discovery tags. */
  readonly clusterName: string;
  /** IPv4 CIDR of the VPC. */
  readonly cidr: string;
  /** Availability zones, explicit (the stack never looks them up). */
  readonly availabilityZones: readonly string[];
  /** Prefix length of each private subnet (nodes and pods). @default 19 */
  readonly privateSubnetMask?: number;
  /** Prefix length of each public subnet. @default 22 */
  readonly publicSubnetMask?: number;
  /** One NAT gateway per AZ, or one shared. @default NatGatewayMode.PER_AZ */
  readonly natGateways?: NatGatewayMode;
  /** Interface endpoints in the private subnets. @default none */
  readonly interfaceEndpoints?: readonly EksInterfaceEndpoint[];
  /** Key encrypting the flow-log group. */
  readonly logKey: kms.IKey;
  /** Flow-log retention. */
  readonly logRetention: logs.RetentionDays;
  /** Flow-log group name. @default a CloudFormation-generated name */
  readonly flowLogGroupName?: string;
}

/**
 * The cluster's network: public subnets for load balancers and NAT, large private subnets for nodes and
 * pods (VPC CNI gives every pod a VPC address), all-traffic flow logs into a KMS-encrypted group, an S3
 * gateway endpoint and interface endpoints so image pulls and AWS API calls stay in the VPC, and the
 * subnet/role tags the load balancer controller and Karpenter discover subnets by.
 */
export class EksVpc extends Construct {
  readonly vpc: ec2.Vpc;
  readonly flowLogGroup: logs.LogGroup;
  /** Security group of the interface endpoints (HTTPS from the VPC). */
  readonly endpointSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: EksVpcProps) {
    super(scope, id);
    const azs = [...props.availabilityZones];
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: azs,
      natGateways: props.natGateways === NatGatewayMode.SINGLE ? 1 : azs.length,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        {
          name: 'public',
          subnetType: ec2.SubnetType.PUBLIC,
          cidrMask: props.publicSubnetMask ?? 22,
          mapPublicIpOnLaunch: false,
        },
        {
          name: 'private',
          subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
          cidrMask: props.privateSubnetMask ?? 19,
        },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      logGroupName: props.flowLogGroupName,
      encryptionKey: props.logKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from inside the VPC',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(
      ec2.Peer.ipv4(props.cidr),
      ec2.Port.tcp(443),
      'HTTPS from the VPC',
    );
    for (const name of props.interfaceEndpoints ?? []) {
      this.vpc.addInterfaceEndpoint(`Endpoint-${name}`, {
        service: ENDPOINT_SERVICES[name],
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [this.endpointSecurityGroup],
        privateDnsEnabled: true,
        open: false,
      });
    }

    for (const subnet of this.vpc.publicSubnets) {
      Tags.of(subnet).add('kubernetes.io/role/elb', '1');
    }
    for (const subnet of this.vpc.privateSubnets) {
      Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');
      Tags.of(subnet).add('karpenter.sh/discovery', props.clusterName);
    }
  }
}
