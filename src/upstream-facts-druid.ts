/**
 * What the Druid architecture relies on from Apache Druid's image, the druid-operator, the AWS SDKs and the
 * MSK IAM library, read at the pinned versions (see `upstream-facts.ts` for the convention). Contract tests
 * in `test/druid/contract.test.ts` hold the synthesized `Druid` resource, NodePools and Jobs against these.
 */
import type { UpstreamSource } from './upstream-source';

/** A source read from a mirror whose history lacks the release tag itself. */
export interface DruidSource extends UpstreamSource {
  /** What `commit` is when it is not the tag's own commit. */
  readonly readAt: string;
}

/** Where apache/druid releases were read: the release branches are cut from master at these commits. */
const druidAt = (tag: string, commit: string, nextSnapshot: string): DruidSource => ({
  repository: 'apache/druid',
  tag,
  commit,
  readAt: `last master commit before "${nextSnapshot}": the ${tag} release branch was cut here (read in a mirror of apache/druid's master history without release tags; backports on the release branch are not reflected)`,
});

/** AWS SDK for Java v1 (`aws.sdk.version` in the root pom.xml) each Druid release ships. */
export const DRUID_RELEASES: Record<string, { readonly awsJavaSdkV1: string; readonly source: DruidSource }> =
  {
    '33.0.0': {
      awsJavaSdkV1: '1.12.638',
      source: druidAt(
        'druid-33.0.0',
        '252cee57db70d721c169509f207902e920a0ca60',
        'Update master to 34.0.0-SNAPSHOT (#17868)',
      ),
    },
    '34.0.0': {
      awsJavaSdkV1: '1.12.784',
      source: druidAt(
        'druid-34.0.0',
        '051c655133ac813cbf4aa246ef131b559f631740',
        'Prep master for next release cycle (#18224)',
      ),
    },
  };

/** First AWS SDK releases whose container credential provider reads EKS Pod Identity. */
export const POD_IDENTITY_MIN_SDK = {
  javaV1: '1.12.746',
  javaV2: '2.21.30',
  evidence: [
    'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-minimum-sdk.html: "Java (Version 2) – 2.21.30", "Java – 1.12.746"',
    'aws/aws-sdk-java aws-java-sdk-core/.../auth/ContainerCredentialsProvider.java (older releases): AWS_CONTAINER_CREDENTIALS_FULL_URI hosts limited to 127.0.0.1 and localhost, token only from AWS_CONTAINER_AUTHORIZATION_TOKEN; Pod Identity sets http://169.254.170.23/v1/credentials and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
    'apache/druid cloud/aws-common/.../AWSCredentialsUtils.java defaultAWSCredentialsProviderChain: config, file session, env, system properties, web identity, profile, EC2ContainerCredentialsProviderWrapper, instance profile (IMDS, out of reach with hop limit 1)',
  ],
} as const;

/** The image's start script and layout (`distribution/docker/Dockerfile`, `distribution/docker/druid.sh`). */
export interface DruidImageFacts {
  /** Image tag the facts are for; must equal the tag of `VERSIONS.druid.image`. */
  readonly version: string;
  readonly source: DruidSource;
  /** Dockerfile: `COPY distribution/docker/druid.sh /druid.sh`, `WORKDIR /opt/druid`, `USER druid` (uid/gid 1000). */
  readonly startScript: string;
  readonly workdir: string;
  readonly uid: number;
  readonly gid: number;
  /** druid.sh copies this tree to `copiedTo` at every start and reads configuration only from the copy. */
  readonly confTree: string;
  readonly copiedTo: string;
  /** `getClusterConfPath`: the directory (below `confTree`) read for each service argument. */
  readonly confDirs: Readonly<Record<string, string>>;
  /** Files druid.sh and the JVM read from the service directory and from `_common`. */
  readonly serviceFiles: readonly string[];
  readonly commonFiles: readonly string[];
  /** `cp -f "$DRUID_CONFIG_COMMON" $COMMON_CONF_DIR/common.runtime.properties`. */
  readonly commonConfigEnv: string;
  /** `DRUID_CONFIG_${SERVICE}` is copied over the service's runtime.properties. */
  readonly serviceConfigEnvPrefix: string;
  /** `mkdir -p ${DRUID_DIRS_TO_CREATE}` before the JVM starts (relative paths are below `workdir`). */
  readonly dirsToCreateEnv: string;
  /** Extension directories (`druid.extensions.directory` defaults to `extensions`, below `workdir`). */
  readonly extensionsDir: string;
  /** `DRUID_SET_HOST_IP=1` sets druid.host to the pod IP; inside Kubernetes it defaults to 0 (canonical host name). */
  readonly setHostIpEnv: string;
  /** Extension directories the distribution bundles (`distribution/pom.xml`, `-Pdist,bundle-contrib-exts`). */
  readonly bundledExtensions: readonly string[];
  /** kafka-clients in `extensions/druid-kafka-indexing-service` (root pom `apache.kafka.version`). */
  readonly kafkaClients: string;
  /** Whether any module depends on software.amazon.msk:aws-msk-iam-auth (none does). */
  readonly bundlesMskIamAuth: boolean;
  /** `KafkaRecordSupplier`: `props.putIfAbsent("group.id", "kafka-supervisor-" + random id)`. */
  readonly kafkaGroupIdPrefix: string;
  readonly evidence: readonly string[];
}

