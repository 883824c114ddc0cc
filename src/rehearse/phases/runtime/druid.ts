import { at, type Deployed, type KubeObject, keyCalls, known, PHASE, type RuntimeModel } from './model';
import { type PodSession, podCall } from './pod-session';

/** `key=value` lines of a Druid runtime.properties text. */
function properties(text: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of String(text ?? '').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !line.startsWith('#')) out.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return out;
}

interface Ingestion {
  readonly kafkaTopics: string[];
  readonly kinesisStreams: string[];
  /** `s3://bucket/prefix` inputs of batch (MSQ `EXTERN`) ingestion. */
  readonly s3Inputs: string[];
}

/** What the specs a stack submits to Druid read: supervisor topics and streams, batch S3 prefixes. */
function ingestion(objects: readonly KubeObject[]): Ingestion {
  const out: Ingestion = { kafkaTopics: [], kinesisStreams: [], s3Inputs: [] };
  for (const map of objects.filter((o) => o.kind === 'ConfigMap')) {
    for (const [file, text] of Object.entries((at(map.body, 'data') ?? {}) as Record<string, string>)) {
      if (file.endsWith('.supervisor.json')) {
        const io = at(JSON.parse(text), 'spec', 'ioConfig') as Record<string, unknown> | undefined;
        if (io?.type === 'kafka' && known(io.topic)) out.kafkaTopics.push(io.topic);
        if (io?.type === 'kinesis' && known(io.stream)) out.kinesisStreams.push(io.stream);
      } else if (file.endsWith('.json')) {
        for (const m of text.matchAll(/s3:\/\/[^"\\\s]+/g)) out.s3Inputs.push(m[0]);
      }
    }
  }
  return out;
}

/**
 * Druid processes through their Pod Identity roles, per node type of the `Druid` resource that runs as
 * the pod's service account (Druid's S3, Kafka and Kinesis extensions): peons (middle managers) push
 * segments and task logs, use MSQ intermediate storage, read Kafka topics, Kinesis streams and batch
 * inputs, and kill segments; historicals pull segments; the coordinator as overlord runs supervisors
 * (partition and offset lookups) and reads task logs. Pushes carry an ACL unless `disableAcl` is set
 * (`GetBucketAcl` and `PutObjectAcl` then). Kafka consumers `assign` partitions and keep offsets in the
 * metadata store, but carry a `kafka-supervisor-<random>` group id (KafkaRecordSupplier): the MSK consumer
 * policy's group actions are replayed on such a group. A Job running Kafka's `kafka-topics.sh --create` as
 * the pod's service account connects and creates (and describes) its topics.
 * Returns false when no Druid node or topic Job runs as the pod's service account.
 */
export async function druidCalls(model: RuntimeModel, pod: PodSession): Promise<boolean> {
  const objects = model
    .kubeObjects()
    .filter((o) => o.stack.account === pod.stack.account && o.cluster === pod.cluster);
  let matched = false;
  for (const druid of objects.filter((o) => o.kind === 'Druid' && o.namespace === pod.namespace)) {
    const common = properties(at(druid.body, 'spec', 'common.runtime.properties'));
    const nodes = Object.values(
      (at(druid.body, 'spec', 'nodes') ?? {}) as Record<string, Record<string, unknown>>,
    );
    const inputs = ingestion(objects.filter((o) => o.stack === druid.stack));
    for (const node of nodes.filter((n) => n.serviceAccountName === pod.serviceAccount)) {
      matched = true;
      const own = properties(node['runtime.properties']);
      const p = new Map([...common, ...own]);
      const calls = new DruidCalls(
        model,
        pod,
        `Druid ${druid.name} ${String(node.nodeType)}`,
        p,
        druid.stack.stackName,
      );
      switch (node.nodeType) {
        case 'middleManager':
          await calls.peon(inputs);
          break;
        case 'historical':
          await calls.objects('druid.storage', p.get('druid.storage.baseKey'), ['read']);
          break;
        case 'coordinator':
        case 'overlord':
          if (node.nodeType === 'overlord' || p.get('druid.coordinator.asOverlord.enabled') === 'true') {
            await calls.overlord(inputs);
          }
          break;
      }
    }
  }
  for (const job of objects.filter((o) => o.kind === 'Job' && o.namespace === pod.namespace)) {
    const spec = at(job.body, 'spec', 'template', 'spec') as Record<string, unknown> | undefined;
    if (spec?.serviceAccountName !== pod.serviceAccount) continue;
    const scripts = ((spec.containers ?? []) as Record<string, unknown>[]).map((c) =>
      ((c.command ?? []) as unknown[]).join(' '),
    );
    const topics = scripts.flatMap((text) =>
      [...text.matchAll(/kafka-topics\.sh [^\n]*--create[^\n]*--topic '([^']+)'/g)].map((m) => m[1] ?? ''),
    );
    if (topics.length === 0) continue;
    matched = true;
    const calls = new DruidCalls(model, pod, `Job ${job.name}`, new Map(), job.stack.stackName);
    await calls.kafka(
      topics,
      ['kafka-cluster:Connect'],
      ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic'],
    );
  }
  return matched;
}

type Use = 'read' | 'write' | 'delete' | 'list';

/** The MSK developer guide's consumer policy: group rights for the client's group id. */
const CONSUMER_GROUP_ACTIONS = ['kafka-cluster:DescribeGroup', 'kafka-cluster:AlterGroup'];

class DruidCalls {
  constructor(
    private readonly model: RuntimeModel,
    private readonly pod: PodSession,
    private readonly step: string,
    private readonly p: ReadonlyMap<string, string>,
    private readonly stackName: string,
  ) {}

  async peon(inputs: Ingestion): Promise<void> {
    await this.objects('druid.storage', this.p.get('druid.storage.baseKey'), [
      'write',
      'read',
      'delete',
      'list',
    ]);
    await this.objects('druid.indexer.logs', this.p.get('druid.indexer.logs.s3Prefix'), ['write']);
    if (this.p.get('druid.msq.intermediate.storage.type') === 's3') {
      const prefix = this.p.get('druid.msq.intermediate.storage.prefix');
      await this.objects('druid.msq.intermediate.storage', prefix, ['write', 'read', 'delete', 'list']);
    }
    for (const uri of inputs.s3Inputs) {
      const [, bucket = '', prefix = ''] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri) ?? [];
      await this.s3(bucket, prefix, ['list', 'read'], undefined);
    }
    await this.kafka(
      inputs.kafkaTopics,
      ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
      ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      CONSUMER_GROUP_ACTIONS,
    );
    await this.kinesis(inputs.kinesisStreams, [
      'kinesis:GetShardIterator',
      'kinesis:GetRecords',
      'kinesis:ListShards',
    ]);
  }

  async overlord(inputs: Ingestion): Promise<void> {
    await this.objects('druid.indexer.logs', this.p.get('druid.indexer.logs.s3Prefix'), ['read']);
    await this.kafka(
      inputs.kafkaTopics,
      ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster'],
      ['kafka-cluster:DescribeTopic'],
      CONSUMER_GROUP_ACTIONS,
    );
    await this.kinesis(inputs.kinesisStreams, [
      'kinesis:ListShards',
      'kinesis:DescribeStream',
      'kinesis:GetShardIterator',
      'kinesis:GetRecords',
    ]);
  }

  /** Objects under a configured bucket and prefix (`<base>.bucket`, or `.s3Bucket` for task logs). */
  async objects(base: string, prefix: string | undefined, uses: Use[]): Promise<void> {
    const bucket = this.p.get(`${base}.bucket`) ?? this.p.get(`${base}.s3Bucket`);
    if (!bucket) return;
    // Segment and task-log pushes carry an ACL unless disabled; MSQ's multipart uploads never do.
    const acl = base !== 'druid.msq.intermediate.storage' && this.p.get(`${base}.disableAcl`) !== 'true';
    const kmsKey =
      base === 'druid.storage' && this.p.get('druid.storage.sse.type') === 'kms'
        ? this.p.get('druid.storage.sse.kms.keyId')
        : undefined;
    await this.s3(bucket, prefix ? `${prefix}/` : '', uses, { acl, kmsKey });
  }

  async s3(
    bucket: string,
    prefix: string,
    uses: Use[],
    options?: { acl: boolean; kmsKey?: string },
  ): Promise<void> {
    const step = `${this.step}: s3://${bucket}/${prefix}`;
    const bucketArn = `arn:aws:s3:::${bucket}`;
    const object = `${bucketArn}/${prefix}rehearsal/index.zip`;
    const call = (action: string, resource: string, context = {}) =>
      podCall(this.model, this.pod, step, action, resource, context);
    for (const use of uses) {
      if (use === 'list') await call('s3:ListBucket', bucketArn, { 's3:prefix': prefix });
      if (use === 'read') await call('s3:GetObject', object);
      if (use === 'delete') await call('s3:DeleteObject', object);
      if (use === 'write') {
        await call('s3:PutObject', object);
        await call('s3:AbortMultipartUpload', object);
        if (options?.acl) {
          await call('s3:GetBucketAcl', bucketArn);
          await call('s3:PutObjectAcl', object);
        }
      }
    }
    const deployed = this.model.find(bucketArn, this.pod.stack.account);
    if (!deployed) return;
    const mode = uses.includes('write') ? 'write' : 'read';
    const key = options?.kmsKey ? { ...deployed, props: withKey(deployed, options.kmsKey) } : deployed;
    await keyCalls(
      this.model,
      `${this.pod.step}: ${step}`,
      this.pod.principal,
      key,
      mode,
      this.pod.context,
      object,
    );
  }

  /** The MSK cluster of the Druid stack (supervisors name it by bootstrap brokers, known only after deploy). */
  private mskCluster(): Deployed | undefined {
    const clusters = this.model.resources
      .filter((d) => d.type === 'AWS::MSK::ServerlessCluster' || d.type === 'AWS::MSK::Cluster')
      .filter((d) => d.stack.account === this.pod.stack.account && d.stack.region === this.pod.stack.region);
    return (
      clusters.find((d) => d.stack.stackName === this.stackName) ??
      (clusters.length === 1 ? clusters[0] : undefined)
    );
  }

  async kafka(
    topics: string[],
    clusterActions: string[],
    topicActions: string[],
    groupActions: string[] = [],
  ): Promise<void> {
    if (topics.length === 0) return;
    const cluster = this.mskCluster();
    if (!cluster?.arn) {
      this.model.ctx.finding(
        PHASE,
        this.step,
        `reads Kafka topics ${topics.join(', ')} but no MSK cluster is deployed`,
      );
      return;
    }
    const [, name = '', uuid = ''] = cluster.arn.split(':').slice(5).join(':').split('/');
    const step = `${this.step}: MSK ${name}`;
    for (const action of clusterActions) await podCall(this.model, this.pod, step, action, cluster.arn);
    const base = cluster.arn.split(':cluster/')[0];
    for (const topic of topics) {
      const arn = `${base}:topic/${name}/${uuid}/${topic}`;
      for (const action of topicActions) await podCall(this.model, this.pod, step, action, arn);
    }
    const group = `${base}:group/${name}/${uuid}/kafka-supervisor-rehearsal`;
    for (const action of groupActions) await podCall(this.model, this.pod, step, action, group);
  }

  async kinesis(streams: string[], actions: string[]): Promise<void> {
    for (const name of streams) {
      const stream = this.model.find(name, this.pod.stack.account);
      const step = `${this.step}: Kinesis ${name}`;
      if (stream?.type !== 'AWS::Kinesis::Stream') {
        this.model.ctx.finding(PHASE, step, `reads Kinesis stream ${name}, which no deployed stack creates`);
        continue;
      }
      for (const action of actions) await podCall(this.model, this.pod, step, action, stream.arn);
      await keyCalls(
        this.model,
        `${this.pod.step}: ${step}`,
        this.pod.principal,
        stream,
        'read',
        this.pod.context,
      );
    }
  }
}

/** The bucket as Druid writes to it: SSE-KMS with the configured key instead of the bucket default. */
function withKey(bucket: Deployed, key: string): Record<string, unknown> {
  const rule = at(bucket.props, 'BucketEncryption', 'ServerSideEncryptionConfiguration', 0) as
    | Record<string, unknown>
    | undefined;
  return {
    ...bucket.props,
    BucketEncryption: {
      ServerSideEncryptionConfiguration: [
        { ...rule, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key } },
      ],
    },
  };
}
