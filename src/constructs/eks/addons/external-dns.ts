import { Aws } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeIamWildcards } from '../../../checks/acknowledgements';
import type { ChartVersion } from '../../../versions';
import { type ExternalDnsValues, HELM_TIMEOUT } from '../helm-values';
import { PodIdentityRole } from '../pod-identity';

export interface ExternalDnsProps {
  readonly cluster: eks.Cluster;
  readonly chart: ChartVersion;
  readonly hostedZone: { readonly name: string; readonly id: string };
  /** @default a CloudFormation-generated name */
  readonly roleName?: string;
  readonly dependsOn?: readonly Construct[];
}

/**
 * external-dns limited to one Route 53 zone three ways: IAM (record changes only in that zone's ARN),
 * `--zone-id-filter` and `domainFilters`; `upsert-only`, so it never deletes records it did not create.
 */
export class ExternalDns extends Construct {
  readonly chart: eks.HelmChart;
  readonly role: PodIdentityRole;

  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id);
    const namespace = 'external-dns';
    this.role = new PodIdentityRole(this, 'Role', {
      clusterName: props.cluster.clusterName,
      namespace,
      serviceAccount: 'external-dns',
      roleName: props.roleName,
      description: `external-dns for ${props.hostedZone.name} only (Pod Identity)`,
      statements: [
        new iam.PolicyStatement({
          actions: [
            'route53:ChangeResourceRecordSets',
            'route53:ListResourceRecordSets',
            'route53:ListTagsForResource',
          ],
          resources: [`arn:${Aws.PARTITION}:route53:::hostedzone/${props.hostedZone.id}`],
        }),
        new iam.PolicyStatement({ actions: ['route53:ListHostedZones'], resources: ['*'] }),
      ],
    });
    acknowledgeIamWildcards(
      this.role,
      { resources: ['*'] },
      'route53:ListHostedZones has no resource-level permissions; external-dns filters to the one configured zone id, and record changes are limited to that zone ARN.',
    );
    const values: ExternalDnsValues = {
      provider: { name: 'aws' },
      domainFilters: [props.hostedZone.name],
      extraArgs: [`--zone-id-filter=${props.hostedZone.id}`, '--aws-zone-type=public'],
      policy: 'upsert-only',
      registry: 'txt',
      txtOwnerId: props.cluster.clusterName,
      sources: ['ingress', 'service'],
      serviceAccount: { create: true, name: 'external-dns' },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      env: [{ name: 'AWS_DEFAULT_REGION', value: Aws.REGION }],
    };
    this.chart = props.cluster.addHelmChart('ExternalDns', {
      chart: props.chart.chart,
      repository: props.chart.repository,
      version: props.chart.version,
      release: 'external-dns',
      namespace,
      createNamespace: true,
      values: { ...values },
      wait: true,
      timeout: HELM_TIMEOUT.single,
    });
    this.chart.node.addDependency(this.role.association);
    for (const dep of props.dependsOn ?? []) this.chart.node.addDependency(dep);
  }
}
