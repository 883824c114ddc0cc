import { createHash } from 'node:crypto';
import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import type { IIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import type { ISecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import type { IEC2NodeClass } from '@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass';
import type { INodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import { Duration, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IIoK8sApiCoreV1EnvVar } from 'kubernetes-models/v1/EnvVar';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { DruidSettings, HistoricalTierSettings } from '../../config/architectures/druid';
import type { ChartVersion } from '../../versions';
import { bottlerocketNodeClass } from '../eks/karpenter';
import { type DruidNodeSpec, type DruidResource, validateDruidResource } from './druid-resource';
import { DRUID_EXTENSIONS, type DruidProperties, renderRuntimeProperties } from './runtime-properties';
import { checkContainerSizing, type SizingReport } from './sizing';
import type { DruidApiCall } from './specs';

/** A Kubernetes object as handed to the kubectl handler. */
export type K8sObject = { readonly apiVersion: string; readonly kind: string } & Record<string, unknown>;
const obj = <T extends object>(value: T): K8sObject => value as unknown as K8sObject;

/** Druid services, each with its own service account (and Pod Identity role). */
export const DRUID_SERVICES = ['coordinator', 'broker', 'router', 'historical', 'middlemanager'] as const;
export type DruidService = (typeof DRUID_SERVICES)[number];

export const DRUID_PORTS = {
  coordinator: 8281,
  broker: 8282,
  historical: 8283,
  middlemanager: 8291,
  router: 9088,
} as const;
export const PROMETHEUS_PORT = 9091;
const MIB = 1024 * 1024;

/** Kubernetes Secret names the pods read; filled by External Secrets from Secrets Manager. */
export const K8S_SECRETS = {
  metadata: 'druid-metadata-credentials',
  admin: 'druid-admin-password',
  internal: 'druid-internal-client-password',
  keystore: 'druid-keystore-password',
  tls: 'druid-tls',
} as const;

export interface DruidKubernetesProps {
  readonly cluster: eks.ICluster;
  readonly region: string;
  readonly vpcCidr: string;
  readonly settings: DruidSettings;
  readonly image: string;
  readonly operatorChart: ChartVersion;
  readonly curlImage: string;
  /** Karpenter: node role and pinned Bottlerocket release for the NVMe EC2NodeClass. */
  readonly karpenter: {
    readonly nodeRoleName: string;
    readonly bottlerocketVersion: string;
    readonly clusterName: string;
  };
  readonly storage: {
    readonly deepStorageBucket: string;
    readonly indexLogsBucket: string;
    readonly scratchBucket: string;
    readonly kmsKeyArn: string;
  };
  readonly jdbcUrl: string;
  /** Secrets Manager secret ARNs (never values) the pods' Kubernetes Secrets are synced from. */
  readonly secretArns: {
    readonly metadata: string;
    readonly admin: string;
    readonly internal: string;
    readonly keystore: string;
  };
  readonly ingress: {
    readonly hostname: string;
    readonly certificateArn?: string;
    readonly allowedCidrs: readonly string[];
    readonly ingressClass: string;
  };
  /** Supervisor specs, rules, compaction configs and batch tasks the applier Job posts. */
  readonly apiCalls: readonly DruidApiCall[];
}

interface JvmNode {
  readonly replicas: number;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly heapMiB: number;
  readonly directMemoryMiB: number;
  readonly jvmOverheadMiB: number;
}

/**
 * Druid on Kubernetes: the druid-operator (pinned chart), a namespace with default-deny network policies,
 * service accounts (one per Druid service, bound to Pod Identity roles by the stack), secrets synced from
 * Secrets Manager by External Secrets, a cert-manager CA and PKCS12 keystore (password generated in
 * Secrets Manager), Karpenter NodePools per tier (historicals on NVMe instance store), the typed `Druid`
 * resource, the router behind an internal ALB with TLS, and a Job applying datasource specs.
 */
export class DruidKubernetes extends Construct {
  readonly namespace: string;
  readonly resource: DruidResource;
  /** Every object applied, for schema validation in tests. */
  readonly objects: K8sObject[] = [];
  readonly sizing: Record<string, SizingReport> = {};
  readonly serviceAccounts: Record<DruidService, string>;
  readonly routerServiceName: string;
  private readonly cluster: eks.ICluster;
  private last?: Construct;

  constructor(scope: Construct, id: string, props: DruidKubernetesProps) {
    super(scope, id);
    const s = props.settings;
    this.cluster = props.cluster;
    this.namespace = s.namespace;
    const ns = s.namespace;
    const crName = s.clusterName;
    this.routerServiceName = `druid-${crName}-routers`;
    this.serviceAccounts = Object.fromEntries(DRUID_SERVICES.map((svc) => [svc, `druid-${svc}`])) as Record<
      DruidService,
      string
    >;
    const labels = { 'app.kubernetes.io/part-of': 'druid', 'app.kubernetes.io/managed-by': 'fastish' };

    // 1. Operator (watches only the Druid namespace).
    const operator = new eks.HelmChart(this, 'Operator', {
      cluster: props.cluster,
      repository: props.operatorChart.repository,
      chart: props.operatorChart.chart,
      version: props.operatorChart.version,
      release: 'druid-operator',
      namespace: 'druid-operator',
      createNamespace: true,
      wait: true,
      timeout: Duration.minutes(10),
      values: {
        env: { WATCH_NAMESPACE: ns, DENY_LIST: 'default,kube-system' },
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      },
    });

    // 2. Namespace, service accounts, network policies.
    const namespaceObj: INamespace = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: {
          ...labels,
          'kubernetes.io/metadata.name': ns,
          'pod-security.kubernetes.io/enforce': 'baseline',
        },
      },
    };
    const accounts = DRUID_SERVICES.map(
      (svc): IServiceAccount => ({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: this.serviceAccounts[svc], namespace: ns, labels },
        automountServiceAccountToken: true,
      }),
    );
    // The Kubernetes discovery extension reads and patches pods (labels/annotations) and uses a ConfigMap
    // for leader election: a namespaced Role, bound to every Druid service account.
    const discoveryRole = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'druid-discovery', namespace: ns, labels },
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch'] },
        {
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
        },
      ],
    };
    const discoveryBinding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'druid-discovery', namespace: ns, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'druid-discovery' },
      subjects: DRUID_SERVICES.map((svc) => ({
        kind: 'ServiceAccount',
        name: this.serviceAccounts[svc],
        namespace: ns,
      })),
    };
    const base = this.apply('Namespace', [
      obj(namespaceObj),
      ...accounts.map(obj),
      discoveryRole,
      discoveryBinding,
      ...networkPolicies(ns, props.vpcCidr, labels).map(obj),
    ]);
    base.node.addDependency(operator);

    // 3. Secrets from Secrets Manager (External Secrets, controller's Pod Identity).
    const store: ISecretStore = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'aws-secrets-manager', namespace: ns, labels },
      spec: { provider: { aws: { service: 'SecretsManager', region: props.region } } },
    };
    const sync = (
      name: string,
      arn: string,
      mapping: Record<string, string | undefined>,
    ): IExternalSecret => ({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name, namespace: ns, labels },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'SecretStore', name: 'aws-secrets-manager' },
        target: { name, creationPolicy: 'Owner' },
        data: Object.entries(mapping).map(([secretKey, property]) => ({
          secretKey,
          remoteRef: { key: arn, ...(property ? { property } : {}) },
        })),
      },
    });
    const secrets = this.apply('Secrets', [
      obj(store),
      obj(sync(K8S_SECRETS.metadata, props.secretArns.metadata, { password: 'password' })),
      obj(sync(K8S_SECRETS.admin, props.secretArns.admin, { password: undefined })),
      obj(sync(K8S_SECRETS.internal, props.secretArns.internal, { password: undefined })),
      obj(sync(K8S_SECRETS.keystore, props.secretArns.keystore, { password: undefined })),
    ]);
    secrets.node.addDependency(base);

    // 4. TLS: namespace CA (self-signed root) issuing the Druid certificate with a PKCS12 keystore.
    const selfSigned: IIssuer = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'druid-selfsigned', namespace: ns, labels },
      spec: { selfSigned: {} },
    };
    const caCert: ICertificate = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'druid-ca', namespace: ns, labels },
      spec: {
        isCA: true,
        commonName: `druid-${crName}-ca`,
        secretName: 'druid-ca',
        duration: '87600h',
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        issuerRef: { name: 'druid-selfsigned', kind: 'Issuer' },
      },
    };
    const caIssuer: IIssuer = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Issuer',
      metadata: { name: 'druid-ca', namespace: ns, labels },
      spec: { ca: { secretName: 'druid-ca' } },
    };
    const tlsCert: ICertificate = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: K8S_SECRETS.tls, namespace: ns, labels },
      spec: {
        secretName: K8S_SECRETS.tls,
        duration: '2160h',
        renewBefore: '360h',
        commonName: `${this.routerServiceName}.${ns}.svc`,
        dnsNames: [
          `*.${ns}.svc`,
          `*.${ns}.svc.cluster.local`,
          `*.${ns}.pod.cluster.local`,
          props.ingress.hostname,
        ],
        privateKey: { algorithm: 'RSA', size: 2048, rotationPolicy: 'Always' },
        usages: ['server auth', 'client auth', 'digital signature', 'key encipherment'],
        issuerRef: { name: 'druid-ca', kind: 'Issuer' },
        keystores: {
          pkcs12: {
            create: true,
            passwordSecretRef: { name: K8S_SECRETS.keystore, key: 'password' },
          },
        },
      },
    };
    const tls = this.apply('Tls', [obj(selfSigned), obj(caCert), obj(caIssuer), obj(tlsCert)]);
    tls.node.addDependency(secrets);

    // 5. Karpenter: NVMe EC2NodeClass and one NodePool per tier.
    const pools = this.apply('NodePools', nodePools(props, crName).map(obj));
    pools.node.addDependency(base);

    // 6. The Druid resource.
    this.resource = this.druidResource(props, labels);
    validateDruidResource(this.resource, this.node.path);
    const druid = this.apply('Druid', [obj(this.resource)]);
    druid.node.addDependency(tls, pools, secrets);

    // 7. Router behind an internal ALB with TLS (AWS Load Balancer Controller).
    const ingress = this.apply('Ingress', [obj(routerIngress(props, ns, this.routerServiceName, labels))]);
    ingress.node.addDependency(druid);

    // 8. Datasource specs, rules and compaction configs, posted by a Job once the cluster answers.
    if (props.apiCalls.length > 0) {
      const applier = this.apply(
        'SpecApplier',
        specApplier(props, ns, this.routerServiceName, labels).map(obj),
      );
      applier.node.addDependency(druid);
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

  private druidResource(props: DruidKubernetesProps, labels: Record<string, string>): DruidResource {
    const s = props.settings;
    const ns = s.namespace;
    const crName = s.clusterName;
    const tlsMount = '/druid/tls';
    const common: DruidProperties = {
      'druid.extensions.loadList': [...DRUID_EXTENSIONS],
      'druid.zk.service.enabled': false,
      'druid.discovery.type': 'k8s',
      'druid.discovery.k8s.clusterIdentifier': crName,
      'druid.serverview.type': 'http',
      'druid.indexer.runner.type': 'httpRemote',
      'druid.enablePlaintextPort': false,
      'druid.enableTlsPort': true,
      'druid.server.https.keyStorePath': `${tlsMount}/keystore.p12`,
      'druid.server.https.keyStoreType': 'pkcs12',
      'druid.server.https.certAlias': 'certificate',
      'druid.server.https.keyStorePassword': { type: 'environment', variable: 'DRUID_KEYSTORE_PASSWORD' },
      'druid.server.https.requireClientCertificate': false,
      'druid.client.https.protocol': 'TLSv1.2',
      'druid.client.https.trustStorePath': `${tlsMount}/truststore.p12`,
      'druid.client.https.trustStoreType': 'pkcs12',
      'druid.client.https.trustStorePassword': { type: 'environment', variable: 'DRUID_KEYSTORE_PASSWORD' },
      // Pods announce themselves by IP; the certificate names services, so internal clients verify the
      // chain (namespace CA) but not host names.
      'druid.client.https.validateHostnames': false,
      'druid.metadata.storage.type': 'postgresql',
      'druid.metadata.storage.connector.connectURI': props.jdbcUrl,
      'druid.metadata.storage.connector.user': 'druid',
      'druid.metadata.storage.connector.password': {
        type: 'environment',
        variable: 'DRUID_METADATA_PASSWORD',
      },
      'druid.storage.type': 's3',
      'druid.storage.bucket': props.storage.deepStorageBucket,
      'druid.storage.baseKey': 'segments',
      'druid.storage.sse.type': 'kms',
      'druid.storage.sse.kms.keyId': props.storage.kmsKeyArn,
      // The buckets enforce bucket-owner object ownership (ACLs off): without this Druid reads the bucket's
      // ACL and puts every segment with an ACL grant, which needs s3:PutObjectAcl (not granted).
      'druid.storage.disableAcl': true,
      'druid.indexer.logs.type': 's3',
      'druid.indexer.logs.s3Bucket': props.storage.indexLogsBucket,
      'druid.indexer.logs.s3Prefix': 'task-logs',
      'druid.indexer.logs.disableAcl': true,
      'druid.msq.intermediate.storage.enable': true,
      'druid.msq.intermediate.storage.type': 's3',
      'druid.msq.intermediate.storage.bucket': props.storage.scratchBucket,
      'druid.msq.intermediate.storage.prefix': 'msq',
      'druid.msq.intermediate.storage.tempDir': '/druid/data/msq',
      'druid.auth.authenticatorChain': ['basic'],
      'druid.auth.authenticator.basic.type': 'basic',
      'druid.auth.authenticator.basic.initialAdminPassword': {
        type: 'environment',
        variable: 'DRUID_ADMIN_PASSWORD',
      },
      'druid.auth.authenticator.basic.initialInternalClientPassword': {
        type: 'environment',
        variable: 'DRUID_INTERNAL_PASSWORD',
      },
      'druid.auth.authenticator.basic.credentialsValidator.type': 'metadata',
      'druid.auth.authenticator.basic.skipOnFailure': false,
      'druid.auth.authenticator.basic.authorizerName': 'basic',
      'druid.auth.authorizers': ['basic'],
      'druid.auth.authorizer.basic.type': 'basic',
      'druid.escalator.type': 'basic',
      'druid.escalator.internalClientUsername': 'druid_system',
      'druid.escalator.internalClientPassword': { type: 'environment', variable: 'DRUID_INTERNAL_PASSWORD' },
      'druid.escalator.authorizerName': 'basic',
      'druid.emitter': 'prometheus',
      'druid.emitter.prometheus.strategy': 'exporter',
      'druid.emitter.prometheus.port': PROMETHEUS_PORT,
      'druid.emitter.prometheus.namespace': 'druid',
      'druid.emitter.prometheus.addServiceAsLabel': true,
      'druid.monitoring.monitors': ['org.apache.druid.java.util.metrics.JvmMonitor'],
      'druid.startup.logging.logProperties': false,
      'druid.request.logging.type': 'noop',
      'druid.sql.enable': true,
      'druid.sql.avatica.enable': true,
      'druid.coordinator.kill.on': false,
    };
    const secretEnv = (name: string, secret: string): IIoK8sApiCoreV1EnvVar => ({
      name,
      valueFrom: { secretKeyRef: { name: secret, key: 'password' } },
    });
    const nodes: Record<string, DruidNodeSpec> = {};
    const node = (
      key: string,
      service: DruidService,
      nodeType: DruidNodeSpec['nodeType'],
      sizing: JvmNode,
      properties: DruidProperties,
      extra: Partial<DruidNodeSpec> = {},
    ) => {
      const port = DRUID_PORTS[service];
      nodes[key] = {
        nodeType,
        'druid.port': port,
        kind: 'StatefulSet',
        replicas: sizing.replicas,
        serviceAccountName: this.serviceAccounts[service],
        nodeConfigMountPath: `/opt/druid/conf/druid/cluster/${key}`,
        'runtime.properties': renderRuntimeProperties(
          { 'druid.service': `druid/${nodeType.toLowerCase()}`, 'druid.tlsPort': port, ...properties },
          `${this.node.path}/Druid/${key}`,
        ),
        'extra.jvm.options': jvmOptions(sizing.heapMiB, sizing.directMemoryMiB),
        resources: {
          requests: { cpu: String(sizing.cpu), memory: `${sizing.memoryMiB}Mi` },
          limits: { cpu: String(sizing.cpu), memory: `${sizing.memoryMiB}Mi` },
        },
        podDisruptionBudgetSpec: {
          maxUnavailable: 1,
          selector: { matchLabels: { 'druid.fastish.io/node': key } },
        },
        podLabels: {
          'druid.fastish.io/node': key,
          ...(service === 'router' ? { 'fastish.io/expose': 'load-balancer' } : {}),
        },
        nodeSelector: {
          'fastish.io/node-pool': nodePoolName(crName, service === 'historical' ? key : service),
        },
        tolerations: [
          {
            key: 'fastish.io/druid',
            operator: 'Equal',
            value: service === 'historical' ? key : service,
            effect: 'NoSchedule',
          },
        ],
        readinessProbe: {
          httpGet: { path: '/status/health', port, scheme: 'HTTPS' },
          periodSeconds: 10,
          failureThreshold: 6,
        },
        ...extra,
      };
    };

    const c = s.coordinator;
    this.size('coordinator', c, []);
    node('coordinators', 'coordinator', 'coordinator', c, {
      'druid.coordinator.asOverlord.enabled': true,
      'druid.coordinator.asOverlord.overlordService': 'druid/overlord',
      'druid.coordinator.startDelay': 'PT30S',
      'druid.coordinator.period': 'PT30S',
      'druid.indexer.storage.type': 'metadata',
      'druid.indexer.queue.startDelay': 'PT30S',
    });

    const b = s.broker;
    this.size('broker', b, [], b.processing);
    node('brokers', 'broker', 'broker', b, {
      ...processingProperties(b.processing),
      'druid.broker.http.numConnections': 20,
      'druid.server.http.numThreads': 40,
      'druid.broker.cache.useCache': false,
      'druid.broker.cache.populateCache': false,
      'druid.sql.enable': true,
    });

    const r = s.router;
    this.size('router', r, []);
    node('routers', 'router', 'router', r, {
      'druid.router.managementProxy.enabled': true,
      'druid.router.defaultBrokerServiceName': 'druid/broker',
      'druid.router.coordinatorServiceName': 'druid/coordinator',
      'druid.router.http.numConnections': 25,
    });

    for (const tier of s.historicalTiers) {
      const key = historicalKey(tier);
      this.size(key, tier, [], tier.processing);
      const cacheBytes = tier.segmentCacheGiB * 1024 * MIB;
      node(
        key,
        'historical',
        'historical',
        tier,
        {
          ...processingProperties(tier.processing),
          'druid.server.tier': tier.name,
          'druid.server.maxSize': cacheBytes,
          'druid.segmentCache.locations': [{ path: '/druid/segment-cache', maxSize: cacheBytes }],
          'druid.historical.cache.useCache': true,
          'druid.historical.cache.populateCache': true,
          'druid.cache.type': 'caffeine',
          'druid.cache.sizeInBytes': 256 * MIB,
        },
        {
          // Segment cache on the node's NVMe instance store (Karpenter RAID0 ephemeral storage).
          volumes: [{ name: 'segment-cache', emptyDir: { sizeLimit: `${tier.segmentCacheGiB + 10}Gi` } }],
          volumeMounts: [{ name: 'segment-cache', mountPath: '/druid/segment-cache' }],
          resources: {
            requests: {
              cpu: String(tier.cpu),
              memory: `${tier.memoryMiB}Mi`,
              'ephemeral-storage': `${tier.segmentCacheGiB + 10}Gi`,
            },
            limits: {
              cpu: String(tier.cpu),
              memory: `${tier.memoryMiB}Mi`,
              'ephemeral-storage': `${tier.segmentCacheGiB + 20}Gi`,
            },
          },
        },
      );
    }

    const m = s.middleManager;
    const peon = {
      role: 'peon',
      heapMiB: m.peonHeapMiB,
      directMemoryMiB: m.peonDirectMemoryMiB,
      overheadMiB: m.jvmOverheadMiB,
      processing: m.peonProcessing,
      count: m.workerCapacity,
    };
    this.size('middlemanager', m, [peon]);
    node('middlemanagers', 'middlemanager', 'middleManager', m, {
      'druid.worker.capacity': m.workerCapacity,
      'druid.worker.category': '_default_worker_category',
      'druid.indexer.task.baseTaskDir': '/druid/data/tasks',
      'druid.indexer.runner.javaOptsArray': [
        '-server',
        `-Xms${m.peonHeapMiB}m`,
        `-Xmx${m.peonHeapMiB}m`,
        `-XX:MaxDirectMemorySize=${m.peonDirectMemoryMiB}m`,
        '-Duser.timezone=UTC',
        '-Dfile.encoding=UTF-8',
        '-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager',
      ],
      'druid.indexer.fork.property.druid.processing.numThreads': m.peonProcessing.numThreads,
      'druid.indexer.fork.property.druid.processing.numMergeBuffers': m.peonProcessing.numMergeBuffers,
      'druid.indexer.fork.property.druid.processing.buffer.sizeBytes': m.peonProcessing.bufferSizeMiB * MIB,
      'druid.indexer.fork.property.druid.server.http.numThreads': 20,
    });

    const secretVolume = 'tls';
    return {
      apiVersion: 'druid.apache.org/v1alpha1',
      kind: 'Druid',
      metadata: { name: crName, namespace: ns, labels },
      spec: {
        image: props.image,
        startScript: '/druid.sh',
        rollingDeploy: true,
        defaultProbes: false,
        deleteOrphanPvc: true,
        commonConfigMountPath: '/opt/druid/conf/druid/cluster/_common',
        'common.runtime.properties': renderRuntimeProperties(common, `${this.node.path}/Druid/common`),
        'jvm.options': [
          '-server',
          '-XX:+UseG1GC',
          '-XX:+ExitOnOutOfMemoryError',
          '-Duser.timezone=UTC',
          '-Dfile.encoding=UTF-8',
          '-Djava.io.tmpdir=/druid/data/tmp',
          '-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager',
        ].join('\n'),
        securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
        containerSecurityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'AWS_REGION', value: props.region },
          secretEnv('DRUID_METADATA_PASSWORD', K8S_SECRETS.metadata),
          secretEnv('DRUID_ADMIN_PASSWORD', K8S_SECRETS.admin),
          secretEnv('DRUID_INTERNAL_PASSWORD', K8S_SECRETS.internal),
          secretEnv('DRUID_KEYSTORE_PASSWORD', K8S_SECRETS.keystore),
        ],
        volumes: [
          { name: secretVolume, secret: { secretName: K8S_SECRETS.tls, defaultMode: 0o440 } },
          { name: 'data', emptyDir: {} },
        ],
        volumeMounts: [
          { name: secretVolume, mountPath: tlsMount, readOnly: true },
          { name: 'data', mountPath: '/druid/data' },
        ],
        podAnnotations: {
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(PROMETHEUS_PORT),
        },
        services: [{ apiVersion: 'v1', kind: 'Service', spec: { type: 'ClusterIP', clusterIP: 'None' } }],
        nodes,
      },
    };
  }

  private size(
    name: string,
    n: JvmNode,
    children: Parameters<typeof checkContainerSizing>[1]['jvms'],
    processing?: NonNullable<HistoricalTierSettings['processing']>,
  ): void {
    this.sizing[name] = checkContainerSizing(`${this.node.path}/Druid/${name}`, {
      memoryLimitMiB: n.memoryMiB,
      jvms: [
        {
          role: name,
          heapMiB: n.heapMiB,
          directMemoryMiB: n.directMemoryMiB,
          overheadMiB: n.jvmOverheadMiB,
          ...(processing ? { processing } : {}),
        },
        ...children,
      ],
    });
  }
}

