import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { DruidSettings } from '../../config/architectures/druid';
import { DruidCluster } from '../../constructs/druid/cluster';
import type { DruidKubernetes } from '../../constructs/druid/druid-kubernetes';
import type { DruidMetadataStore } from '../../constructs/druid/metadata-store';
import type { DruidStorage } from '../../constructs/druid/storage';
import type { DruidStreams } from '../../constructs/druid/streams';
import type { PodIdentityRole } from '../../constructs/eks/pod-identity';
import type { IEksWorkloadHost } from '../../constructs/eks/workload-host';
import { PublishedValue } from '../../constructs/published-value';
import { VERSIONS } from '../../versions';
import type { EksStack } from '../eks/eks-stack';
import { namesAsBeforeDefault } from '../eks/names-before-default';
import { EnvironmentStack, type EnvironmentStackProps } from '../environment-stack';
import { druidClusterProps } from './props-from-config';

/** What Druid needs from the EKS platform (`IEksWorkloadHost`); `hostFromEksStack` adapts the `EksStack`. */
export type DruidClusterHost = IEksWorkloadHost;

/** The workload host of a Fastish EksStack, referenced from the Druid stack. */
export function hostFromEksStack(eksStack: EksStack): IEksWorkloadHost {
  return {
    cluster: eksStack.cluster,
    vpc: eksStack.vpc,
    vpcCidr: eksStack.fastishEnv.settings.eks.vpcCidr,
    clusterName: eksStack.cluster.clusterName,
    karpenterNodeRoleName: eksStack.karpenter.nodeRole.roleName,
    bottlerocketVersion: VERSIONS.eks.bottlerocket,
    internalIngressClass: eksStack.internalIngressClass,
    // The EKS platform always installs External Secrets under this role name; Druid attaches its own read
    // policy here rather than importing a cross-stack reference.
    externalSecretsRole: iam.Role.fromRoleName(
      eksStack,
      'DruidExternalSecretsRoleRef',
      eksStack.fastishEnv.naming.roleName('eks-external-secrets'),
      { mutable: false },
    ),
    platformReady: eksStack.platformReady,
  };
}

export interface DruidStackProps extends Omit<EnvironmentStackProps, 'architecture'> {
  /** The EKS platform Druid runs on. */
  readonly host: IEksWorkloadHost;
}

/**
 * The `druid` architecture from the config: a `DruidCluster` built from the environment's settings
 * (`druidClusterProps`), plus the values other stacks and people read (SSM parameters). The cluster is
 * the stack's `Default` child, so its resources keep the logical IDs they had before the construct existed.
 */
export class DruidStack extends EnvironmentStack {
  readonly settings: DruidSettings;
  readonly druid: DruidCluster;
  readonly storage: DruidStorage;
  readonly metadata: DruidMetadataStore;
  readonly streams: DruidStreams;
  readonly kubernetes: DruidKubernetes;
  readonly roles: Record<'coordinator' | 'historical' | 'middlemanager', PodIdentityRole>;
  /** Pod Identity role of the Job creating the MSK topics (absent without MSK). */
  readonly topicRole?: PodIdentityRole;
  readonly secrets: Record<'admin' | 'internal' | 'keystore', secretsmanager.ISecret>;
  readonly routerHostname: string;

  constructor(scope: Construct, id: string, props: DruidStackProps) {
    const env = props.environment;
    const settings = env.settings.druid;
    super(scope, id, { ...props, architecture: 'druid', team: props.team ?? settings.team });
    this.settings = settings;
    const n = env.naming;

    // 'Default' keeps the cluster's path out of logical IDs (no replacement for existing deployments).
    const d = new DruidCluster(this, 'Default', druidClusterProps(this, props.platform, env, props.host));
    namesAsBeforeDefault(d);
    this.druid = d;
    this.storage = d._parts.storage;
    this.metadata = d._parts.metadata;
    this.streams = d._parts.streams;
    this.kubernetes = d._parts.kubernetes;
    this.roles = {
      coordinator: d.coordinatorRole,
      historical: d.historicalRole,
      middlemanager: d.middleManagerRole,
    };
    this.topicRole = d.topicRole;
    this.secrets = { admin: d.adminSecret, internal: d.internalClientSecret, keystore: d.keystoreSecret };
    this.routerHostname = d.routerHostname;

    // Published values (never secret values: ARNs only)
    const publish = (k: string, value: string, description: string) =>
      new PublishedValue(this, `Published-${k.replace(/\//g, '-')}`, {
        naming: n,
        architecture: 'druid',
        key: k,
        value,
        description,
      });
    publish('router/url', d.routerUrl, 'Druid router (SQL API, web console) on the internal ALB');
    publish('buckets/deep-storage', this.storage.deepStorage.bucketName, 'Druid deep storage (segments)');
    publish('buckets/task-logs', this.storage.indexLogs.bucketName, 'Druid task logs');
    publish('buckets/msq-scratch', this.storage.scratch.bucketName, 'Druid MSQ durable storage');
    publish(
      'metadata/endpoint',
      this.metadata.cluster.clusterEndpoint.socketAddress,
      'Druid metadata store (Aurora PostgreSQL)',
    );
    publish(
      'metadata/secret-arn',
      this.metadata.secret.secretArn,
      "ARN of the credentials secret of Druid's metadata store user",
    );
    publish(
      'metadata/master-secret-arn',
      this.metadata.masterSecret.secretArn,
      'ARN of the metadata store master credentials (operators only)',
    );
    publish('secrets/admin-password-arn', d.adminSecret.secretArn, 'ARN of the Druid admin password secret');
    publish(
      'secrets/internal-client-password-arn',
      d.internalClientSecret.secretArn,
      'ARN of the Druid internal client password secret',
    );
    if (this.streams.msk)
      publish('msk/cluster-arn', this.streams.msk.attrArn, 'MSK Serverless cluster Druid reads (IAM auth)');
    if (this.streams.bootstrapServers)
      publish(
        'msk/bootstrap-servers',
        this.streams.bootstrapServers,
        'MSK IAM bootstrap servers (port 9098)',
      );
  }
}