export const DRUID_IMAGE_FACTS: DruidImageFacts = {
  version: '34.0.0',
  source: DRUID_RELEASES['34.0.0']?.source as DruidSource,
  startScript: '/druid.sh',
  workdir: '/opt/druid',
  uid: 1000,
  gid: 1000,
  confTree: '/opt/druid/conf/druid',
  copiedTo: '/tmp/conf/druid',
  confDirs: {
    _common: 'cluster/_common',
    coordinator: 'cluster/master/coordinator-overlord',
    overlord: 'cluster/master/coordinator-overlord',
    broker: 'cluster/query/broker',
    router: 'cluster/query/router',
    historical: 'cluster/data/historical',
    middleManager: 'cluster/data/middleManager',
    indexer: 'cluster/data/indexer',
  },
  serviceFiles: ['runtime.properties', 'jvm.config'],
  commonFiles: ['common.runtime.properties', 'log4j2.xml'],
  commonConfigEnv: 'DRUID_CONFIG_COMMON',
  serviceConfigEnvPrefix: 'DRUID_CONFIG_',
  dirsToCreateEnv: 'DRUID_DIRS_TO_CREATE',
  extensionsDir: '/opt/druid/extensions',
  setHostIpEnv: 'DRUID_SET_HOST_IP',
  bundledExtensions: [
    'druid-s3-extensions',
    'postgresql-metadata-storage',
    'druid-kafka-indexing-service',
    'druid-kinesis-indexing-service',
    'druid-kubernetes-extensions',
    'druid-basic-security',
    'prometheus-emitter',
    'druid-datasketches',
    'druid-multi-stage-query',
    'simple-client-sslcontext',
  ],
  kafkaClients: '3.9.1',
  bundlesMskIamAuth: false,
  kafkaGroupIdPrefix: 'kafka-supervisor-',
  evidence: [
    'distribution/docker/druid.sh: cp -r /opt/druid/conf/druid /tmp/conf/druid; getClusterConfPath maps the service argument to cluster/{_common,master/coordinator-overlord,query/broker,query/router,data/historical,data/middleManager,data/indexer}',
    'distribution/docker/druid.sh: JAVA_OPTS from $SERVICE_CONF_DIR/jvm.config; exec bin/run-java ... -cp $COMMON_CONF_DIR:$SERVICE_CONF_DIR:lib/*',
    'examples/conf/druid/cluster/_common holds common.runtime.properties and log4j2.xml (copied to /opt/druid/conf by distribution/src/assembly/assembly.xml)',
    'distribution/docker/Dockerfile: FROM gcr.io/distroless/java17-debian12 with busybox; adduser -u 1000 druid; ENTRYPOINT ["/druid.sh"]',
    'no pom.xml references aws-msk-iam-auth; docs/ingestion/kafka-ingestion.md documents SASL only with PLAIN/jaas',
    'extensions-core/kafka-indexing-service/.../KafkaRecordSupplier.java: group.id kafka-supervisor-<random>; partitions are assigned, offsets kept in the metadata store',
  ],
};

