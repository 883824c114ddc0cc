import type { RehearsalStack } from '../assembly';
import { type RehearsalContext, stackArn } from '../context';
import type { TemplateResolver } from '../intrinsics';

interface PipelineAction {
  readonly Name: string;
  readonly ActionTypeId: { readonly Category: string; readonly Provider: string };
  readonly RoleArn?: string;
  readonly Region?: string;
  readonly Configuration?: Record<string, unknown>;
  readonly OutputArtifacts?: readonly { readonly Name: string }[];
}

interface PipelineProps {
  readonly RoleArn: string;
  readonly Name?: string;
  readonly ArtifactStore?: ArtifactStore;
  readonly ArtifactStores?: { readonly Region: string; readonly ArtifactStore: ArtifactStore }[];
  readonly Stages: { readonly Name: string; readonly Actions: PipelineAction[] }[];
}

interface ArtifactStore {
  readonly Location: string;
  readonly EncryptionKey?: { readonly Id: string };
}

const phase = 'pipeline' as const;

/** The artifact bucket and key a pipeline action reads and writes. */
interface Artifacts {
  readonly bucket: string;
  readonly key?: string;
  readonly region: string;
}

/** A role's calls on the artifact store: objects through S3, and S3 calling KMS as the role. */
async function artifactAccess(
  ctx: RehearsalContext,
  step: string,
  principal: string,
  a: Artifacts,
  write: boolean,
) {
  const object = `arn:aws:s3:::${a.bucket}/artifacts/object`;
  await ctx.call({ phase, step, principal, action: 's3:GetObject', resource: object });
  if (write) await ctx.call({ phase, step, principal, action: 's3:PutObject', resource: object });
  if (!a.key) return;
  const context = { 'kms:ViaService': `s3.${a.region}.amazonaws.com` };
  await ctx.call({ phase, step, principal, action: 'kms:Decrypt', resource: a.key, context });
  if (write)
    await ctx.call({ phase, step, principal, action: 'kms:GenerateDataKey', resource: a.key, context });
}

/** The CodeBuild project's service role and what the project's job does with it. */
async function codeBuild(
  ctx: RehearsalContext,
  stack: RehearsalStack,
  r: TemplateResolver,
  step: string,
  actionRole: string,
  projectName: string,
  artifacts: Artifacts,
  writes: boolean,
) {
  const projectArn = `arn:aws:codebuild:${stack.region}:${stack.account}:project/${projectName}`;
  for (const action of ['codebuild:StartBuild', 'codebuild:BatchGetBuilds']) {
    await ctx.call({ phase, step, principal: actionRole, action, resource: projectArn });
  }
  const [id, project] =
    Object.entries(stack.template.Resources ?? {}).find(
      ([id, res]) => res.Type === 'AWS::CodeBuild::Project' && r.physicalName(id) === projectName,
    ) ?? [];
  if (!id || !project) {
    ctx.finding(phase, step, `CodeBuild project ${projectName} is not in ${stack.stackName}`);
    return;
  }
  const serviceRole = String(r.resolve(project.Properties?.ServiceRole));
  await ctx.call({
    phase,
    step,
    principal: 'codebuild.amazonaws.com',
    action: 'sts:AssumeRole',
    resource: serviceRole,
  });
  const logGroup = `arn:aws:logs:${stack.region}:${stack.account}:log-group:/aws/codebuild/${projectName}:log-stream:build`;
  for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents']) {
    await ctx.call({ phase, step, principal: serviceRole, action, resource: logGroup });
  }
  await artifactAccess(ctx, step, serviceRole, artifacts, writes);
  return serviceRole;
}

/** Self-mutation deploys the pipeline's own stack through the pipeline account's bootstrap roles. */
async function selfMutation(ctx: RehearsalContext, step: string, role: string, stack: RehearsalStack) {
  if (!stack.assumeRoleArn) return;
  const deploy = stack.assumeRoleArn;
  await ctx.call({ phase, step, principal: role, action: 'sts:AssumeRole', resource: deploy });
  for (const action of [
    'cloudformation:DescribeStacks',
    'cloudformation:CreateChangeSet',
    'cloudformation:ExecuteChangeSet',
  ]) {
    await ctx.call({ phase, step, principal: deploy, action, resource: stackArn(stack) });
  }
}

