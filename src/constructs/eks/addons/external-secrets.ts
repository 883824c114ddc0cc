import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ChartVersion } from '../../../versions';
import { type ExternalSecretsValues, HELM_TIMEOUT } from '../helm-values';
import { PodIdentityRole } from '../pod-identity';
import { ownCredentialsPolicies } from '../secret-store-policy';

export interface ExternalSecretsProps {
  readonly cluster: eks.Cluster;
  readonly chart: ChartVersion;
  /** IAM role name; other stacks may find the role by it. @default a CloudFormation-generated name */
  readonly roleName?: string;
  /**
   * Label of the namespaces where stores and AWS generators must bring their own credentials (team
   * namespaces): there, the controller's identity is never used.
   */
  readonly restrictedNamespaceLabel: string;
  /** Add-ons that must be installed first. @default none */
  readonly dependsOn?: readonly Construct[];
}

/**
 * External Secrets Operator: the one way secrets reach pods. Its Pod Identity role starts with no
 * permissions; each owner of a secret grants read on exactly that secret (`grantRead`), so the operator
 * can sync only secrets someone handed to it. Secret values never pass through templates or Helm values.
 *
 * What the operator's identity may read, only platform-owned stores may use: ClusterSecretStores limited
 * to named namespaces (`clusterSecretsManagerStore`), or stores in platform namespaces. Team roles get no
 * External Secrets rights through `view`/`edit`, and in team namespaces an admission policy refuses
 * stores and AWS generators without credentials of their own.
 */
export class ExternalSecrets extends Construct {
  static readonly NAMESPACE = 'external-secrets';
  static readonly SERVICE_ACCOUNT = 'external-secrets';
  readonly role: iam.Role;
  readonly chart: eks.HelmChart;
  /** The admission policies and bindings for the restricted namespaces. */
  readonly admission: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: ExternalSecretsProps) {
    super(scope, id);
    const identity = new PodIdentityRole(this, 'Role', {
      clusterName: props.cluster.clusterName,
      namespace: ExternalSecrets.NAMESPACE,
      serviceAccount: ExternalSecrets.SERVICE_ACCOUNT,
      roleName: props.roleName,
      description: 'External Secrets: read only the secrets their owners granted (Pod Identity)',
    });
    this.role = identity.role;
    const tolerations = [{ key: 'CriticalAddonsOnly', operator: 'Exists' as const }];
    const values: ExternalSecretsValues = {
      installCRDs: true,
      rbac: { aggregateToView: false, aggregateToEdit: false },
      serviceAccount: { create: true, name: ExternalSecrets.SERVICE_ACCOUNT },
      tolerations,
      webhook: { tolerations },
      certController: { tolerations },
    };
    this.chart = props.cluster.addHelmChart('Chart', {
      chart: props.chart.chart,
      repository: props.chart.repository,
      version: props.chart.version,
      release: 'external-secrets',
      namespace: ExternalSecrets.NAMESPACE,
      createNamespace: true,
      values: { ...values },
      wait: true,
      atomic: true,
      timeout: HELM_TIMEOUT.atomic,
    });
    this.chart.node.addDependency(identity.association);
    for (const dep of props.dependsOn ?? []) this.chart.node.addDependency(dep);
    this.admission = props.cluster.addManifest(
      'OwnCredentialsPolicies',
      ...ownCredentialsPolicies({ namespaceLabel: props.restrictedNamespaceLabel }),
    );
    // After the CRDs exist, so the API server type-checks the expressions against their schemas.
    this.admission.node.addDependency(this.chart);
  }

  /** Lets the operator read one secret (and decrypt it through Secrets Manager only). */
  grantRead(secret: secretsmanager.ISecret, key: kms.IKey): void {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [secret.secretArn],
      }),
    );
    key.grantDecrypt(this.role);
  }
}
