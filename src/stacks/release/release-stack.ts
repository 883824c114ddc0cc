import { Duration, type Stage } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { acknowledge } from '../../checks/acknowledgements';
import type { EnvironmentModel, PlatformModel } from '../../config';
import type { ReleaseSettings } from '../../config/architectures/release';
import { encryptLogGroups } from '../../constructs/encrypt-log-groups';
import { EncryptionKey } from '../../constructs/encryption-key';
import { dropAcknowledgementTraces } from '../../constructs/reproducible';
import { SecureBucket } from '../../constructs/secure-bucket';
import { VERSIONS } from '../../versions';
import { EnvironmentStack } from '../environment-stack';
import { acknowledgeReleaseFindings } from './acknowledgements';
import { grantConnectionUse } from './connection';
import { deepHealthCheckSteps } from './health-checks';

/** An environment as the app built it: its stage and the workload stacks in it. */
export interface EnvironmentStage {
  readonly stage: Stage;
  readonly stacks: ReadonlyMap<string, EnvironmentStack>;
}

export interface ReleaseStackProps {
  /** The validated platform; `platform.release` must be set. */
  readonly platform: PlatformModel;
  /**
   * The app's own environment stages, by environment name. The pipeline deploys these very stages,
   * so it and `fastish deploy` deploy the same templates (no second copy with other construct paths).
   */
  readonly environments: ReadonlyMap<string, EnvironmentStage>;
}

/** One pipeline stage per environment, in config (promotion) order. */
export interface ReleaseWave {
  readonly environment: string;
  readonly stage: Stage;
  readonly approval: boolean;
  readonly healthChecks: readonly string[];
}

/**
 * The delivery pipeline (`release`): a self-mutating CDK Pipelines CodePipeline (V2) in the pipeline
 * environment, sourced from a CodeConnections repository. Synth runs `npm ci`, `fastish check` and
 * `fastish synth`; then one stage per environment in config order, each guarded by a permissions-
 * broadening check and (when the environment requires it) a manual approval, followed by health
 * checks read from stack outputs. Artifacts are KMS-encrypted; failures notify an encrypted SNS topic.
 */
export class ReleaseStack extends EnvironmentStack {
  readonly pipeline: pipelines.CodePipeline;
  readonly topic: sns.Topic;
  readonly waves: readonly ReleaseWave[];

