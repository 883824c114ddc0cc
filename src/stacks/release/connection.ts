import * as iam from 'aws-cdk-lib/aws-iam';
import type * as pipelines from 'aws-cdk-lib/pipelines';

/**
 * CDK Pipelines grants the source action `codestar-connections:UseConnection`. Connections created
 * since the CodeConnections rename have `arn:…:codeconnections:…` ARNs, which IAM authorizes under the
 * `codeconnections` prefix: grant the action under the prefix of the configured ARN too. The source
 * action's role is the one CodePipeline creates under the `Source` stage.
 */
export function grantConnectionUse(pipeline: pipelines.CodePipeline, connectionArn: string): void {
  const prefix = connectionArn.split(':')[2];
  if (prefix === 'codestar-connections') return;
  const source = pipeline.pipeline.node.tryFindChild('Source');
  for (const role of source?.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role) ?? []) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [`${prefix}:UseConnection`], resources: [connectionArn] }),
    );
  }
}
