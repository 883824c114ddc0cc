import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface PodIdentityRoleProps {
  /** Name of the EKS cluster. */
  readonly clusterName: string;
  /** Kubernetes namespace of the service account. */
  readonly namespace: string;
  /** Kubernetes service account the pods run as (it may be created later, e.g. by a Helm chart). */
  readonly serviceAccount: string;
  /**
   * Physical role name (from the naming module).
   * @default a CloudFormation-generated name
   */
  readonly roleName?: string;
  /** What the role is for, shown in IAM. */
  readonly description: string;
  /**
   * Statements of the role's inline policy.
   * @default none; grant with `role.addToPolicy` or `grant*` methods
   */
  readonly statements?: iam.PolicyStatement[];
}

/**
 * An IAM role for one Kubernetes service account via EKS Pod Identity: the role trusts only the
 * `pods.eks.amazonaws.com` service (no OIDC provider, no cluster-wide trust), and a Pod Identity
 * association binds it to exactly `<namespace>/<serviceAccount>` in the cluster.
 */
export class PodIdentityRole extends Construct {
  readonly role: iam.Role;
  readonly association: eks.CfnPodIdentityAssociation;
  readonly namespace: string;
  readonly serviceAccount: string;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    this.namespace = props.namespace;
    this.serviceAccount = props.serviceAccount;
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: props.description,
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
    });
    if (props.statements && props.statements.length > 0) {
      this.role.attachInlinePolicy(new iam.Policy(this, 'Policy', { statements: [...props.statements] }));
    }
    this.association = new eks.CfnPodIdentityAssociation(this, 'Association', {
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.roleArn,
    });
  }
}
