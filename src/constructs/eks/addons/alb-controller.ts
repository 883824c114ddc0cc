import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Aws, Names } from 'aws-cdk-lib';
import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { acknowledgeIamWildcards } from '../../../checks/acknowledgements';
import type { ChartVersion } from '../../../versions';
import { type AwsLoadBalancerControllerValues, HELM_TIMEOUT } from '../helm-values';
import { ingressClass, ingressClassParams } from '../manifests';
import { PodIdentityRole } from '../pod-identity';

interface PolicyDocumentJson {
  readonly Statement: readonly Record<string, unknown>[];
}

/**
 * The controller's IAM policy as AWS publishes it for the pinned release; aws-cdk-lib ships the file
 * (`aws-eks-v2/lib/addons/alb-iam_policy-<version>.json`), so synth reads it from the installed package.
 */
export function loadAlbControllerPolicy(appVersion: string): PolicyDocumentJson {
  const lib = dirname(require.resolve('aws-cdk-lib/package.json'));
  const file = join(lib, 'aws-eks-v2', 'lib', 'addons', `alb-iam_policy-${appVersion}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as PolicyDocumentJson;
}

export interface AlbControllerProps {
  readonly cluster: eks.Cluster;
  readonly chart: ChartVersion & { readonly appVersion: string };
  /** @default a CloudFormation-generated name */
  readonly roleName?: string;
  /** @default a CloudFormation-generated name (metrics named after the construct) */
  readonly webAclName?: string;
  /** Requests per 5 minutes per client IP before the web ACL blocks. */
  readonly rateLimit: number;
  readonly dependsOn?: readonly Construct[];
}

/**
 * AWS Load Balancer Controller with a Pod Identity role (AWS's published policy for the pinned
 * release), two IngressClasses — `alb-internal` (the cluster default) and `alb-public`
 * (internet-facing, TLS 1.3 policy, the regional WAF web ACL attached) — both with IP targets.
 */
export class AlbController extends Construct {
  static readonly INTERNAL_CLASS = 'alb-internal';
  static readonly PUBLIC_CLASS = 'alb-public';
  readonly chart: eks.HelmChart;
  readonly webAcl: wafv2.CfnWebACL;
  readonly ingressClasses: eks.KubernetesManifest;
  readonly role: PodIdentityRole;

  constructor(scope: Construct, id: string, props: AlbControllerProps) {
    super(scope, id);
    const clusterName = props.cluster.clusterName;
    const doc = loadAlbControllerPolicy(props.chart.appVersion);
    const partitioned = (v: unknown): unknown =>
      typeof v === 'string'
        ? v.replace(/^arn:aws:/, `arn:${Aws.PARTITION}:`)
        : Array.isArray(v)
          ? v.map(partitioned)
          : v;
    const statements = doc.Statement.map((s) =>
      iam.PolicyStatement.fromJson({ ...s, Resource: partitioned(s.Resource) }),
    );
    this.role = new PodIdentityRole(this, 'Controller', {
      clusterName,
      namespace: 'kube-system',
      serviceAccount: 'aws-load-balancer-controller',
      roleName: props.roleName,
      description: `AWS Load Balancer Controller of ${clusterName} (Pod Identity)`,
      statements,
    });
    const wildcardResources = new Set<string>();
    const wildcardActions = new Set<string>();
    for (const s of doc.Statement) {
      for (const r of [s.Resource].flat() as string[]) {
        if (r.includes('*')) wildcardResources.add(r.replace(/^arn:aws:/, 'arn:<AWS::Partition>:'));
      }
      for (const a of [s.Action].flat() as string[]) if (a.includes('*')) wildcardActions.add(a);
    }
    acknowledgeIamWildcards(
      this.role,
      { resources: [...wildcardResources], actions: [...wildcardActions] },
      `AWS Load Balancer Controller ${props.chart.appVersion} policy exactly as AWS publishes it: load balancers, target groups and security groups it creates have no ARN beforehand; writes are scoped by the elbv2.k8s.aws/cluster tag conditions in the policy.`,
    );

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.webAclName,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: props.webAclName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
        sampledRequestsEnabled: true,
      },
      rules: [
        ...[
          'AWSManagedRulesCommonRuleSet',
          'AWSManagedRulesKnownBadInputsRuleSet',
          'AWSManagedRulesAmazonIpReputationList',
        ].map((name, i) => ({
          name,
          priority: i + 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: name,
            sampledRequestsEnabled: true,
          },
        })),
        {
          name: 'RateLimitPerIp',
          priority: 10,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimit, aggregateKeyType: 'IP' } },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'RateLimitPerIp',
            sampledRequestsEnabled: true,
          },
        },
      ],
    });

    const values: AwsLoadBalancerControllerValues = {
      clusterName,
      region: Aws.REGION,
      vpcId: props.cluster.vpc.vpcId,
      replicaCount: 2,
      serviceAccount: { create: true, name: 'aws-load-balancer-controller' },
      defaultTargetType: 'ip',
      createIngressClassResource: false,
      enableServiceMutatorWebhook: false,
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    };
    this.chart = props.cluster.addHelmChart('AwsLoadBalancerController', {
      chart: props.chart.chart,
      repository: props.chart.repository,
      version: props.chart.version,
      release: 'aws-load-balancer-controller',
      namespace: 'kube-system',
      createNamespace: false,
      values: { ...values },
      wait: true,
      atomic: true,
      timeout: HELM_TIMEOUT.atomic,
    });
    this.chart.node.addDependency(this.role.association);
    for (const dep of props.dependsOn ?? []) this.chart.node.addDependency(dep);

    const tls13 = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
    const common = [{ key: 'routing.http.drop_invalid_header_fields.enabled', value: 'true' }];
    this.ingressClasses = props.cluster.addManifest(
      'IngressClasses',
      ingressClassParams(AlbController.INTERNAL_CLASS, {
        scheme: 'internal',
        ipAddressType: 'ipv4',
        targetType: 'ip',
        sslPolicy: tls13,
        loadBalancerAttributes: common,
      }),
      ingressClassParams(AlbController.PUBLIC_CLASS, {
        scheme: 'internet-facing',
        ipAddressType: 'ipv4',
        targetType: 'ip',
        sslPolicy: tls13,
        wafv2AclArn: this.webAcl.attrArn,
        loadBalancerAttributes: common,
      }),
      ingressClass(AlbController.INTERNAL_CLASS, AlbController.INTERNAL_CLASS, true),
      ingressClass(AlbController.PUBLIC_CLASS, AlbController.PUBLIC_CLASS, false),
    );
    this.ingressClasses.node.addDependency(this.chart);
  }
}
