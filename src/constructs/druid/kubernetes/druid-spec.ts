import type { IIoK8sApiCoreV1EnvVar } from 'kubernetes-models/v1/EnvVar';
import {
  DRUID_IMAGE_FACTS,
  DRUID_PROPERTY_FACTS,
  K8S_MONITORING_DISCOVERY_FACTS,
} from '../../../upstream-facts-druid';
import type { DruidNodeSpec, DruidResource } from '../druid-resource';
import { DRUID_EXTENSIONS, type DruidProperties, renderRuntimeProperties } from '../runtime-properties';
import type { HistoricalTierSettings, NodeSettings } from '../settings';
import { checkContainerSizing, type JvmSizing, type SizingReport } from '../sizing';
import { druidMskIamAuth } from './kafka';
import {
  DRUID_PORTS,
  type DruidKubernetesProps,
  type DruidService,
  historicalKey,
  K8S_SECRETS,
  LABELS,
  MIB,
  nodePoolName,
  PROMETHEUS_PORT,
} from './types';

/** Where the common ConfigMap is mounted: outside the image's conf tree, so `_common/log4j2.xml` stays. */
export const COMMON_CONFIG_DIR = '/druid/conf/common';
/** JVM temporary files and Druid's working directories (emptyDirs, created by the mounts). */
export const TMP_DIR = '/druid/tmp';
export const DATA_DIR = '/druid/data';
const TLS_DIR = '/druid/tls';

/** The directory druid.sh reads a node type's runtime.properties and jvm.config from (in the image's tree). */
export function nodeConfigDir(nodeType: string): string {
  const dir = DRUID_IMAGE_FACTS.confDirs[nodeType];
  if (!dir) throw new Error(`druid.sh has no configuration directory for node type "${nodeType}"`);
  return `${DRUID_IMAGE_FACTS.confTree}/${dir}`;
}

function jvmOptions(heapMiB: number, directMiB: number): string {
  return [`-Xms${heapMiB}m`, `-Xmx${heapMiB}m`, `-XX:MaxDirectMemorySize=${directMiB}m`].join('\n');
}

function processingProperties(p: { numThreads: number; numMergeBuffers: number; bufferSizeMiB: number }) {
  return {
    'druid.processing.numThreads': p.numThreads,
    'druid.processing.numMergeBuffers': p.numMergeBuffers,
    'druid.processing.buffer.sizeBytes': p.bufferSizeMiB * MIB,
    'druid.processing.tmpDir': `${DATA_DIR}/processing`,
  } satisfies DruidProperties;
}

function commonProperties(props: DruidKubernetesProps): DruidProperties {
  const crName = props.settings.clusterName;
  const env = (variable: string) => ({ type: 'environment' as const, variable });
  return {
    'druid.extensions.loadList': [...DRUID_EXTENSIONS],
    'druid.zk.service.enabled': false,
    'druid.discovery.type': 'k8s',
    'druid.discovery.k8s.clusterIdentifier': crName,
    'druid.serverview.type': 'http',
    'druid.indexer.runner.type': 'httpRemote',
    'druid.enablePlaintextPort': false,
    'druid.enableTlsPort': true,
    'druid.server.https.keyStorePath': `${TLS_DIR}/keystore.p12`,
    'druid.server.https.keyStoreType': 'pkcs12',
    'druid.server.https.certAlias': 'certificate',
    'druid.server.https.keyStorePassword': env('DRUID_KEYSTORE_PASSWORD'),
    'druid.server.https.requireClientCertificate': false,
    // cert-manager rewrites the keystore on renewal; without a reload Druid serves the old certificate
    // until it expires.
    [DRUID_PROPERTY_FACTS.reloadSslContext]: true,
    [DRUID_PROPERTY_FACTS.reloadSslContextSeconds]: 60,
    'druid.client.https.protocol': 'TLSv1.2',
    'druid.client.https.trustStorePath': `${TLS_DIR}/truststore.p12`,
    'druid.client.https.trustStoreType': 'pkcs12',
    'druid.client.https.trustStorePassword': env('DRUID_KEYSTORE_PASSWORD'),
    // Pods announce themselves by IP (DRUID_SET_HOST_IP); the certificate names services, so internal
    // clients verify the chain (namespace CA) but not host names.
    'druid.client.https.validateHostnames': false,
    'druid.metadata.storage.type': 'postgresql',
    'druid.metadata.storage.connector.connectURI': props.jdbcUrl,
    'druid.metadata.storage.connector.user': props.metadataUser,
    'druid.metadata.storage.connector.password': env('DRUID_METADATA_PASSWORD'),
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
    'druid.msq.intermediate.storage.tempDir': `${DATA_DIR}/msq`,
    'druid.auth.authenticatorChain': ['basic'],
    'druid.auth.authenticator.basic.type': 'basic',
    'druid.auth.authenticator.basic.initialAdminPassword': env('DRUID_ADMIN_PASSWORD'),
    'druid.auth.authenticator.basic.initialInternalClientPassword': env('DRUID_INTERNAL_PASSWORD'),
    'druid.auth.authenticator.basic.credentialsValidator.type': 'metadata',
    'druid.auth.authenticator.basic.skipOnFailure': false,
    'druid.auth.authenticator.basic.authorizerName': 'basic',
    'druid.auth.authorizers': ['basic'],
    'druid.auth.authorizer.basic.type': 'basic',
    'druid.escalator.type': 'basic',
    'druid.escalator.internalClientUsername': 'druid_system',
    'druid.escalator.internalClientPassword': env('DRUID_INTERNAL_PASSWORD'),
    'druid.escalator.authorizerName': 'basic',
    // The exporter port is per process (each node's runtime.properties); peons never export.
    'druid.emitter': 'prometheus',
    'druid.emitter.prometheus.strategy': 'exporter',
    'druid.emitter.prometheus.namespace': 'druid',
    'druid.emitter.prometheus.addServiceAsLabel': true,
    'druid.monitoring.monitors': ['org.apache.druid.java.util.metrics.JvmMonitor'],
    'druid.startup.logging.logProperties': false,
    'druid.request.logging.type': 'noop',
    'druid.sql.enable': true,
    'druid.sql.avatica.enable': true,
    'druid.coordinator.kill.on': false,
  };
}

