import { RemovalPolicy } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';
import type { ChartVersion } from '../../versions';
import type { ExternalSecrets } from './addons/external-secrets';
import { HELM_TIMEOUT, type K8sMonitoringValues } from './helm-values';
import { clusterSecretsManagerStore, externalSecret, namespace } from './manifests';

export interface GrafanaCloudObservabilityProps {
  readonly cluster: eks.Cluster;
  readonly chart: ChartVersion;
  /** The cluster's External Secrets operator, which syncs the credentials into the cluster. */
  readonly externalSecrets: ExternalSecrets;
  readonly prometheusUrl: string;
  readonly lokiUrl: string;
  /** Secrets Manager name of the credentials secret. @default a CloudFormation-generated name */
  readonly secretName?: string;
  readonly secretKey: kms.IKey;
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
 * Manager secret; the cluster's External Secrets operator (granted read on that one secret) syncs it into a
 * Kubernetes Secret in `monitoring`, which the chart references by name (`secret.create: false`). No
 * credential appears in the template, the Helm values or pod environment variables.
 */
export class GrafanaCloudObservability extends Construct {
  static readonly NAMESPACE = 'monitoring';
  static readonly K8S_SECRET = 'grafana-cloud-credentials';
  readonly secret: secretsmanager.Secret;
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

    props.externalSecrets.grantRead(this.secret, props.secretKey);

    // The store reads with the operator's identity, which may read this secret: only `monitoring` may use it.
    const store = { kind: 'ClusterSecretStore' as const, name: 'grafana-cloud' };
    const sync = props.cluster.addManifest(
      'GrafanaCloudSecretSync',
      namespace(ns),
      clusterSecretsManagerStore(store.name, props.region, [ns]),
      externalSecret(
        'grafana-cloud',
        ns,
        store,
        props.secretName ?? this.secret.secretName,
        GrafanaCloudObservability.K8S_SECRET,
      ),
    );
    sync.node.addDependency(props.externalSecrets.chart);
    for (const dep of props.dependsOn ?? []) sync.node.addDependency(dep);

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
      annotationAutodiscovery: { enabled: true },
    };
    this.monitoring = props.cluster.addHelmChart('K8sMonitoring', {
      chart: props.chart.chart,
      repository: props.chart.repository,
      version: props.chart.version,
      release: 'k8s-monitoring',
      namespace: ns,
      createNamespace: false,
      values: { ...values },
      wait: true,
      timeout: HELM_TIMEOUT.single,
    });
    this.monitoring.node.addDependency(sync);
  }
}