/**
 * Asset publishing assumes each target environment's file-publishing role, for the assets of the
 * stacks the pipeline's CloudFormation actions deploy (`targets`: `<account>/<stack name>`).
 */
async function publishAssets(
  ctx: RehearsalContext,
  step: string,
  role: string,
  targets: ReadonlySet<string>,
) {
  const seen = new Set<string>();
  for (const stack of ctx.stacks.filter((s) => targets.has(`${s.account}/${s.stackName}`))) {
    for (const asset of stack.assets) {
      const target = asset.assumeRoleArn;
      if (!target || asset.kind !== 'file' || seen.has(`${target} ${asset.container}`)) continue;
      seen.add(`${target} ${asset.container}`);
      await ctx.call({ phase, step, principal: role, action: 'sts:AssumeRole', resource: target });
      await ctx.call({
        phase,
        step,
        principal: target,
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${asset.container}/${asset.key}`,
      });
    }
  }
}

/** A CloudFormation action in a (possibly other) account, through that account's deploy role. */
async function cloudFormation(
  ctx: RehearsalContext,
  step: string,
  actionRole: string,
  action: PipelineAction,
  region: string,
  artifacts: Artifacts,
) {
  const account = actionRole.split(':')[4] ?? '';
  const config = action.Configuration ?? {};
  const target = stackArn({ account, region: action.Region ?? region, stackName: String(config.StackName) });
  if (config.ActionMode === 'CHANGE_SET_EXECUTE') {
    for (const a of ['cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet']) {
      await ctx.call({ phase, step, principal: actionRole, action: a, resource: target });
    }
    return;
  }
  for (const a of [
    'cloudformation:DescribeStacks',
    'cloudformation:CreateChangeSet',
    'cloudformation:DescribeChangeSet',
  ]) {
    await ctx.call({ phase, step, principal: actionRole, action: a, resource: target });
  }
  // The template comes from the pipeline's artifact bucket, in the pipeline's account.
  await artifactAccess(ctx, step, actionRole, artifacts, false);
  if (typeof config.RoleArn === 'string') {
    const context = { 'iam:PassedToService': 'cloudformation.amazonaws.com' };
    await ctx.call({
      phase,
      step,
      principal: actionRole,
      action: 'iam:PassRole',
      resource: config.RoleArn,
      context,
    });
  }
}

/** The stacks a pipeline deploys, as `<account>/<stack name>` (the account of each action's role). */
function deployedStacks(p: PipelineProps): Set<string> {
  const out = new Set<string>();
  for (const stage of p.Stages) {
    for (const a of stage.Actions) {
      if (a.ActionTypeId.Provider !== 'CloudFormation') continue;
      out.add(`${(a.RoleArn ?? p.RoleArn).split(':')[4]}/${String(a.Configuration?.StackName)}`);
    }
  }
  return out;
}

/** The target account's deploy roles a stage's CloudFormation actions run as. */
function stageDeployRoles(actions: readonly PipelineAction[], pipelineRole: string): string[] {
  return [
    ...new Set(
      actions
        .filter((a) => a.ActionTypeId.Provider === 'CloudFormation')
        .map((a) => a.RoleArn ?? pipelineRole),
    ),
  ];
}

/**
 * Roles a CodeBuild job assumes itself (a health check's reader role in the target account, the
 * security check's deploy role found by its `aws-cdk:bootstrap-role` tag): each role its policy names,
 * and the stage's deploy roles its tag-conditioned statements can reach, through their trust policies.
 */
async function assumeNamedRoles(
  ctx: RehearsalContext,
  step: string,
  role: string,
  deployRoles: readonly string[],
) {
  const model = ctx.world.roles.get(role);
  if (!model) return;
  const named = new Set<string>();
  let byTag = false;
  for (const policy of ctx.world.identityPolicies(model).policies) {
    for (const statement of policy.document.Statement) {
      const actions = [statement.Action].flat();
      if (statement.Effect !== 'Allow' || !actions.includes('sts:AssumeRole')) continue;
      const resources = [statement.Resource].flat().filter((x): x is string => typeof x === 'string');
      if (statement.Condition) byTag = true;
      for (const arn of resources) if (!arn.includes('*') && arn.includes(':role/')) named.add(arn);
    }
  }
  const targets = [...named, ...(byTag ? deployRoles : [])];
  for (const target of targets) {
    await ctx.call({ phase, step, principal: role, action: 'sts:AssumeRole', resource: target });
  }
}

/**
 * Phase 3: every action of every CodePipeline in the assembly, read from the pipeline resource itself:
 * CodePipeline assuming its role and each action's role, the source connection, CodeBuild projects
 * (synth, self-mutation, asset publishing into each target account), and CloudFormation actions in
 * each target account reading the pipeline account's artifact bucket and key.
 */
export async function pipelinePhase(ctx: RehearsalContext): Promise<void> {
  for (const stack of ctx.world.deployed) {
    const r = ctx.world.resolverFor(stack);
    for (const [id, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::CodePipeline::Pipeline') continue;
      const p = r.resolve(resource.Properties) as PipelineProps;
      const store =
        p.ArtifactStore ?? p.ArtifactStores?.find((s) => s.Region === stack.region)?.ArtifactStore;
      const artifacts: Artifacts = {
        bucket: store?.Location ?? '',
        region: stack.region,
        ...(store?.EncryptionKey ? { key: store.EncryptionKey.Id } : {}),
      };
      const pipelineStep = `pipeline ${stack.stackName}/${id}`;
      await ctx.call({
        phase,
        step: pipelineStep,
        principal: 'codepipeline.amazonaws.com',
        action: 'sts:AssumeRole',
        resource: p.RoleArn,
      });
      for (const st of p.Stages) {
        for (const action of st.Actions) {
          const step = `${st.Name}/${action.Name}`;
          const actionRole = action.RoleArn ?? p.RoleArn;
          if (actionRole !== p.RoleArn) {
            await ctx.call({
              phase,
              step,
              principal: p.RoleArn,
              action: 'sts:AssumeRole',
              resource: actionRole,
            });
          }
          const config = action.Configuration ?? {};
          switch (action.ActionTypeId.Provider) {
            case 'CodeStarSourceConnection': {
              const connection = String(config.ConnectionArn);
              if (connection.split(':')[4] !== stack.account) {
                ctx.finding(
                  phase,
                  step,
                  `connection ${connection} is not in the pipeline's account ${stack.account}`,
                );
              }
              // IAM names the action by the ARN's service prefix (codeconnections, formerly codestar-connections).
              const prefix = connection.split(':')[2];
              await ctx.call({
                phase,
                step,
                principal: actionRole,
                action: `${prefix}:UseConnection`,
                resource: connection,
              });
              await artifactAccess(ctx, step, actionRole, artifacts, true);
              break;
            }
            case 'CodeBuild': {
              const writes = (action.OutputArtifacts ?? []).length > 0;
              const project = String(config.ProjectName);
              const role = await codeBuild(ctx, stack, r, step, actionRole, project, artifacts, writes);
              if (!role) break;
              if (st.Name === 'UpdatePipeline') await selfMutation(ctx, step, role, stack);
              if (st.Name === 'Assets') await publishAssets(ctx, step, role, deployedStacks(p));
              await assumeNamedRoles(ctx, step, role, stageDeployRoles(st.Actions, p.RoleArn));
              break;
            }
            case 'CloudFormation':
              await cloudFormation(ctx, step, actionRole, action, stack.region, artifacts);
              break;
          }
        }
      }
    }
  }
}
