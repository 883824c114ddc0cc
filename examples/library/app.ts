// A CDK app of your own that composes Fastish constructs beside its own resources (README: "Use the
// constructs in your own CDK app"). test/package/consumer.test.ts installs the packed library into a fresh
// project, compiles this file there and synthesizes it, so the example stays true.
import { App, Duration, aws_iam as iam, Stack, aws_sqs as sqs } from 'aws-cdk-lib';
import { DruidStorage, EncryptionKey, FastishBootstrap, FastishStack, SecureBucket } from 'fastish';

const app = new App();
const environment = {
  organization: 'shop',
  environment: 'stage',
  account: '123456789012',
  region: 'eu-central-1',
  qualifier: 'shopstage1',
};

// The environment's deployment foundation: the roles, assets bucket and image repository CDK deploys
// through, the workload permissions boundary and the cross-account handshake role.
const operator = new Stack(app, 'ShopStageBootstrap', {
  env: { account: environment.account, region: environment.region },
});
new FastishBootstrap(operator, 'Bootstrap', { naming: environment });

// A workload stack deployed through those roles (every role in it gets the environment's boundary).
const analytics = new FastishStack(app, 'ShopAnalytics', {
  organization: environment.organization,
  environmentName: environment.environment,
  account: environment.account,
  region: environment.region,
  qualifier: environment.qualifier,
  architecture: 'analytics',
  availabilityZones: ['eu-central-1a', 'eu-central-1b'],
});

// Your own resources...
const key = new EncryptionKey(analytics, 'DataKey', {
  alias: 'alias/shop-stage-analytics',
  description: 'Shop analytics data',
}).key;
const ingestQueue = new sqs.Queue(analytics, 'Ingest', {
  encryptionMasterKey: key,
  visibilityTimeout: Duration.minutes(5),
  enforceSSL: true,
});

// ...beside Fastish's: access-logged, KMS-encrypted buckets for Druid's deep storage, index logs and scratch.
const accessLogs = new SecureBucket(analytics, 'AccessLogs', { accessLogsTarget: true }).bucket;
const druid = new DruidStorage(analytics, 'DruidStorage', { key, accessLogs });

// And they work together: your own job reads the segments Druid writes and drains your queue.
const job = new iam.Role(analytics, 'ReportJob', {
  assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
  description: 'Nightly report job',
});
druid.grantReadDeepStorage(job);
ingestQueue.grantConsumeMessages(job);

app.synth();
