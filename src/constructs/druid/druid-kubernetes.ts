import { Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import { type DruidResource, validateDruidResource } from './druid-resource';
import { druidResource } from './kubernetes/druid-spec';
import { routerIngress } from './kubernetes/ingress';
import { topicJob } from './kubernetes/kafka';
import { namespaceObjects } from './kubernetes/namespace';
import { nodePools } from './kubernetes/node-pools';
import { secretObjects, tlsObjects } from './kubernetes/secrets-tls';
import { specApplierJobs } from './kubernetes/spec-applier';
import {
  DRUID_SERVICES,
  type DruidKubernetesProps,
  type DruidService,
  type K8sObject,
  obj,
  TOPIC_JOB_SERVICE_ACCOUNT,
} from './kubernetes/types';
import { DRUID_OPERATOR_NAMESPACE, druidNamespaceConflict } from './namespaces';
import type { NodeShape, SizingReport } from './sizing';

export { applierScript } from './kubernetes/spec-applier';
export {
  DRUID_PORTS,
  DRUID_SERVICES,
  type DruidKubernetesProps,
  type DruidService,
  historicalKey,
  K8S_SECRETS,
  type K8sObject,
  nodePoolName,
  PROMETHEUS_PORT,
  TOPIC_JOB_SERVICE_ACCOUNT,
} from './kubernetes/types';

/**
 * Druid on Kubernetes: the druid-operator (pinned chart), a namespace with default-deny network policies,
 * service accounts (one per Druid service, bound to Pod Identity roles by the stack), secrets synced from
 * Secrets Manager by External Secrets, a cert-manager CA and PKCS12 keystore, Karpenter NodePools per tier
 * (historicals on NVMe instance store), the typed `Druid` resource, the router behind an internal ALB with
 * TLS, the MSK topics, and Jobs applying datasource specs and backfills.
 */
export class DruidKubernetes extends Construct {
  readonly namespace: string;
  readonly resource: DruidResource;
  /** Every object applied, for schema validation in tests. */
  readonly objects: K8sObject[] = [];
  readonly sizing: Record<string, SizingReport>;
  /** Instance sizes and limits of each NodePool (FST-DRUID1). */
  readonly nodeShapes: Record<string, NodeShape>;
  readonly serviceAccounts: Record<DruidService, string>;
  readonly routerServiceName: string;
  private readonly cluster: eks.ICluster;
  private last?: Construct;

  constructor(scope: Construct, id: string, props: DruidKubernetesProps) {
    super(scope, id);
    const s = props.settings;
    this.cluster = props.cluster;
    const conflict = druidNamespaceConflict(s.namespace);
    if (conflict) {
      throw new Error(
        `${this.node.path}: namespace "${s.namespace}" ${conflict}; the Druid stack creates and owns its namespace, so it needs one of its own`,
      );
    }
    this.namespace = s.namespace;
    const ns = s.namespace;
    this.routerServiceName = `druid-${s.clusterName}-routers`;
    this.serviceAccounts = Object.fromEntries(DRUID_SERVICES.map((svc) => [svc, `druid-${svc}`])) as Record<
      DruidService,
      string
    >;

    // 1. Operator (watches only the Druid namespace).
    const operator = new eks.HelmChart(this, 'Operator', {
      cluster: props.cluster,
      repository: props.operatorChart.repository,
      chart: props.operatorChart.chart,
      version: props.operatorChart.version,
      release: 'druid-operator',
      namespace: DRUID_OPERATOR_NAMESPACE,
      createNamespace: true,
      wait: true,
      timeout: Duration.minutes(10),
      values: {
        env: { WATCH_NAMESPACE: ns, DENY_LIST: 'default,kube-system' },
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      },
    });

    // 2. Namespace, service accounts, network policies.
    const base = this.apply(
      'Namespace',
      namespaceObjects(
        ns,
        props.vpcCidr,
        Object.values(this.serviceAccounts),
        props.kafka ? [TOPIC_JOB_SERVICE_ACCOUNT] : [],
      ),
    );
    base.node.addDependency(operator);

    // 3. Secrets from Secrets Manager; 4. TLS.
    const secrets = this.apply('Secrets', secretObjects(ns, props.region, props.secretArns));
    secrets.node.addDependency(base);
    const tls = this.apply(
      'Tls',
      tlsObjects(ns, s.clusterName, this.routerServiceName, props.ingress.hostname),
    );
    tls.node.addDependency(secrets);

    // 5. Karpenter: NVMe EC2NodeClass and one NodePool per tier, sized to fit their pods.
    const pools = nodePools(props, s.clusterName, `${this.node.path}/NodePools`);
    this.nodeShapes = pools.shapes;
    const poolManifest = this.apply('NodePools', pools.objects.map(obj));
    poolManifest.node.addDependency(base);

    // 6. The Druid resource.
    const built = druidResource(props, this.serviceAccounts, `${this.node.path}/Druid`);
    this.resource = built.resource;
    this.sizing = built.sizing;
    validateDruidResource(this.resource, this.node.path);
    const druid = this.apply('Druid', [obj(this.resource)]);
    druid.node.addDependency(tls, poolManifest, secrets);

    // 7. Router behind an internal ALB with TLS (AWS Load Balancer Controller).
    const ingress = this.apply('Ingress', [obj(routerIngress(props, ns, this.routerServiceName))]);
    ingress.node.addDependency(druid);

    // 8. MSK topics (MSK Serverless creates none by itself), before the supervisors read them.
    const topics = props.kafka
      ? this.apply('KafkaTopics', [obj(topicJob(props, ns, props.kafka))])
      : undefined;
    topics?.node.addDependency(base);

    // 9. Datasource specs, rules and compaction configs; backfills in their own Job (run once each).
    const jobs = specApplierJobs(props, ns, this.routerServiceName);
    for (const [id, manifest] of [
      ['SpecApplier', jobs.specs],
      ['Backfill', jobs.backfill],
    ] as const) {
      if (manifest.length === 0) continue;
      const applied = this.apply(id, manifest.map(obj));
      applied.node.addDependency(druid);
      if (topics) applied.node.addDependency(topics);
    }
    this.last = druid;
  }

  /** The manifest applying the Druid resource (others may depend on it). */
  get druidManifest(): Construct | undefined {
    return this.last;
  }

  private apply(id: string, manifest: K8sObject[]): eks.KubernetesManifest {
    this.objects.push(...manifest);
    return new eks.KubernetesManifest(this, id, { cluster: this.cluster, manifest, overwrite: true });
  }
}
