import {
  CliCredentialsStackSynthesizer,
  DefaultStackSynthesizer,
  LegacyStackSynthesizer,
  type StackSynthesizer,
} from 'aws-cdk-lib';
import type { Naming } from '../naming';

/**
 * Who deploys a stack, which decides its synthesizer (see `FastishStackProps.deployment`).
 */
export enum StackDeployment {
  /** The toolkit assumes the environment's Fastish deploy role (every workload stack). */
  BOOTSTRAP_ROLES = 'bootstrap-roles',
  /**
   * The operator's own credentials, template sent inline: the bootstrap stack, which creates the
   * roles and the assets bucket, so nothing else exists yet in a fresh account.
   */
  OPERATOR = 'operator',
  /**
   * The operator's own credentials, template uploaded to the Fastish assets bucket (stacks the
   * operator deploys after the bootstrap stack, with no inline size limit).
   */
  OPERATOR_UPLOADED = 'operator-uploaded',
}

/** Role ARN in the environment's account; partition-aware through the CloudFormation pseudo parameter. */
function roleArn(naming: Naming, name: string): string {
  return `arn:\${AWS::Partition}:iam::${naming.context.account}:role/${name}`;
}

/**
 * The synthesizer every workload stack uses: CDK's default synthesizer pointed at the resources the
 * Fastish bootstrap stack creates. Names come from the naming module, so both sides always agree.
 */
export function fastishSynthesizer(n: Naming): DefaultStackSynthesizer {
  return new DefaultStackSynthesizer({
    qualifier: n.context.qualifier,
    fileAssetsBucketName: n.bootstrapBucketName(),
    imageAssetsRepositoryName: n.bootstrapRepositoryName(),
    deployRoleArn: roleArn(n, n.bootstrapRoleName('deploy')),
    cloudFormationExecutionRole: roleArn(n, n.bootstrapRoleName('cfn-exec')),
    fileAssetPublishingRoleArn: roleArn(n, n.bootstrapRoleName('file-publishing')),
    imageAssetPublishingRoleArn: roleArn(n, n.bootstrapRoleName('image-publishing')),
    lookupRoleArn: roleArn(n, n.bootstrapRoleName('lookup')),
    bootstrapStackVersionSsmParameter: bootstrapVersionParameter(n.context.qualifier),
    generateBootstrapVersionRule: true,
  });
}

export function bootstrapVersionParameter(qualifier: string): string {
  return `/cdk-bootstrap/${qualifier}/version`;
}

/**
 * The synthesizer for who deploys a stack. The operator's stacks name no role at all, so the toolkit
 * uses the caller's credentials: `LegacyStackSynthesizer` sends the template inline and references
 * no bootstrap resource (the bootstrap stack creates them; CDK's `BootstraplessSynthesizer` would
 * name CDK's default `cdk-hnb659fds-*` roles, which a never-bootstrapped account lacks), while
 * `CliCredentialsStackSynthesizer` uploads the template to the Fastish assets bucket.
 */
export function synthesizerFor(naming: Naming, deployment: StackDeployment): StackSynthesizer {
  switch (deployment) {
    case StackDeployment.OPERATOR:
      return new LegacyStackSynthesizer();
    case StackDeployment.OPERATOR_UPLOADED:
      return new CliCredentialsStackSynthesizer({
        qualifier: naming.context.qualifier,
        fileAssetsBucketName: naming.bootstrapBucketName(),
        imageAssetsRepositoryName: naming.bootstrapRepositoryName(),
        bucketPrefix: '',
      });
    case StackDeployment.BOOTSTRAP_ROLES:
      return fastishSynthesizer(naming);
  }
}
