import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';
import type { ChartVersion } from '../../versions';
import type { ExternalSecretsValues, K8sMonitoringValues } from './helm-values';
import { externalSecret, namespace, secretsManagerStore } from './manifests';
import { PodIdentityRole } from './pod-identity';

export interface GrafanaCloudObservabilityProps {
  readonly cluster: eks.Cluster;
  readonly charts: { readonly externalSecrets: ChartVersion; readonly k8sMonitoring: ChartVersion };
  readonly prometheusUrl: string;
  readonly lokiUrl: string;
  /** Secrets Manager name of the credentials secret (from the naming module). */
  readonly secretName: string;
  readonly secretKey: kms.IKey;
  readonly roleName: string;
  readonly region: string;
  readonly dependsOn?: readonly Construct[];
}

/** Keys of the Grafana Cloud credentials secret. Operators fill it in after the first deploy. */
export const GRAFANA_SECRET_KEYS = {
  prometheusUsername: 'prometheusUsername',
  lokiUsername: 'lokiUsername',
  token: 'token',
} as const;

/**
 * Grafana Cloud through Alloy (k8s-monitoring chart). Credentials live only in a KMS-encrypted Secrets
 * Manager secret; External Secrets (Pod Identity, read access to that one secret) syncs it into a
 * Kubernetes Secret in `monitoring`, which the chart references by name (`secret.create: false`). No
 * credential appears in the template, the Helm values or pod environment variables.
 */
export class GrafanaCloudObservability extends Construct {
  static readonly NAMESPACE = 'monitoring';
  static readonly K8S_SECRET = 'grafana-cloud-credentials';
  readonly secret: secretsmanager.Secret;
  readonly externalSecrets: eks.HelmChart;
  readonly monitoring: eks.HelmChart;

  constructor(scope: Construct, id: string, props: GrafanaCloudObservabilityProps) {
    super(scope, id);
    const ns = GrafanaCloudObservability.NAMESPACE;
    this.secret = new secretsmanager.Secret(this, 'Credentials', {
      secretName: props.secretName,
      description:
        'Grafana Cloud credentials for Alloy: fill prometheusUsername, lokiUsername and token after deploy',
      encryptionKey: props.secretKey,
      removalPolicy: RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          [GRAFANA_SECRET_KEYS.prometheusUsername]: 'set-me',
          [GRAFANA_SECRET_KEYS.lokiUsername]: 'set-me',
        }),
        generateStringKey: GRAFANA_SECRET_KEYS.token,
        passwordLength: 32,
      },
    });
    acknowledge(this.secret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Grafana Cloud access policy tokens are issued and rotated in Grafana Cloud, not by AWS; operators write the new token here and External Secrets picks it up within an hour.',
      },
    ]);

    const eso = new PodIdentityRole(this, 'ExternalSecretsRole', {
      clusterName: props.cluster.clusterName,
      namespace: 'external-secrets',
      serviceAccount: 'external-secrets',
      roleName: props.roleName,
      description: 'External Secrets: read the Grafana Cloud credentials secret only (Pod Identity)',
      statements: [
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [this.secret.secretArn],
        }),
      ],
    });
    props.secretKey.grantDecrypt(eso.role);

    const tolerations = [{ key: 'CriticalAddonsOnly', operator: 'Exists' as const }];
    const esoValues: ExternalSecretsValues = {
      installCRDs: true,
      serviceAccount: { create: true, name: 'external-secrets' },
      tolerations,
      webhook: { tolerations },
      certController: { tolerations },
    };
    this.externalSecrets = props.cluster.addHelmChart('ExternalSecrets', {
      chart: props.charts.externalSecrets.chart,
      repository: props.charts.externalSecrets.repository,
      version: props.charts.externalSecrets.version,
      release: 'external-secrets',
      namespace: 'external-secrets',
      createNamespace: true,
      values: { ...esoValues },
      wait: true,
      atomic: true,
      timeout: Duration.minutes(10),
    });
    this.externalSecrets.node.addDependency(eso.association);
    for (const dep of props.dependsOn ?? []) this.externalSecrets.node.addDependency(dep);

    const sync = props.cluster.addManifest(
      'GrafanaCloudSecretSync',
      namespace(ns),
      secretsManagerStore('aws-secrets-manager', ns, props.region),
      externalSecret(
        'grafana-cloud',
        ns,
        'aws-secrets-manager',
        props.secretName,
        GrafanaCloudObservability.K8S_SECRET,
      ),
    );
    sync.node.addDependency(this.externalSecrets);

    const secretRef = { create: false as const, name: GrafanaCloudObservability.K8S_SECRET, namespace: ns };
    const values: K8sMonitoringValues = {
      cluster: { name: props.cluster.clusterName },
      destinations: [
        {
          name: 'grafana-cloud-metrics',
          type: 'prometheus',
          url: props.prometheusUrl,
          auth: {
            type: 'basic',
            usernameKey: GRAFANA_SECRET_KEYS.prometheusUsername,
            passwordKey: GRAFANA_SECRET_KEYS.token,
          },
          secret: secretRef,
        },
        {
          name: 'grafana-cloud-logs',
          type: 'loki',
          url: props.lokiUrl,
          auth: {
            type: 'basic',
            usernameKey: GRAFANA_SECRET_KEYS.lokiUsername,
            passwordKey: GRAFANA_SECRET_KEYS.token,
          },
          secret: secretRef,
        },
      ],
      clusterMetrics: { enabled: true },
      clusterEvents: { enabled: true },
      podLogs: { enabled: true },
      'alloy-metrics': { enabled: true },
      'alloy-singleton': { enabled: true },
      'alloy-logs': { enabled: true },
    };
    this.monitoring = props.cluster.addHelmChart('K8sMonitoring', {
      chart: props.charts.k8sMonitoring.chart,
      repository: props.charts.k8sMonitoring.repository,
      version: props.charts.k8sMonitoring.version,
      release: 'k8s-monitoring',
      namespace: ns,
      createNamespace: false,
      values: { ...values },
      wait: true,
      timeout: Duration.minutes(15),
    });
    this.monitoring.node.addDependency(sync);
  }
}
