import type { AssetDestination, RehearsalStack } from '../assembly';
import type { PhaseName } from '../calls';
import { type RehearsalContext, stackArn } from '../context';
import { createResources } from './create-resources';

/** CloudFormation's limit for a template sent inline (`TemplateBody`); larger ones must be uploaded. */
export const INLINE_TEMPLATE_LIMIT = 51_200;

/** Assumes `role` from `caller` when the manifest names one; the principal that acts next. */
async function assume(
  ctx: RehearsalContext,
  phase: PhaseName,
  step: string,
  caller: string,
  role: string | undefined,
): Promise<string | undefined> {
  if (!role) return caller;
  const result = await ctx.call({ phase, step, principal: caller, action: 'sts:AssumeRole', resource: role });
  // The toolkit stops here; the calls it would make as that role are not rehearsed (nor reported).
  return result.allowed ? role : undefined;
}

async function objectAccess(
  ctx: RehearsalContext,
  phase: PhaseName,
  step: string,
  principal: string,
  bucket: string,
  key: string,
  mode: 'write' | 'read',
  region: string,
): Promise<void> {
  const bucketArn = `arn:aws:s3:::${bucket}`;
  if (!ctx.world.resources.has(bucketArn)) {
    ctx.finding(phase, step, `bucket ${bucket} does not exist yet`);
  }
  const object = `${bucketArn}/${key}`;
  const actions =
    mode === 'write' ? ['s3:GetBucketLocation', 's3:ListBucket', 's3:PutObject'] : ['s3:GetObject'];
  for (const action of actions) {
    await ctx.call({
      phase,
      step,
      principal,
      action,
      resource: action.includes('Bucket') ? bucketArn : object,
    });
  }
  const keyArn = ctx.world.bucketKeys.get(bucket);
  if (keyArn) {
    const kmsAction = mode === 'write' ? 'kms:GenerateDataKey' : 'kms:Decrypt';
    await ctx.call({
      phase,
      step,
      principal,
      action: kmsAction,
      resource: keyArn,
      context: { 'kms:ViaService': `s3.${region}.amazonaws.com` },
    });
  }
}

async function publish(
  ctx: RehearsalContext,
  phase: PhaseName,
  caller: string,
  asset: AssetDestination,
  stack: RehearsalStack,
) {
  const step = `publish ${asset.displayName} (${stack.stackName})`;
  const publisher = await assume(ctx, phase, step, caller, asset.assumeRoleArn);
  if (!publisher) return;
  if (asset.kind === 'file') {
    await objectAccess(ctx, phase, step, publisher, asset.container, asset.key, 'write', stack.region);
    return;
  }
  const repo = `arn:aws:ecr:${stack.region}:${stack.account}:repository/${asset.container}`;
  await ctx.call({ phase, step, principal: publisher, action: 'ecr:GetAuthorizationToken', resource: '*' });
  for (const action of ['ecr:DescribeRepositories', 'ecr:BatchCheckLayerAvailability', 'ecr:PutImage']) {
    await ctx.call({ phase, step, principal: publisher, action, resource: repo });
  }
}

/**
 * What the CDK toolkit does to deploy one stack, as `caller`: read the deployed stack through the lookup
 * role, publish assets through the publishing roles, create and execute the change set through the
 * deploy role (which passes the execution role), then CloudFormation creating every resource.
 */
export async function toolkitDeploy(
  ctx: RehearsalContext,
  phase: PhaseName,
  caller: string,
  stack: RehearsalStack,
) {
  const step = `deploy ${stack.stackName}`;
  const arn = stackArn(stack);
  const versionParameter = stack.bootstrapVersionParameter
    ? `arn:aws:ssm:${stack.region}:${stack.account}:parameter${stack.bootstrapVersionParameter}`
    : undefined;
  for (const role of [stack.assumeRoleArn, stack.executionRoleArn, stack.lookupRoleArn]) {
    if (role?.includes('cdk-hnb659fds')) {
      ctx.finding(
        phase,
        step,
        `references CDK's default bootstrap role ${role}, which a never-bootstrapped account lacks`,
      );
    }
  }
  if (stack.lookupRoleArn) {
    const lookup = await assume(ctx, phase, `diff ${stack.stackName}`, caller, stack.lookupRoleArn);
    if (!lookup) return;
    if (versionParameter) {
      await ctx.call({
        phase,
        step: `diff ${stack.stackName}`,
        principal: lookup,
        action: 'ssm:GetParameter',
        resource: versionParameter,
      });
    }
    for (const action of [
      'cloudformation:DescribeStacks',
      'cloudformation:GetTemplate',
      'cloudformation:ListStackResources',
    ]) {
      await ctx.call({ phase, step: `diff ${stack.stackName}`, principal: lookup, action, resource: arn });
    }
  }
  for (const asset of stack.assets) await publish(ctx, phase, caller, asset, stack);

  const deployer = await assume(ctx, phase, step, caller, stack.assumeRoleArn);
  if (!deployer) {
    // Nothing of the stack is created: later stacks see it missing.
    return;
  }
  if (versionParameter && stack.assumeRoleArn) {
    await ctx.call({
      phase,
      step,
      principal: deployer,
      action: 'ssm:GetParameter',
      resource: versionParameter,
    });
  }
  for (const action of [
    'cloudformation:DescribeStacks',
    'cloudformation:CreateChangeSet',
    'cloudformation:DescribeChangeSet',
    'cloudformation:ExecuteChangeSet',
    'cloudformation:DescribeStackEvents',
  ]) {
    await ctx.call({ phase, step, principal: deployer, action, resource: arn });
  }
  if (stack.templateUrl) {
    const [, , bucket = '', ...key] = stack.templateUrl.split('/');
    await objectAccess(ctx, phase, step, deployer, bucket, key.join('/'), 'read', stack.region);
  } else if (stack.templateBytes > INLINE_TEMPLATE_LIMIT) {
    ctx.finding(
      phase,
      step,
      `template is ${stack.templateBytes} bytes, over CloudFormation's inline limit of ${INLINE_TEMPLATE_LIMIT}; it must be uploaded`,
    );
  }
  let executor = deployer;
  if (stack.executionRoleArn) {
    const exec = stack.executionRoleArn;
    await ctx.call({
      phase,
      step,
      principal: deployer,
      action: 'iam:PassRole',
      resource: exec,
      context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' },
    });
    await ctx.call({
      phase,
      step,
      principal: 'cloudformation.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: exec,
      context: { 'aws:SourceAccount': stack.account, 'aws:SourceArn': arn },
    });
    executor = exec;
  }
  // The stack's own resource policies (a new key's policy) govern the calls that configure it.
  ctx.world.deploy(stack);
  await createResources(ctx, phase, executor, stack);
}