function jvmOptions(heapMiB: number, directMiB: number): string {
  return [`-Xms${heapMiB}m`, `-Xmx${heapMiB}m`, `-XX:MaxDirectMemorySize=${directMiB}m`].join('\n');
}

function processingProperties(p: {
  numThreads: number;
  numMergeBuffers: number;
  bufferSizeMiB: number;
}): DruidProperties {
  return {
    'druid.processing.numThreads': p.numThreads,
    'druid.processing.numMergeBuffers': p.numMergeBuffers,
    'druid.processing.buffer.sizeBytes': p.bufferSizeMiB * MIB,
    'druid.processing.tmpDir': '/druid/data/processing',
  };
}

/** Node key of a historical tier: `historicals` for the default tier, `historicals-<tier>` otherwise. */
export function historicalKey(tier: { name: string }): string {
  return tier.name === '_default_tier' ? 'historicals' : `historicals-${tier.name.replace(/_/g, '-')}`;
}

export function nodePoolName(clusterName: string, role: string): string {
  return `druid-${clusterName}-${role}`.slice(0, 63).replace(/-+$/, '');
}

function networkPolicies(ns: string, vpcCidr: string, labels: Record<string, string>): INetworkPolicy[] {
  const meta = (name: string) => ({ name, namespace: ns, labels });
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('default-deny-all'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-druid-internal-and-dns'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [
          { to: [{ podSelector: {} }] },
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      },
    },
    {
      // AWS APIs (S3, Kinesis, STS, Pod Identity agent on the node), MSK IAM, PostgreSQL, Kubernetes API.
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-aws-egress'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { protocol: 'TCP', port: 443 },
              { protocol: 'TCP', port: 9098 },
              { protocol: 'TCP', port: 5432 },
            ],
          },
          { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-alb-to-router'),
      spec: {
        podSelector: { matchLabels: { 'fastish.io/expose': 'load-balancer' } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ ipBlock: { cidr: vpcCidr } }], ports: [{ protocol: 'TCP', port: DRUID_PORTS.router }] },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-metrics-scrape'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: PROMETHEUS_PORT }] }],
      },
    },
  ];
}

