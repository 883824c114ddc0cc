import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIoK8sApiCoreV1Container } from 'kubernetes-models/v1/Container';
import type { IIoK8sApiCoreV1Volume } from 'kubernetes-models/v1/Volume';
import type { IIoK8sApiCoreV1VolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { KAFKA_IMAGE_FACTS } from '../../../upstream-facts-druid';
import type { AdditionalContainer } from '../druid-resource';
import { mskIamConsumerProperties } from '../specs';
import { type DruidKubernetesProps, type KafkaTopics, LABELS, TOPIC_JOB_SERVICE_ACCOUNT } from './types';

/** File name of the MSK IAM library in its emptyDir. */
const JAR = 'aws-msk-iam-auth-all.jar';
const VOLUME = 'msk-iam-auth';

/**
 * The download of the pinned aws-msk-iam-auth shadow jar into an emptyDir, refused unless its SHA-256 is the
 * pinned one. Neither Druid's image nor Kafka's ships the library; the pods reach Maven Central over the
 * NAT gateway (HTTPS egress is allowed by the namespace's network policies).
 */
export function mskIamAuthDownload(
  mskIamAuth: DruidKubernetesProps['mskIamAuth'],
  curlImage: string,
): { container: IIoK8sApiCoreV1Container; volume: IIoK8sApiCoreV1Volume } {
  const script = [
    'set -eu',
    `curl -fsSL --retry 5 --retry-all-errors -o /msk/${JAR}.part '${mskIamAuth.url}'`,
    `echo '${mskIamAuth.sha256}  /msk/${JAR}.part' | sha256sum -c -`,
    `mv /msk/${JAR}.part /msk/${JAR}`,
  ].join('\n');
  return {
    container: {
      name: 'fetch-msk-iam-auth',
      image: curlImage,
      command: ['/bin/sh', '-c', script],
      resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
      volumeMounts: [{ name: VOLUME, mountPath: '/msk' }],
    },
    volume: { name: VOLUME, emptyDir: { sizeLimit: '64Mi' } },
  };
}

/** The Druid node additions: the download as an operator `additionalContainer` and the jar in the extension. */
export function druidMskIamAuth(
  props: DruidKubernetesProps,
  kafkaExtensionDir: string,
): {
  additionalContainer: AdditionalContainer[];
  volumes: IIoK8sApiCoreV1Volume[];
  volumeMounts: IIoK8sApiCoreV1VolumeMount[];
} {
  const { container, volume } = mskIamAuthDownload(props.mskIamAuth, props.curlImage);
  return {
    additionalContainer: [
      {
        runAsInit: true,
        containerName: container.name,
        image: container.image as string,
        command: container.command as string[],
        resources: container.resources ?? {},
        securityContext: container.securityContext ?? {},
        volumeMounts: container.volumeMounts ?? [],
      },
    ],
    volumes: [volume],
    // The Kafka extension's class loader reads every jar of its directory; the library's classes implement
    // kafka-clients interfaces, so it must load there (not on the application class path).
    volumeMounts: [
      {
        name: VOLUME,
        mountPath: `${kafkaExtensionDir}/aws-msk-iam-auth-${props.mskIamAuth.version}-all.jar`,
        subPath: JAR,
        readOnly: true,
      },
    ],
  };
}

/**
 * A Job creating the MSK Serverless topics (the service never auto-creates them) with Kafka's own CLI over
 * SASL/IAM, as the topic Job's Pod Identity role. `--if-not-exists` makes a re-run harmless; the name
 * carries a hash of the topics, so adding one runs it again.
 */
export function topicJob(props: DruidKubernetesProps, ns: string, kafka: KafkaTopics): IJob {
  const stack = Stack.of(props.cluster);
  const client = Object.entries(mskIamConsumerProperties('unused'))
    .filter(([k]) => k !== 'bootstrap.servers')
    .map(([k, v]) => `${k}=${v}`);
  const script = [
    'set -eu',
    `cat > /tmp/client.properties <<'EOF'`,
    ...client,
    'EOF',
    ...kafka.topics.map(
      (t) =>
        `${KAFKA_IMAGE_FACTS.topicsCli} --bootstrap-server "$BOOTSTRAP_SERVERS" --command-config /tmp/client.properties --create --if-not-exists --topic '${t.name}' --partitions ${t.partitions}`,
    ),
  ].join('\n');
  const digest = createHash('sha256')
    .update(JSON.stringify(stack.resolve({ script, bootstrap: kafka.bootstrapServers })))
    .digest('hex')
    .slice(0, 10);
  const { container, volume } = mskIamAuthDownload(props.mskIamAuth, props.curlImage);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: `druid-kafka-topics-${digest}`, namespace: ns, labels: LABELS },
    spec: {
      backoffLimit: 6,
      ttlSecondsAfterFinished: 604_800,
      activeDeadlineSeconds: 1_800,
      template: {
        metadata: { labels: { ...LABELS, 'druid.fastish.io/job': 'kafka-topics' } },
        spec: {
          serviceAccountName: TOPIC_JOB_SERVICE_ACCOUNT,
          restartPolicy: 'OnFailure',
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          initContainers: [container],
          containers: [
            {
              name: 'create-topics',
              image: props.kafkaImage,
              command: ['/bin/sh', '-c', script],
              env: [
                { name: 'BOOTSTRAP_SERVERS', value: kafka.bootstrapServers },
                { name: KAFKA_IMAGE_FACTS.classpathEnv, value: `/msk/${JAR}` },
                { name: 'LOG_DIR', value: '/tmp/logs' },
                { name: 'AWS_REGION', value: props.region },
              ],
              resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '768Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: VOLUME, mountPath: '/msk', readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [volume, { name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}
