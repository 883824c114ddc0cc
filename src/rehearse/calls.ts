import type { Evaluate } from './evaluator';
import type { World } from './world';

export type PhaseName = 'bootstrap' | 'deploy' | 'pipeline' | 'runtime';

export const PHASES: readonly { readonly name: PhaseName; readonly title: string }[] = [
  { name: 'bootstrap', title: "1. bootstrap: the operator's credentials deploy each bootstrap stack" },
  { name: 'deploy', title: '2. fastish deploy: lookup, publishing, change sets, the execution role' },
  { name: 'pipeline', title: '3. release pipeline: source, synth, self-mutation, cross-account stages' },
  { name: 'runtime', title: '4. run time: functions and pods through their roles' },
];

/**
 * One AWS call a deploy (or the running platform) makes. `principal` is a role ARN, or a service
 * principal (`cloudformation.amazonaws.com`) for the calls a service makes on its own behalf.
 */
export interface Call {
  readonly phase: PhaseName;
  /** What the call is for, e.g. `deploy acme-dev-webapp`. */
  readonly step: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Request context (session tags arrive as `aws:PrincipalTag/*`, `aws:RequestTag/*`). */
  readonly context?: Readonly<Record<string, string | string[]>>;
}

export interface CallResult extends Call {
  readonly allowed: boolean;
  /** For a denial: why, and the statement that would be needed. */
  readonly reason?: string;
  readonly needed?: string;
}

/** A precondition a phase checks outside IAM (a role that does not exist, a template over its limit). */
export interface Finding {
  readonly phase: PhaseName;
  readonly step: string;
  readonly problem: string;
  /** A blocker fails the rehearsal; a note is reported (e.g. a resource type with no known permissions). */
  readonly blocking: boolean;
}

const STS_ROLE = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/** The session ARN a role's calls carry. */
export function sessionArn(roleArn: string, session = 'fastish'): string {
  const m = STS_ROLE.exec(roleArn);
  return m ? `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/${session}` : roleArn;
}

function neededStatement(call: Call): string {
  return JSON.stringify({ Effect: 'Allow', Action: call.action, Resource: call.resource });
}

/**
 * Authorizes one call against what exists in the world: the caller's identity policies and permissions
 * boundary, the target's resource policy (a role's trust policy for `sts:*` calls on a role).
 */
export async function authorize(world: World, evaluate: Evaluate, call: Call): Promise<CallResult> {
  const deny = (reason: string): CallResult => ({
    ...call,
    allowed: false,
    reason,
    needed: neededStatement(call),
  });
  const isService = !call.principal.startsWith('arn:');
  const role = isService ? undefined : world.roles.get(call.principal);
  if (!isService && !role) return deny(`principal ${call.principal} does not exist`);
  const assumesRole = call.action.startsWith('sts:') && call.resource.includes(':role/');
  const target = assumesRole ? world.roles.get(call.resource) : undefined;
  if (assumesRole && !target) return deny(`role ${call.resource} does not exist`);

  const identity = role ? world.identityPolicies(role) : { policies: [], unknownManaged: [] };
  const boundary = role?.boundary ? world.managedPolicies.get(role.boundary) : undefined;
  if (role?.boundary && !boundary) return deny(`permissions boundary ${role.boundary} does not exist`);
  const resourcePolicy = target ? target.trust : world.resourcePolicyFor(call.resource);
  const resourceAccount = world.accountOf(call.resource) || (role?.account ?? '');
  const evaluation = await evaluate({
    principal: role ? sessionArn(role.arn) : call.principal,
    action: call.action,
    resource: call.resource,
    resourceAccount,
    context: {
      'aws:SecureTransport': 'true',
      ...(call.resource.startsWith('arn:aws:s3:::') && resourceAccount
        ? { 's3:ResourceAccount': resourceAccount }
        : {}),
      // Conditions on the assumed role's tags (CDK Pipelines assumes bootstrap roles by tag).
      ...Object.fromEntries(
        Object.entries(target?.tags ?? {}).flatMap(([k, v]) => [
          [`iam:ResourceTag/${k}`, v],
          [`aws:ResourceTag/${k}`, v],
        ]),
      ),
      ...(role ? { 'aws:PrincipalAccount': role.account, 'aws:PrincipalArn': role.arn } : {}),
      ...Object.fromEntries(Object.entries(role?.tags ?? {}).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
      ...call.context,
    },
    identityPolicies: identity.policies.map((p) => ({ name: p.name, policy: p.document })),
    ...(resourcePolicy
      ? {
          resourcePolicy: {
            Version: '2012-10-17',
            Statement: 'statements' in resourcePolicy ? resourcePolicy.statements : resourcePolicy.Statement,
          },
        }
      : {}),
    ...(boundary ? { boundaryPolicies: [{ name: boundary.name, policy: boundary.document }] } : {}),
    ...(world.s3Abac(call.resource) ? { s3BucketAbac: true } : {}),
  });
  if (evaluation.allowed) return { ...call, allowed: true };
  const by = evaluation.deniedBy.length > 0 ? evaluation.deniedBy.join(', ') : 'no statement allows it';
  const unknown =
    identity.unknownManaged.length > 0 ? `; not evaluated: ${identity.unknownManaged.join(', ')}` : '';
  return deny(`${evaluation.result} (${by})${unknown}`);
}