function nodePools(props: DruidKubernetesProps, crName: string): Array<IEC2NodeClass | INodePool> {
  const s = props.settings;
  const nvmeClass = `druid-${crName}-nvme`;
  const nodeClass = bottlerocketNodeClass({
    name: nvmeClass,
    nodeRoleName: props.karpenter.nodeRoleName,
    clusterName: props.karpenter.clusterName,
    bottlerocketVersion: props.karpenter.bottlerocketVersion,
    dataVolumeGiB: 40,
    localNvmeRaid0: true,
  });
  const pool = (
    role: string,
    nodeClassName: string,
    requirements: INodePool['spec']['template']['spec']['requirements'],
    cpu: number,
    memGiB: number,
    consolidation: 'WhenEmpty' | 'WhenEmptyOrUnderutilized',
  ): INodePool => ({
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: nodePoolName(crName, role), labels: { 'app.kubernetes.io/managed-by': 'fastish' } },
    spec: {
      template: {
        metadata: { labels: { 'fastish.io/node-pool': nodePoolName(crName, role) } },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClassName },
          requirements,
          taints: [{ key: 'fastish.io/druid', value: role, effect: 'NoSchedule' }],
          expireAfter: '720h',
        },
      },
      disruption: { consolidationPolicy: consolidation, consolidateAfter: '10m', budgets: [{ nodes: '1' }] },
      limits: { cpu: String(Math.ceil(cpu)), memory: `${Math.ceil(memGiB)}Gi` },
    },
  });
  const onDemandArm = [
    { key: 'karpenter.sh/capacity-type', operator: 'In' as const, values: ['on-demand'] },
    { key: 'kubernetes.io/arch', operator: 'In' as const, values: ['arm64', 'amd64'] },
  ];
  // Limits: twice the steady-state footprint, so a rolling replacement always finds room.
  const limit = (n: { replicas: number; cpu: number; memoryMiB: number }) =>
    [n.replicas * n.cpu * 2 + 4, (n.replicas * n.memoryMiB * 2) / 1024 + 16] as const;
  const general = (
    role: string,
    n: { replicas: number; cpu: number; memoryMiB: number },
    families: string[],
  ) =>
    pool(
      role,
      'default',
      [...onDemandArm, { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: families }],
      ...limit(n),
      'WhenEmptyOrUnderutilized',
    );
  return [
    nodeClass,
    general('coordinator', s.coordinator, ['m7g', 'm6g', 'm7i', 'm6i']),
    general('broker', s.broker, ['r7g', 'r6g', 'r7i', 'r6i']),
    general('router', s.router, ['m7g', 'm6g', 'm7i', 'm6i']),
    general('middlemanager', s.middleManager, ['m7g', 'm6g', 'r7g', 'r6g', 'm7i', 'm6i']),
    ...s.historicalTiers.map((t) =>
      pool(
        historicalKey(t),
        nvmeClass,
        [
          ...onDemandArm,
          { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: [...t.instanceFamilies] },
          // Only instances whose local NVMe holds the segment cache (GB, as Karpenter labels it).
          {
            key: 'karpenter.k8s.aws/instance-local-nvme',
            operator: 'Gt',
            values: [String(Math.ceil(t.segmentCacheGiB * 1.1))],
          },
        ],
        ...limit(t),
        // Historicals hold loaded segments: never consolidate a busy node away.
        'WhenEmpty',
      ),
    ),
  ];
}