/** datainfrahq/druid-operator at the chart's appVersion: how a `Druid` resource becomes pods. */
export const DRUID_OPERATOR_FACTS = {
  chartVersion: '0.3.9',
  appVersion: 'v1.3.0',
  source: {
    repository: 'datainfrahq/druid-operator',
    tag: 'v1.3.0',
    commit: 'bb036249205e2d7c9d093d291c70b579e56313c5',
  } satisfies UpstreamSource,
  /** makePodSpec: `Command: [spec.startScript, nodeSpec.nodeType]` (the node type is druid.sh's SERVICE). */
  commandIsStartScriptAndNodeType: true,
  /** makeCommonConfigMap: key `common.runtime.properties`, mounted read-only at `commonConfigMountPath`. */
  commonConfigMapKeys: ['common.runtime.properties'],
  /** makeConfigMapForNodeSpec: `runtime.properties` (`druid.port=<port>` prepended), `jvm.config` (jvm.options + extra.jvm.options), `log4j2.xml` only with log4j.config. */
  nodeConfigMapKeys: ['runtime.properties', 'jvm.config'],
  /** getEnv/podAnnotations/nodeSelector: the node's value replaces the cluster's (firstNonNilValue), never merges. */
  nodeReplaces: [
    'env',
    'envFrom',
    'podAnnotations',
    'nodeSelector',
    'securityContext',
    'containerSecurityContext',
  ],
  /** getVolumes/getVolumeMounts/getTolerations/additionalContainer: cluster's then node's, appended. */
  nodeAppends: ['volumes', 'volumeMounts', 'tolerations', 'additionalContainer'],
  evidence: [
    'chart/Chart.yaml at d68d6cf8: version 0.3.9, appVersion v1.3.0',
    'controllers/druid/handler.go makePodSpec, getEnv, getVolumeMounts; controllers/druid/configuration.go makeConfigMapForNodeSpec; controllers/druid/additional_containers.go (runAsInit → initContainers)',
    "apache/druid server/.../DruidNode.java init: with druid.enablePlaintextPort=false the plaintext port (the operator's prepended druid.port) is ignored (-1); druid.tlsPort is required",
  ],
} as const;

/**
 * aws/aws-msk-iam-auth: the SASL mechanism MSK IAM needs on the Kafka client's class path. Its shadow (`-all`)
 * jar bundles its AWS SDK v2 but not kafka-clients or slf4j (README "Building from source"), so it must sit
 * where the Kafka extension's class loader finds it: the extension's directory.
 */
export const MSK_IAM_AUTH_FACTS = {
  version: '2.3.2',
  source: {
    repository: 'aws/aws-msk-iam-auth',
    tag: 'v2.3.2',
    commit: 'd12d07a0d9490067e476022f1eefb1704832cede',
  } satisfies UpstreamSource,
  awsSdkV2: '2.30.23',
  /** Maven Central publishes the shadow jar with classifier `all` (build.gradle: shadow plugin 8, components.java). */
  url: 'https://repo1.maven.org/maven2/software/amazon/msk/aws-msk-iam-auth/2.3.2/aws-msk-iam-auth-2.3.2-all.jar',
  /**
   * SHA-256 of that jar as published in a third-party lockfile that compared it with Maven Central's `.sha1`
   * (2026-10-08); not recomputed here (no route to Maven Central from the build machine). The init container
   * refuses any other digest, so a wrong value fails the pod loudly rather than running an unknown jar.
   */
  sha256: '746f7a331eb02fd92fcad43935a97ce3d219e5f8a97a643012b2bb14c9020011',
  evidence: [
    'build.gradle at v2.3.2: platform software.amazon.awssdk:bom:2.30.23; kafka-clients compileOnly',
    'src/main/java/software/amazon/msk/auth/iam/internals/MSKCredentialProvider.java getDefaultProvider: env, system properties, web identity, profile, ContainerCredentialsProvider, instance profile',
    'README: "IAMClientCallbackHandler could not be found" means the library is not on the Kafka client\'s class path',
  ],
} as const;

