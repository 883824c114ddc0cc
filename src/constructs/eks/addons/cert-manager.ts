import { Aws } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeIamWildcards } from '../../../checks/acknowledgements';
import type { ChartVersion } from '../../../versions';
import { type CertManagerValues, HELM_TIMEOUT } from '../helm-values';
import { acmeClusterIssuer } from '../manifests';
import { PodIdentityRole } from '../pod-identity';

export interface CertManagerProps {
  readonly cluster: eks.Cluster;
  readonly chart: ChartVersion;
  /** ACME account e-mail. @default `hostmaster@<hostedZone.name>` */
  readonly email?: string;
  /**
   * Zone for DNS-01 challenges. Without one, no ACME issuer is created: cert-manager then serves namespaced
   * issuers only (self-signed CAs such as Druid's), and public ALBs use ACM certificates.
   */
  readonly hostedZone?: { readonly name: string; readonly id: string };
  /** @default a CloudFormation-generated name */
  readonly roleName?: string;
  readonly dependsOn?: readonly Construct[];
}

const TOLERATIONS = [{ key: 'CriticalAddonsOnly', operator: 'Exists' as const }];

/**
 * cert-manager (CRDs kept on uninstall) and, with a hosted zone, two Let's Encrypt ClusterIssuers,
 * `letsencrypt` and `letsencrypt-staging`, solving DNS-01 through Route 53 with a Pod Identity role limited
 * to that zone. Never HTTP-01: the AWS Load Balancer Controller ignores the solver's ingress class, would
 * create an ALB per challenge, and an ALB cannot serve a certificate from a Kubernetes Secret anyway
 * (ALB listeners take ACM certificates). cert-manager's certificates are for TLS that pods terminate.
 */
export class CertManager extends Construct {
  static readonly ISSUER = 'letsencrypt';
  readonly chart: eks.HelmChart;
  /** The ACME ClusterIssuers; absent without a hosted zone. */
  readonly issuers?: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: CertManagerProps) {
    super(scope, id);
    const namespace = 'cert-manager';
    if (props.hostedZone) {
      const zoneArn = `arn:${Aws.PARTITION}:route53:::hostedzone/${props.hostedZone.id}`;
      const role = new PodIdentityRole(this, 'Dns01', {
        clusterName: props.cluster.clusterName,
        namespace,
        serviceAccount: 'cert-manager',
        roleName: props.roleName,
        description: 'cert-manager DNS-01 challenges in one Route 53 zone (Pod Identity)',
        statements: [
          new iam.PolicyStatement({
            actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
            resources: [zoneArn],
          }),
          new iam.PolicyStatement({
            actions: ['route53:GetChange'],
            resources: [`arn:${Aws.PARTITION}:route53:::change/*`],
          }),
        ],
      });
      acknowledgeIamWildcards(
        role,
        { resources: ['arn:<AWS::Partition>:route53:::change/*'] },
        'cert-manager polls Route 53 change status; change ids are issued per request and cannot be known in advance.',
      );
    }
    const values: CertManagerValues = {
      crds: { enabled: true, keep: true },
      replicaCount: 2,
      serviceAccount: { create: true, name: 'cert-manager' },
      tolerations: TOLERATIONS,
      webhook: { tolerations: TOLERATIONS },
      cainjector: { tolerations: TOLERATIONS },
      startupapicheck: { tolerations: TOLERATIONS },
      securityContext: { runAsNonRoot: true },
      enableCertificateOwnerRef: true,
    };
    this.chart = props.cluster.addHelmChart('CertManager', {
      chart: props.chart.chart,
      repository: props.chart.repository,
      version: props.chart.version,
      release: 'cert-manager',
      namespace,
      createNamespace: true,
      values: { ...values },
      wait: true,
      atomic: true,
      timeout: HELM_TIMEOUT.atomic,
    });
    for (const dep of props.dependsOn ?? []) this.chart.node.addDependency(dep);
    const zone = props.hostedZone;
    if (!zone) return;
    const route53 = {
      hostedZoneId: zone.id,
      region: Aws.REGION,
      zoneName: zone.name,
    };
    const issuer = (name: string, server: string) =>
      acmeClusterIssuer({ name, server, email: props.email ?? `hostmaster@${zone.name}`, route53 });
    this.issuers = props.cluster.addManifest(
      'ClusterIssuers',
      issuer(CertManager.ISSUER, 'https://acme-v02.api.letsencrypt.org/directory'),
      issuer(`${CertManager.ISSUER}-staging`, 'https://acme-staging-v02.api.letsencrypt.org/directory'),
    );
    this.issuers.node.addDependency(this.chart);
  }
}
