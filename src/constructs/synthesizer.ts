import { DefaultStackSynthesizer } from 'aws-cdk-lib';
import type { EnvironmentModel } from '../config';

/** Role ARN in the environment's account; partition-aware through the CloudFormation pseudo parameter. */
function roleArn(env: EnvironmentModel, name: string): string {
  return `arn:\${AWS::Partition}:iam::${env.account}:role/${name}`;
}

/**
 * The synthesizer every workload stack uses: CDK's default synthesizer pointed at the resources the
 * Fastish bootstrap stack creates. Names come from the naming module, so both sides always agree.
 */
export function fastishSynthesizer(env: EnvironmentModel): DefaultStackSynthesizer {
  const n = env.naming;
  return new DefaultStackSynthesizer({
    qualifier: env.qualifier,
    fileAssetsBucketName: n.bootstrapBucketName(),
    imageAssetsRepositoryName: n.bootstrapRepositoryName(),
    deployRoleArn: roleArn(env, n.bootstrapRoleName('deploy')),
    cloudFormationExecutionRole: roleArn(env, n.bootstrapRoleName('cfn-exec')),
    fileAssetPublishingRoleArn: roleArn(env, n.bootstrapRoleName('file-publishing')),
    imageAssetPublishingRoleArn: roleArn(env, n.bootstrapRoleName('image-publishing')),
    lookupRoleArn: roleArn(env, n.bootstrapRoleName('lookup')),
    bootstrapStackVersionSsmParameter: bootstrapVersionParameter(env.qualifier),
    generateBootstrapVersionRule: true,
  });
}

export function bootstrapVersionParameter(qualifier: string): string {
  return `/cdk-bootstrap/${qualifier}/version`;
}