/** The apache/kafka image the topic Job runs (`docker/jvm/Dockerfile`): Kafka's CLI under /opt/kafka. */
export const KAFKA_IMAGE_FACTS = {
  source: {
    repository: 'apache/kafka',
    path: 'docker/jvm/Dockerfile',
    commit: '120d52df7d4a1e7eaf90e4e069b9c49c27e3d0de',
  },
  home: '/opt/kafka',
  topicsCli: '/opt/kafka/bin/kafka-topics.sh',
  /** bin/kafka-run-class.sh prepends $CLASSPATH to the tools' class path. */
  classpathEnv: 'CLASSPATH',
  user: 'appuser',
} as const;

/**
 * Karpenter's model of a node's allocatable resources (aws/karpenter-provider-aws v1.8.1
 * `pkg/providers/instancetype/types.go`), and the ENI-limited pod counts it uses for Bottlerocket's
 * kube-reserved memory (aws/amazon-vpc-cni-k8s `misc/eni-max-pods.txt`).
 */
export const KARPENTER_ALLOCATABLE_FACTS = {
  source: {
    repository: 'aws/karpenter-provider-aws',
    tag: 'v1.8.1',
    commit: '1ad0d78f8fa452cf27f4cf607377dd092489e2a0',
  } satisfies UpstreamSource,
  /** kubeReservedResources: CPU percentages of each core range (millicores). */
  kubeReservedCpu: [
    { fromMillis: 0, toMillis: 1000, percent: 0.06 },
    { fromMillis: 1000, toMillis: 2000, percent: 0.01 },
    { fromMillis: 2000, toMillis: 4000, percent: 0.005 },
    { fromMillis: 4000, toMillis: Number.MAX_SAFE_INTEGER, percent: 0.0025 },
  ],
  /** kubeReservedResources: memory = 11 MiB per pod + 255 MiB. */
  kubeReservedMemoryPerPodMiB: 11,
  kubeReservedMemoryBaseMiB: 255,
  /** evictionThreshold: memory.available 100Mi. */
  evictionMemoryMiB: 100,
  /** memory(): capacity minus VM_MEMORY_OVERHEAD_PERCENT (default 0.075). */
  vmMemoryOverheadPercent: 0.075,
  /** eni-max-pods.txt for the m/r/i general-purpose Nitro families Fastish selects, by vCPU count. */
  eniMaxPodsByVcpu: { 2: 29, 4: 58, 8: 58, 16: 234, 32: 234, 64: 234 } as Readonly<Record<number, number>>,
  eniSource: {
    repository: 'aws/amazon-vpc-cni-k8s',
    tag: 'master',
    commit: 'b52188387f2e2f10bf289ace929d6a63b176a4fa',
  } satisfies UpstreamSource,
  /** karpenter.sh/v1 NodePool `spec.template.spec.expireAfter` accepts a duration or `Never`. */
  expireAfterNever: 'Never',
} as const;

/** grafana/k8s-monitoring v2.1.4: the annotation autodiscovery feature and the annotations it reads. */
export const K8S_MONITORING_DISCOVERY_FACTS = {
  valuesKey: 'annotationAutodiscovery.enabled',
  scrape: 'k8s.grafana.com/scrape',
  portNumber: 'k8s.grafana.com/metrics.portNumber',
  path: 'k8s.grafana.com/metrics.path',
  evidence: [
    'charts/k8s-monitoring/values.yaml: annotationAutodiscovery.enabled (default false)',
    'charts/k8s-monitoring/charts/feature-annotation-autodiscovery/values.yaml: annotations.scrape "k8s.grafana.com/scrape", metricsPortNumber "k8s.grafana.com/metrics.portNumber"',
  ],
} as const;

/** Druid's TLS and Prometheus emitter properties (docs at the Druid release above). */
export const DRUID_PROPERTY_FACTS = {
  /** docs/operations/tls-support.md: the server reloads a changed key store when true (default false). */
  reloadSslContext: 'druid.server.https.reloadSslContext',
  reloadSslContextSeconds: 'druid.server.https.reloadSslContextSeconds',
  /**
   * docs/development/extensions-contrib/prometheus.md: the exporter serves one port per process; peons are
   * forked with the MiddleManager's properties and "cannot" use the exporter, so they are overridden with
   * `druid.indexer.fork.property.*`.
   */
  peonEmitterOverride: 'druid.indexer.fork.property.druid.emitter',
} as const;
