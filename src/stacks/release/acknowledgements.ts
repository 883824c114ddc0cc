import { type CfnElement, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as pipelines from 'aws-cdk-lib/pipelines';
import {
  acknowledge,
  acknowledgeIamWildcards,
  acknowledgeManagedPolicies,
} from '../../checks/acknowledgements';

/**
 * cdk-nag findings on the roles CDK Pipelines generates, each acknowledged for exactly the wildcard
 * it needs (cdk-nag 3 ids are per finding, so any new wildcard is a new, unacknowledged finding).
 */
export function acknowledgeReleaseFindings(
  pipeline: pipelines.CodePipeline,
  artifacts: s3.IBucket,
  accessLogs: s3.IBucket,
): void {
  const stack = Stack.of(pipeline);
  const ref = (bucket: s3.IBucket) => stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);

  acknowledgeIamWildcards(
    pipeline,
    {
      actions: [
        's3:Abort*',
        's3:DeleteObject*',
        's3:GetBucket*',
        's3:GetObject*',
        's3:List*',
        'kms:GenerateDataKey*',
        'kms:ReEncrypt*',
      ],
      resources: [`<${ref(artifacts)}.Arn>/*`],
    },
    'CDK grant methods on this pipeline’s own KMS-encrypted artifact bucket: the object wildcards cover only that bucket and key',
  );

  for (const project of pipeline.node.findAll().filter((c) => c instanceof codebuild.CfnProject)) {
    const id = stack.getLogicalId(project as codebuild.CfnProject);
    acknowledgeIamWildcards(
      pipeline,
      {
        resources: [
          `arn:aws:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/<${id}>:*`,
          `arn:aws:codebuild:${stack.region}:${stack.account}:report-group/<${id}>-*`,
        ],
      },
      'CodeBuild writes log streams and test reports it names at run time, only under this project’s own log group and report groups',
    );
  }

  acknowledgeIamWildcards(
    pipeline,
    {
      resources: [
        `arn:aws:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/*`,
        `arn:aws:codebuild:${stack.region}:${stack.account}:report-group/*`,
      ],
    },
    'The asset-publishing CodeBuild projects are created by CDK Pipelines after this role; their log groups and report groups exist only under /aws/codebuild and are named at run time',
  );
  acknowledgeIamWildcards(
    pipeline,
    { resources: [`arn:*:iam::${stack.account}:role/*`] },
    'Self-mutation assumes only roles tagged aws-cdk:bootstrap-role = deploy/file-publishing/image-publishing (condition on the statement)',
  );
  acknowledgeIamWildcards(
    pipeline,
    { resources: ['*'] },
    'cloudformation:DescribeStacks, s3:ListBucket (self-mutation, permissions check) and CodePipeline approval lookups have no resource-level scope for the names cdk resolves at run time',
  );
  const autoApprove = findAutoApprove(pipeline);
  if (autoApprove) {
    acknowledgeIamWildcards(
      pipeline,
      { resources: [`<${stack.getLogicalId(autoApprove)}.Arn>:*`] },
      'The permissions check invokes versions/aliases of its own auto-approve function only',
    );
  }
  if (autoApprove) {
    acknowledge(autoApprove, [
      {
        id: 'Serverless-LambdaDefaultMemorySize',
        reason:
          'CDK Pipelines auto-approve function: one CodePipeline API call per run; aws-cdk-lib sizes it.',
      },
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'CodePipeline invokes the auto-approve function synchronously and records its failure on the stage.',
      },
      {
        id: 'Serverless-LambdaTracing',
        reason:
          'The auto-approve function makes one PutApprovalResult call; the pipeline execution history records it.',
      },
    ]);
  }
  acknowledgeManagedPolicies(
    pipeline,
    ['service-role/AWSLambdaBasicExecutionRole'],
    'The CDK Pipelines auto-approve function only writes its own CloudWatch logs (AWS basic execution role)',
  );
  acknowledge(accessLogs, [
    {
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the server-access-log target of the artifact bucket; logging it into itself would loop.',
    },
  ]);
}

/** The auto-approve function ConfirmPermissionsBroadening adds (absent when no stage is deployed). */
function findAutoApprove(pipeline: pipelines.CodePipeline): CfnElement | undefined {
  return pipeline.node
    .findAll()
    .find(
      (c): c is CfnElement =>
        c.node.path.endsWith('CDKPipelinesAutoApprove/Resource') && 'cfnResourceType' in c,
    );
}
