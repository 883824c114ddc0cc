import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Topic name (from `Naming.name('snsTopic', …)`). */
  readonly topicName: string;
  /** Key encrypting the topic; CloudWatch is allowed to use it for this account's alarms. */
  readonly key: kms.IKey;
  /**
   * E-mail addresses subscribed to the topic.
   * @default - none
   */
  readonly emails?: string[];
}

/** SNS topic for CloudWatch alarms: KMS-encrypted, TLS-only, publishable by CloudWatch of this account. */
export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      masterKey: props.key,
      enforceSSL: true,
    });
    const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishEncrypted',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.topic.env.account } },
      }),
    );
    for (const email of props.emails ?? [])
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
}