function routerIngress(
  props: DruidKubernetesProps,
  ns: string,
  service: string,
  labels: Record<string, string>,
): IIngress {
  const cidrs = props.ingress.allowedCidrs.length > 0 ? props.ingress.allowedCidrs : [props.vpcCidr];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'druid-router',
      namespace: ns,
      labels,
      annotations: {
        'alb.ingress.kubernetes.io/scheme': 'internal',
        'alb.ingress.kubernetes.io/target-type': 'ip',
        'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]',
        'alb.ingress.kubernetes.io/ssl-policy': 'ELBSecurityPolicy-TLS13-1-2-2021-06',
        'alb.ingress.kubernetes.io/backend-protocol': 'HTTPS',
        'alb.ingress.kubernetes.io/healthcheck-protocol': 'HTTPS',
        'alb.ingress.kubernetes.io/healthcheck-path': '/status/health',
        'alb.ingress.kubernetes.io/inbound-cidrs': cidrs.join(','),
        'alb.ingress.kubernetes.io/load-balancer-attributes':
          'routing.http.drop_invalid_header_fields.enabled=true,deletion_protection.enabled=true',
        ...(props.ingress.certificateArn
          ? { 'alb.ingress.kubernetes.io/certificate-arn': props.ingress.certificateArn }
          : {}),
      },
    },
    spec: {
      ingressClassName: props.ingress.ingressClass,
      tls: [{ hosts: [props.ingress.hostname] }],
      rules: [
        {
          host: props.ingress.hostname,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: service, port: { number: DRUID_PORTS.router } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/** Shell run by the applier: waits for the router, then posts each file; basic auth via curl's stdin config. */
export function applierScript(base: string, calls: readonly DruidApiCall[]): string {
  const lines = [
    '#!/bin/sh',
    'set -eu',
    `BASE='${base}'`,
    'auth() { printf \'user = "admin:%s"\\n\' "$DRUID_ADMIN_PASSWORD"; }',
    'call() {',
    '  auth | curl --config - --fail-with-body -sS --retry 60 --retry-all-errors --retry-delay 10 \\',
    '    --cacert /tls/ca.crt -H "Content-Type: $3" -X POST --data-binary "@/specs/$2" "$BASE$1"',
    '  echo',
    '}',
    'auth | curl --config - -fsS --retry 90 --retry-all-errors --retry-delay 10 --cacert /tls/ca.crt "$BASE/status/health"',
    'echo',
  ];
  for (const c of calls) lines.push(`call '${c.path}' '${c.file}' 'application/json'`);
  return `${lines.join('\n')}\n`;
}

function specApplier(
  props: DruidKubernetesProps,
  ns: string,
  routerService: string,
  labels: Record<string, string>,
): Array<IConfigMap | IJob> {
  const stack = Stack.of(props.cluster);
  const base = `https://${routerService}.${ns}.svc:${DRUID_PORTS.router}`;
  const data: Record<string, string> = { 'apply.sh': applierScript(base, props.apiCalls) };
  for (const call of props.apiCalls) data[call.file] = stack.toJsonString(call.body);
  // The Job's name carries a hash of the synthesized specs: changed specs run a new Job.
  const digest = createHash('sha256')
    .update(JSON.stringify(stack.resolve(data)))
    .digest('hex')
    .slice(0, 10);
  const name = `druid-apply-specs-${digest}`;
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels }, data },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: ns, labels },
      spec: {
        backoffLimit: 3,
        ttlSecondsAfterFinished: 604_800,
        activeDeadlineSeconds: 3_600,
        template: {
          metadata: { labels: { ...labels, 'druid.fastish.io/job': 'apply-specs' } },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 100,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'apply',
                image: props.curlImage,
                command: ['/bin/sh', '/specs/apply.sh'],
                env: [
                  {
                    name: 'DRUID_ADMIN_PASSWORD',
                    valueFrom: { secretKeyRef: { name: K8S_SECRETS.admin, key: 'password' } },
                  },
                ],
                resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '64Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [
                  { name: 'specs', mountPath: '/specs', readOnly: true },
                  { name: 'tls', mountPath: '/tls', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'specs', configMap: { name } },
              {
                name: 'tls',
                secret: { secretName: K8S_SECRETS.tls, items: [{ key: 'ca.crt', path: 'ca.crt' }] },
              },
            ],
          },
        },
      },
    },
  ];
}
