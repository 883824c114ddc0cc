// A CDK app of your own that composes Fastish constructs beside its own resources (README: "Use the
// constructs in your own CDK app"). test/package/consumer.test.ts installs the packed library into a fresh
// project, compiles this file there and synthesizes it, so the example stays true.
import { App, aws_ec2 as ec2, aws_iam as iam, Stack, aws_sqs as sqs } from 'aws-cdk-lib';
import {
  DruidCluster,
  DruidMetricType,
  DruidStreamSource,
  EksPlatform,
  FastishBootstrap,
  FastishStack,
  SaasWebApp,
} from 'fastish';

const app = new App();
const naming = {
  organization: 'shop',
  environment: 'stage',
  account: '123456789012',
  region: 'eu-central-1',
  qualifier: 'shopstage1',
};
const zones = ['eu-central-1a', 'eu-central-1b'];
/** Workload stacks deploy through the bootstrap's roles; each role in them gets the environment's boundary. */
const workloadStack = (id: string, architecture: string) =>
  new FastishStack(app, id, {
    organization: naming.organization,
    environmentName: naming.environment,
    account: naming.account,
    region: naming.region,
    qualifier: naming.qualifier,
    architecture,
    availabilityZones: zones,
  });

// The environment's deployment foundation: the roles, assets bucket and image repository CDK deploys
// through, the workload permissions boundary and the cross-account handshake role.
const operator = new Stack(app, 'ShopStageBootstrap', {
  env: { account: naming.account, region: naming.region },
});
new FastishBootstrap(operator, 'Bootstrap', { naming });

// The multi-tenant web app (Cognito, tenant-aware API, DynamoDB, metering, WAF) beside your own queue,
// to which the API function may send.
const web = workloadStack('ShopWeb', 'webapp');
const webapp = new SaasWebApp(web, 'WebApp', { naming, alarmEmails: ['ops@shop.example'] });
const orders = new sqs.Queue(web, 'OrderEvents', {
  encryption: sqs.QueueEncryption.KMS_MANAGED,
  enforceSSL: true,
});
orders.grantSendMessages(webapp.apiFunction.function);

// EKS in your own VPC, with your own role as the data team's administrators, and Druid on it.
const analytics = workloadStack('ShopAnalytics', 'analytics');
const vpc = new ec2.Vpc(analytics, 'Network', { availabilityZones: zones, natGateways: 1 });
const dataAdmins = new iam.Role(analytics, 'DataAdmins', { assumedBy: new iam.AccountRootPrincipal() });
const platform = new EksPlatform(analytics, 'Platform', {
  vpc,
  teams: [{ name: 'data', adminRole: dataAdmins }],
});
const druid = new DruidCluster(analytics, 'Druid', {
  platform,
  routerHostname: 'druid.shop.internal',
  datasources: [
    {
      name: 'orders',
      source: DruidStreamSource.kafka('orders', 3),
      metrics: [{ type: DruidMetricType.DOUBLE_SUM, name: 'revenue', fieldName: 'amount' }],
    },
  ],
});
// Your own reporting job reads the segments Druid writes.
const reports = new iam.Role(analytics, 'ReportJob', {
  assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
});
druid.deepStorageBucket.grantRead(reports);

app.synth();
