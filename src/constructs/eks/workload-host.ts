import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * What a workload (such as `DruidCluster`) needs from the EKS platform it runs on. `EksPlatform`
 * implements it; a platform in another stack can be described by an object of this shape.
 */
export interface IEksWorkloadHost {
  /** The cluster. */
  readonly cluster: eks.ICluster;
  /** The cluster's VPC. */
  readonly vpc: ec2.IVpc;
  /** IPv4 CIDR of the VPC (network policies admit it). */
  readonly vpcCidr: string;
  /** Physical cluster name (Pod Identity associations, Karpenter discovery tags); never a token. */
  readonly clusterName: string;
  /** Name of the role Karpenter-launched nodes run with (workload EC2NodeClasses use it). */
  readonly karpenterNodeRoleName: string;
  /** Bottlerocket release the platform pins (e.g. `v1.53.0`). */
  readonly bottlerocketVersion: string;
  /** IngressClass of internal ALBs. */
  readonly internalIngressClass: string;
  /** Role of the External Secrets controller (namespaced SecretStores read with it). */
  readonly externalSecretsRole: iam.IRole;
  /** Last platform component installed: workload charts and manifests come after it. */
  readonly platformReady: Construct;
}
