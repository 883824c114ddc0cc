import { Aws } from 'aws-cdk-lib';
import * as eksL1 from 'aws-cdk-lib/aws-eks';
import type * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledgeManagedPolicies } from '../../../checks/acknowledgements';
import { type K8sObject, storageClass } from '../manifests';

export interface CoreAddonVersions {
  readonly vpcCni: string;
  readonly coreDns: string;
  readonly kubeProxy: string;
  readonly podIdentityAgent: string;
  readonly ebsCsi: string;
  readonly metricsServer: string;
}

export interface CoreAddonsProps {
  readonly cluster: eksv2.Cluster;
  /** Pinned EKS add-on builds. */
  readonly versions: CoreAddonVersions;
  /** The system node group: add-ons that need running pods are created after it. */
  readonly systemNodeGroup: eksv2.Nodegroup;
  /** Key encrypting EBS volumes of the default StorageClass (rotation on). */
  readonly volumeKey: kms.IKey;
  /** Names of the add-on roles by purpose (`eks-vpc-cni`, `eks-ebs-csi`). @default CloudFormation-generated names */
  readonly roleName?: (purpose: string) => string;
}

/** Tolerates the system node group's taint, so control add-ons can land there. */
const SYSTEM_TOLERATION = [{ key: 'CriticalAddonsOnly', operator: 'Exists' }];

/**
 * EKS-managed add-ons at pinned builds, in dependency order: VPC CNI, kube-proxy and the Pod Identity
 * agent before any node exists (nodes need them to become Ready), then — after the system node group —
 * CoreDNS, the EBS CSI driver and metrics-server. The CNI and the EBS CSI driver get their AWS
 * permissions through Pod Identity associations declared on the add-on itself. A gp3 StorageClass,
 * encrypted with a customer-managed key, becomes the cluster default.
 */
export class CoreAddons extends Construct {
  readonly vpcCni: eksL1.CfnAddon;
  readonly kubeProxy: eksL1.CfnAddon;
  readonly podIdentityAgent: eksL1.CfnAddon;
  readonly coreDns: eksL1.CfnAddon;
  readonly ebsCsi: eksL1.CfnAddon;
  readonly metricsServer: eksL1.CfnAddon;
  /** The default StorageClass manifest (gp3, KMS). */
  readonly defaultStorageClass: eksv2.KubernetesManifest;
  /** Name of the default StorageClass. */
  static readonly DEFAULT_STORAGE_CLASS = 'gp3-encrypted';

  constructor(scope: Construct, id: string, props: CoreAddonsProps) {
    super(scope, id);
    const clusterName = props.cluster.clusterName;
    const addon = (
      name: string,
      addonName: string,
      version: string,
      extra: Partial<eksL1.CfnAddonProps> = {},
    ): eksL1.CfnAddon =>
      new eksL1.CfnAddon(this, name, {
        clusterName,
        addonName,
        addonVersion: version,
        resolveConflicts: 'OVERWRITE',
        preserveOnDelete: false,
        ...extra,
      });

    const cniRole = this.podIdentityRole('VpcCniRole', props.roleName?.('eks-vpc-cni'), 'VPC CNI (aws-node)');
    cniRole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKS_CNI_Policy'));
    acknowledgeManagedPolicies(
      cniRole,
      ['AmazonEKS_CNI_Policy'],
      'The VPC CNI needs the AWS-maintained AmazonEKS_CNI_Policy to manage pod ENIs and IPs; it is bound to the aws-node service account only, through Pod Identity.',
    );

    this.podIdentityAgent = addon(
      'PodIdentityAgent',
      'eks-pod-identity-agent',
      props.versions.podIdentityAgent,
    );
    this.vpcCni = addon('VpcCni', 'vpc-cni', props.versions.vpcCni, {
      podIdentityAssociations: [{ serviceAccount: 'aws-node', roleArn: cniRole.roleArn }],
      configurationValues: JSON.stringify({
        env: { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' },
        // Off by default: NetworkPolicies would be accepted and enforced by nobody.
        enableNetworkPolicy: 'true',
      }),
    });
    this.kubeProxy = addon('KubeProxy', 'kube-proxy', props.versions.kubeProxy);
    for (const early of [this.podIdentityAgent, this.vpcCni, this.kubeProxy]) {
      props.systemNodeGroup.node.addDependency(early);
    }

    this.coreDns = addon('CoreDns', 'coredns', props.versions.coreDns, {
      configurationValues: JSON.stringify({ tolerations: SYSTEM_TOLERATION }),
    });

    const ebsRole = this.podIdentityRole('EbsCsiRole', props.roleName?.('eks-ebs-csi'), 'EBS CSI controller');
    ebsRole.addManagedPolicy(
      iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonEBSCSIDriverPolicy'),
    );
    acknowledgeManagedPolicies(
      ebsRole,
      ['service-role/AmazonEBSCSIDriverPolicy'],
      'The EBS CSI controller needs the AWS-maintained AmazonEBSCSIDriverPolicy (volume/snapshot lifecycle, tag-scoped by AWS); it is bound to ebs-csi-controller-sa only, through Pod Identity.',
    );
    // Volumes of the default StorageClass are encrypted with the customer key: the driver creates grants
    // for EC2 (only for AWS resources) and uses the key for the volumes it creates.
    ebsRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        resources: [props.volumeKey.keyArn],
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
    );
    ebsRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:DescribeKey',
        ],
        resources: [props.volumeKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `ec2.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    this.ebsCsi = addon('EbsCsi', 'aws-ebs-csi-driver', props.versions.ebsCsi, {
      podIdentityAssociations: [{ serviceAccount: 'ebs-csi-controller-sa', roleArn: ebsRole.roleArn }],
      configurationValues: JSON.stringify({ controller: { tolerations: SYSTEM_TOLERATION } }),
    });
    this.metricsServer = addon('MetricsServer', 'metrics-server', props.versions.metricsServer, {
      configurationValues: JSON.stringify({ tolerations: SYSTEM_TOLERATION }),
    });
    for (const late of [this.coreDns, this.ebsCsi, this.metricsServer]) {
      late.node.addDependency(props.systemNodeGroup);
      late.node.addDependency(this.podIdentityAgent);
    }

    const sc: K8sObject = storageClass(CoreAddons.DEFAULT_STORAGE_CLASS, props.volumeKey.keyArn);
    this.defaultStorageClass = props.cluster.addManifest('DefaultStorageClass', sc);
    this.defaultStorageClass.node.addDependency(this.ebsCsi);
  }

  private podIdentityRole(id: string, roleName: string | undefined, what: string): iam.Role {
    return new iam.Role(this, id, {
      roleName,
      description: `${what} via EKS Pod Identity`,
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
    });
  }
}
