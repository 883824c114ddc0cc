import {
  CliCredentialsStackSynthesizer,
  DefaultStackSynthesizer,
  LegacyStackSynthesizer,
  type StackSynthesizer,
} from 'aws-cdk-lib';
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

/** Who deploys a stack (see `FastishStackProps.deployedBy`). */
export type DeployedBy = 'bootstrap-roles' | 'operator' | 'operator-uploaded';

/**
 * The synthesizer for who deploys a stack. The operator's stacks name no role at all, so the toolkit
 * uses the caller's credentials: `LegacyStackSynthesizer` sends the template inline and references
 * no bootstrap resource (the bootstrap stack creates them; CDK's `BootstraplessSynthesizer` would
 * name CDK's default `cdk-hnb659fds-*` roles, which a never-bootstrapped account lacks), while
 * `CliCredentialsStackSynthesizer` uploads the template to the Fastish assets bucket.
 */
export function synthesizerFor(env: EnvironmentModel, deployedBy: DeployedBy): StackSynthesizer {
  switch (deployedBy) {
    case 'operator':
      return new LegacyStackSynthesizer();
    case 'operator-uploaded':
      return new CliCredentialsStackSynthesizer({
        qualifier: env.qualifier,
        fileAssetsBucketName: env.naming.bootstrapBucketName(),
        imageAssetsRepositoryName: env.naming.bootstrapRepositoryName(),
        bucketPrefix: '',
      });
    case 'bootstrap-roles':
      return fastishSynthesizer(env);
  }
}