  constructor(scope: Construct, id: string, props: ReleaseStackProps) {
    const release = props.platform.release;
    if (!release) throw new Error('ReleaseStack needs `release` settings in the config');
    const home = props.platform.environments.find((e) => e.name === release.pipelineEnvironment);
    if (!home) {
      throw new Error(`release.pipelineEnvironment "${release.pipelineEnvironment}" is not an environment`);
    }
    super(scope, id, { platform: props.platform, environment: home, architecture: 'release' });
    const n = home.naming;

    const key = new EncryptionKey(this, 'ArtifactsKey', {
      alias: n.kmsAlias('release'),
      description: `Fastish ${home.name}: release pipeline artifacts and notifications`,
    }).key;
    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      bucketName: n.bucketName('release-access-logs'),
      accessLogsTarget: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    }).bucket;
    const artifacts = new SecureBucket(this, 'Artifacts', {
      bucketName: n.bucketName('release-artifacts'),
      encryptionKey: key,
      serverAccessLogsBucket: accessLogs,
      lifecycleRules: [{ id: 'expire-artifacts', expiration: Duration.days(90) }],
      noncurrentVersionExpirationDays: 30,
    }).bucket;

    this.topic = new sns.Topic(this, 'Failures', {
      topicName: n.name('snsTopic', 'release-failures'),
      displayName: `Fastish ${props.platform.organization.name} release failures`,
      masterKey: key,
      enforceSSL: true,
    });
    if (release.notificationEmails.length > 0) {
      // Notifications SNS cannot deliver (e.g. an address that bounces) wait here instead of vanishing.
      const undelivered = new sqs.Queue(this, 'UndeliveredNotifications', {
        queueName: n.name('sqsQueue', 'release-undelivered'),
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: key,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      acknowledge(undelivered, [
        {
          id: 'AwsSolutions-SQS3',
          reason:
            'This queue is itself the dead-letter queue of the failure-notification e-mail subscriptions.',
        },
        {
          id: 'Serverless-SQSRedrivePolicy',
          reason:
            'This queue is itself the dead-letter queue of the failure-notification e-mail subscriptions.',
        },
        {
          id: 'FST-DATA1',
          reason: 'Undelivered pipeline notifications are of no use once the pipeline stack is deleted.',
        },
      ]);
      for (const email of release.notificationEmails) {
        this.topic.addSubscription(
          new subscriptions.EmailSubscription(email, { deadLetterQueue: undelivered }),
        );
      }
    }
    // CodeStar Notifications publishes to the encrypted topic.
    key.grant(
      new iam.ServicePrincipal('codestar-notifications.amazonaws.com'),
      'kms:GenerateDataKey*',
      'kms:Decrypt',
    );

    const source = pipelines.CodePipelineSource.connection(release.repository, release.branch, {
      connectionArn: release.connectionArn,
      triggerOnPush: true,
      codeBuildCloneOutput: false,
    });
    const config = release.configPath;
    const synth = new pipelines.ShellStep('Synth', {
      input: source,
      installCommands: ['npm ci'],
      commands: [
        `npx fastish check --config ${config}`,
        `npx fastish synth --config ${config} --out cdk.out`,
      ],
      primaryOutputDirectory: 'cdk.out',
    });

    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      pipelineName: n.name('codePipeline', 'release'),
      pipelineType: codepipeline.PipelineType.V2,
      synth,
      selfMutation: true,
      crossAccountKeys: true,
      enableKeyRotation: true,
      artifactBucket: artifacts,
      cliVersion: VERSIONS.release.cdkCli,
      publishAssetsInParallel: false,
      codeBuildDefaults: {
        buildEnvironment: {
          buildImage: codebuild.LinuxBuildImage.fromCodeBuildImageId(VERSIONS.release.codeBuildImage),
          computeType: codebuild.ComputeType.MEDIUM,
          privileged: false,
        },
        partialBuildSpec: codebuild.BuildSpec.fromObject({
          phases: { install: { 'runtime-versions': { nodejs: VERSIONS.release.nodejs } } },
        }),
        timeout: Duration.minutes(60),
      },
    });

    const waves: ReleaseWave[] = [];
    for (const env of props.platform.environments) {
      // An environment with only the bootstrap stack has nothing for the pipeline to deploy.
      if (env.architectures.length === 0) continue;
      waves.push(this.addEnvironment(props, release, env));
    }
    this.waves = waves;

    this.pipeline.buildPipeline();
    grantConnectionUse(this.pipeline, release.connectionArn);
    this.pipeline.pipeline.notifyOn('FailureNotifications', this.topic, {
      events: [
        codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED,
        codepipeline.PipelineNotificationEvents.ACTION_EXECUTION_FAILED,
        codepipeline.PipelineNotificationEvents.MANUAL_APPROVAL_FAILED,
      ],
    });
    // CDK Pipelines' permissions-check function gets a log group without a key option.
    encryptLogGroups(this.pipeline, key);
    acknowledgeReleaseFindings(this.pipeline, artifacts, accessLogs);
  }

  private addEnvironment(
    props: ReleaseStackProps,
    release: ReleaseSettings,
    env: EnvironmentModel,
  ): ReleaseWave {
    const built = props.environments.get(env.name);
    if (!built) throw new Error(`environment "${env.name}" has no stage in the app`);
    const { stage } = built;

    const pre: pipelines.Step[] = [];
    const broadening = new pipelines.ConfirmPermissionsBroadening(`PermissionsBroadening-${env.name}`, {
      stage,
      notificationTopic: this.topic,
    });
    pre.push(broadening);
    const approval = env.approval === 'required';
    if (approval) {
      const step = new pipelines.ManualApprovalStep(`Approve-${env.name}`, {
        comment: `Release to ${env.name} (${env.account}/${env.region}): review the change sets and approve.`,
      });
      step.addStepDependency(broadening);
      pre.push(step);
    }

    const { steps: post, checks } = release.healthChecks
      ? deepHealthCheckSteps(this, this.pipeline, env, built.stacks.values())
      : { steps: [], checks: [] };
    // CDK Pipelines synthesizes the stage right here, before the app's own synth.
    dropAcknowledgementTraces(stage);
    this.pipeline.addStage(stage, { pre, post });
    return { environment: env.name, stage, approval, healthChecks: checks };
  }
}
