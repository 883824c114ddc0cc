import { NAME_RULES, type NameKind } from '../../naming/limits';
import { staticString } from '../template-values';
import { resourceRule } from '../types';

/**
 * Resource type → [name property, naming kind]. The limits themselves live in `src/naming/limits.ts`
 * (`NAME_RULES`), the same rules the naming module enforces when it derives a name.
 */
export const NAMED_PROPERTIES: Readonly<Record<string, readonly [string, NameKind]>> = {
  'AWS::IAM::Role': ['RoleName', 'iamRole'],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName', 'iamPolicy'],
  'AWS::IAM::Policy': ['PolicyName', 'iamPolicy'],
  'AWS::Lambda::Function': ['FunctionName', 'lambdaFunction'],
  'AWS::S3::Bucket': ['BucketName', 's3Bucket'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['Name', 'loadBalancer'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['Name', 'targetGroup'],
  'AWS::Logs::LogGroup': ['LogGroupName', 'logGroup'],
  'AWS::ECR::Repository': ['RepositoryName', 'ecrRepository'],
  'AWS::DynamoDB::Table': ['TableName', 'dynamodbTable'],
  'AWS::DynamoDB::GlobalTable': ['TableName', 'dynamodbTable'],
  'AWS::SQS::Queue': ['QueueName', 'sqsQueue'],
  'AWS::SNS::Topic': ['TopicName', 'snsTopic'],
  'AWS::KMS::Alias': ['AliasName', 'kmsAlias'],
  'AWS::EKS::Cluster': ['Name', 'eksCluster'],
  'AWS::RDS::DBCluster': ['DBClusterIdentifier', 'rdsCluster'],
  'AWS::MSK::Cluster': ['ClusterName', 'mskCluster'],
  'AWS::MSK::ServerlessCluster': ['ClusterName', 'mskCluster'],
  'AWS::Kinesis::Stream': ['Name', 'kinesisStream'],
  'AWS::SecretsManager::Secret': ['Name', 'secret'],
  'AWS::WAFv2::WebACL': ['Name', 'wafWebAcl'],
  'AWS::ApiGateway::RestApi': ['Name', 'apiGateway'],
  'AWS::CodePipeline::Pipeline': ['Name', 'codePipeline'],
  'AWS::CodeBuild::Project': ['Name', 'codeBuildProject'],
  'AWS::SSM::Parameter': ['Name', 'ssmParameter'],
  'AWS::Amplify::App': ['Name', 'amplifyApp'],
  'AWS::Cognito::UserPool': ['UserPoolName', 'userPool'],
};

/** FST-NAME1: every physical name in a template fits the AWS limit of its resource kind. */
export const physicalNameLimits = resourceRule({
  id: 'FST-NAME1',
  name: 'physical-name-limits',
  description:
    'Physical names fit the length and character rules of their resource kind (src/naming/limits.ts); a misfit fails the deploy, not the synth.',
  test(resource) {
    const named = NAMED_PROPERTIES[resource.Type];
    if (!named) return [];
    const [property, kind] = named;
    const name = staticString(resource.Properties?.[property]);
    if (name === undefined) return [];
    const rule = NAME_RULES[kind];
    const problems: string[] = [];
    if (name.length > rule.maxLength)
      problems.push(
        `${property} "${name}" is ${name.length} characters; ${kind} names allow ${rule.maxLength}`,
      );
    if (name.length < rule.minLength)
      problems.push(
        `${property} "${name}" is shorter than the ${rule.minLength} characters ${kind} names need`,
      );
    if (!rule.pattern.test(name))
      problems.push(`${property} "${name}" does not match ${kind} rule ${rule.pattern}`);
    return problems;
  },
});