/**
 * The typed `Druid` resource: common properties mounted outside the image's conf tree and copied in by
 * druid.sh (`DRUID_CONFIG_COMMON`), each node's ConfigMap (runtime.properties, jvm.config) mounted where
 * druid.sh reads its node type, temporary and data directories on emptyDirs, and the MSK IAM library in
 * the Kafka extension of the nodes that read Kafka. Each container is sized by FST-DRUID1.
 */
export function druidResource(
  props: DruidKubernetesProps,
  serviceAccounts: Record<DruidService, string>,
  where: string,
): { resource: DruidResource; sizing: Record<string, SizingReport> } {
  const s = props.settings;
  const crName = s.clusterName;
  const sizing: Record<string, SizingReport> = {};
  const size = (
    name: string,
    n: NodeSettings,
    children: JvmSizing[],
    processing?: HistoricalTierSettings['processing'],
  ) => {
    sizing[name] = checkContainerSizing(`${where}/${name}`, {
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
  };
  const kafkaNodes = props.kafka
    ? druidMskIamAuth(props, `${DRUID_IMAGE_FACTS.extensionsDir}/druid-kafka-indexing-service`)
    : undefined;

  const nodes: Record<string, DruidNodeSpec> = {};
  const node = (
    key: string,
    service: DruidService,
    nodeType: DruidNodeSpec['nodeType'],
    n: NodeSettings,
    properties: DruidProperties,
    extra: Partial<DruidNodeSpec> = {},
  ) => {
    const port = DRUID_PORTS[service];
    const readsKafka = kafkaNodes && (service === 'coordinator' || service === 'middlemanager');
    nodes[key] = {
      nodeType,
      'druid.port': port,
      kind: 'StatefulSet',
      replicas: n.replicas,
      serviceAccountName: serviceAccounts[service],
      nodeConfigMountPath: nodeConfigDir(nodeType),
      'runtime.properties': renderRuntimeProperties(
        {
          'druid.service': `druid/${nodeType.toLowerCase()}`,
          'druid.tlsPort': port,
          'druid.emitter.prometheus.port': PROMETHEUS_PORT,
          ...properties,
        },
        `${where}/${key}`,
      ),
      'extra.jvm.options': jvmOptions(n.heapMiB, n.directMemoryMiB),
      resources: {
        requests: { cpu: String(n.cpu), memory: `${n.memoryMiB}Mi` },
        limits: { cpu: String(n.cpu), memory: `${n.memoryMiB}Mi` },
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
      ...(readsKafka
        ? {
            additionalContainer: kafkaNodes.additionalContainer,
            volumes: kafkaNodes.volumes,
            volumeMounts: kafkaNodes.volumeMounts,
          }
        : {}),
      ...extra,
    };
  };

  const c = s.coordinator;
  size('coordinator', c, []);
  node('coordinators', 'coordinator', 'coordinator', c, {
    'druid.coordinator.asOverlord.enabled': true,
    'druid.coordinator.asOverlord.overlordService': 'druid/overlord',
    'druid.coordinator.startDelay': 'PT30S',
    'druid.coordinator.period': 'PT30S',
    'druid.indexer.storage.type': 'metadata',
    'druid.indexer.queue.startDelay': 'PT30S',
  });

  const b = s.broker;
  size('broker', b, [], b.processing);
  node('brokers', 'broker', 'broker', b, {
    ...processingProperties(b.processing),
    'druid.broker.http.numConnections': 20,
    'druid.server.http.numThreads': 40,
    'druid.broker.cache.useCache': false,
    'druid.broker.cache.populateCache': false,
    'druid.sql.enable': true,
  });

  const r = s.router;
  size('router', r, []);
  node('routers', 'router', 'router', r, {
    'druid.router.managementProxy.enabled': true,
    'druid.router.defaultBrokerServiceName': 'druid/broker',
    'druid.router.coordinatorServiceName': 'druid/coordinator',
    'druid.router.http.numConnections': 25,
  });

  for (const tier of s.historicalTiers) {
    const key = historicalKey(tier);
    size(key, tier, [], tier.processing);
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
  size('middlemanager', m, [
    {
      role: 'peon',
      heapMiB: m.peonHeapMiB,
      directMemoryMiB: m.peonDirectMemoryMiB,
      overheadMiB: m.jvmOverheadMiB,
      processing: m.peonProcessing,
      count: m.workerCapacity,
    },
  ]);
  node('middlemanagers', 'middlemanager', 'middleManager', m, {
    'druid.worker.capacity': m.workerCapacity,
    'druid.worker.category': '_default_worker_category',
    'druid.indexer.task.baseTaskDir': `${DATA_DIR}/tasks`,
    'druid.indexer.runner.javaOptsArray': [
      '-server',
      `-Xms${m.peonHeapMiB}m`,
      `-Xmx${m.peonHeapMiB}m`,
      `-XX:MaxDirectMemorySize=${m.peonDirectMemoryMiB}m`,
      '-Duser.timezone=UTC',
      '-Dfile.encoding=UTF-8',
      `-Djava.io.tmpdir=${TMP_DIR}`,
      '-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager',
    ],
    'druid.indexer.fork.property.druid.processing.numThreads': m.peonProcessing.numThreads,
    'druid.indexer.fork.property.druid.processing.numMergeBuffers': m.peonProcessing.numMergeBuffers,
    'druid.indexer.fork.property.druid.processing.buffer.sizeBytes': m.peonProcessing.bufferSizeMiB * MIB,
    'druid.indexer.fork.property.druid.server.http.numThreads': 20,
    // Peons inherit the MiddleManager's properties; an exporter in each would bind the same port.
    [DRUID_PROPERTY_FACTS.peonEmitterOverride]: 'noop',
  });

  const secretEnv = (name: string, secret: string): IIoK8sApiCoreV1EnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: secret, key: 'password' } },
  });
  const f = DRUID_IMAGE_FACTS;
  const resource: DruidResource = {
    apiVersion: 'druid.apache.org/v1alpha1',
    kind: 'Druid',
    metadata: { name: crName, namespace: s.namespace, labels: LABELS },
    spec: {
      image: props.image,
      startScript: f.startScript,
      rollingDeploy: true,
      defaultProbes: false,
      deleteOrphanPvc: true,
      commonConfigMountPath: COMMON_CONFIG_DIR,
      'common.runtime.properties': renderRuntimeProperties(commonProperties(props), `${where}/common`),
      'jvm.options': [
        '-server',
        '-XX:+UseG1GC',
        '-XX:+ExitOnOutOfMemoryError',
        '-Duser.timezone=UTC',
        '-Dfile.encoding=UTF-8',
        `-Djava.io.tmpdir=${TMP_DIR}`,
        '-Djava.util.logging.manager=org.apache.logging.log4j.jul.LogManager',
      ].join('\n'),
      securityContext: { runAsNonRoot: true, runAsUser: f.uid, runAsGroup: f.gid, fsGroup: f.gid },
      containerSecurityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      // Cluster-level only: the operator replaces (never merges) this list with a node's own env.
      env: [
        { name: f.commonConfigEnv, value: `${COMMON_CONFIG_DIR}/common.runtime.properties` },
        { name: f.setHostIpEnv, value: '1' },
        {
          name: f.dirsToCreateEnv,
          value: ['processing', 'msq', 'tasks'].map((d) => `${DATA_DIR}/${d}`).join(' '),
        },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'AWS_REGION', value: props.region },
        secretEnv('DRUID_METADATA_PASSWORD', K8S_SECRETS.metadata),
        secretEnv('DRUID_ADMIN_PASSWORD', K8S_SECRETS.admin),
        secretEnv('DRUID_INTERNAL_PASSWORD', K8S_SECRETS.internal),
        secretEnv('DRUID_KEYSTORE_PASSWORD', K8S_SECRETS.keystore),
      ],
      volumes: [
        { name: 'tls', secret: { secretName: K8S_SECRETS.tls, defaultMode: 0o440 } },
        { name: 'tmp', emptyDir: {} },
        { name: 'data', emptyDir: {} },
      ],
      volumeMounts: [
        { name: 'tls', mountPath: TLS_DIR, readOnly: true },
        { name: 'tmp', mountPath: TMP_DIR },
        { name: 'data', mountPath: DATA_DIR },
      ],
      podAnnotations: {
        [K8S_MONITORING_DISCOVERY_FACTS.scrape]: 'true',
        [K8S_MONITORING_DISCOVERY_FACTS.portNumber]: String(PROMETHEUS_PORT),
      },
      services: [{ apiVersion: 'v1', kind: 'Service', spec: { type: 'ClusterIP', clusterIP: 'None' } }],
      nodes,
    },
  };
  return { resource, sizing };
}
