import {
  fullDiff,
  type ResourceDifference,
  ResourceImpact,
  type TemplateDiff,
} from '@aws-cdk/cloudformation-diff';
import type { AssemblyStack, Template, TemplateResource } from './assembly';
import { statefulReason } from './resource-facts';

export type ChangeKind = 'create' | 'modify' | 'replace' | 'may-replace' | 'delete' | 'orphan' | 'import';

export interface ResourcePlan {
  readonly logicalId: string;
  readonly type: string;
  readonly kind: ChangeKind;
  /** Construct path from the template metadata (`aws:cdk:path`), when present. */
  readonly path?: string;
  /** Properties (or `Type`) whose change replaces or may replace the resource (from the service specification). */
  readonly replacingProperties: readonly string[];
  /** Every changed property / attribute name. */
  readonly changedProperties: readonly string[];
  /** Set when the resource holds state: why it does. */
  readonly stateful?: string;
  /** Orphaned or deleted while a resource of its type is created: the logical id it was renamed to. */
  readonly renamedTo?: string;
}

export interface IamStatementChange {
  readonly change: 'added' | 'removed';
  readonly effect: string;
  readonly actions: string;
  readonly resources: string;
  readonly principals: string;
  readonly condition: string;
}

export interface ManagedPolicyChange {
  readonly change: 'added' | 'removed';
  readonly identity: string;
  readonly policy: string;
}

export interface SecurityGroupRuleChange {
  readonly change: 'added' | 'removed';
  readonly direction: 'ingress' | 'egress';
  readonly group: string;
  readonly protocol: string;
  readonly peer: string;
}

export interface StackPlan {
  readonly id: string;
  readonly stackName: string;
  readonly environment: string;
  /** `new`: only in head; `removed`: only in base (deploy never deletes stacks; listed as a warning). */
  readonly status: 'new' | 'removed' | 'changed' | 'unchanged';
  /**
   * Other copies of the same stack (same name and environment) in the assembly, e.g. the release
   * pipeline's nested stage: they deploy the same stack, so it is planned once, as this copy.
   */
  readonly copies: readonly string[];
  readonly resources: readonly ResourcePlan[];
  readonly iam: {
    readonly statements: readonly IamStatementChange[];
    readonly managedPolicies: readonly ManagedPolicyChange[];
    /** Permissions grow (new allow statements, new principals, new managed policies). */
    readonly broadened: boolean;
  };
  readonly securityGroups: readonly SecurityGroupRuleChange[];
  /** Other template differences (outputs, parameters, conditions, ...) counted, not detailed. */
  readonly otherChanges: number;
}

export interface StatefulHazard {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly path?: string;
  readonly reason: string;
  readonly replacingProperties: readonly string[];
  /** An orphaned or deleted resource whose type is created under this logical id: a rename. */
  readonly renamedTo?: string;
}

export interface PlanReport {
  readonly stacks: readonly StackPlan[];
  readonly counts: Readonly<Record<ChangeKind, number>>;
  /** Replacements, deletions and orphans of stateful resources: data lost, or detached from the app. */
  readonly hazards: readonly StatefulHazard[];
  /** Hazards present and not allowed: the plan fails. */
  readonly blocked: boolean;
  readonly allowReplace: boolean;
}

export interface PlanOptions {
  /** Accept stateful replacements, deletions and orphans (still reported). @default false */
  readonly allowReplace?: boolean;
}

const EMPTY: Template = { Resources: {} };

/**
 * Change kinds that lose a stateful resource's data, or detach it from the app: an orphaned (retained)
 * table still exists, but the app now writes to a new, empty one, e.g. after a logical-id rename.
 */
const HAZARDOUS: ReadonlySet<ChangeKind> = new Set(['replace', 'may-replace', 'delete', 'orphan']);

function kindOf(diff: ResourceDifference): ChangeKind | undefined {
  switch (diff.changeImpact) {
    case ResourceImpact.WILL_CREATE:
      return 'create';
    case ResourceImpact.WILL_UPDATE:
      return 'modify';
    case ResourceImpact.WILL_REPLACE:
      return 'replace';
    case ResourceImpact.MAY_REPLACE:
      return 'may-replace';
    case ResourceImpact.WILL_DESTROY:
      return 'delete';
    case ResourceImpact.WILL_ORPHAN:
      return 'orphan';
    case ResourceImpact.WILL_IMPORT:
      return 'import';
    default:
      return undefined;
  }
}

/** Construct path of a resource: from the assembly metadata, else the template's `aws:cdk:path`. */
function cdkPath(stack: AssemblyStack | undefined, logicalId: string): string | undefined {
  const path =
    stack?.paths?.get(logicalId) ?? stack?.template.Resources?.[logicalId]?.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path : undefined;
}

/**
 * The template without resource and template `Metadata`: construct paths, acknowledgements and the
 * like change no resource, so they are no change to plan (CloudFormation's own change sets agree).
 */
function withoutMetadata(template: Template): Template {
  const { Metadata: _template, Resources, ...rest } = template;
  const resources: Record<string, TemplateResource> = {};
  for (const [id, { Metadata: _resource, ...resource }] of Object.entries(Resources ?? {})) {
    resources[id] = resource as TemplateResource;
  }
  return { ...rest, Resources: resources };
}

function resourcePlan(
  logicalId: string,
  diff: ResourceDifference,
  path: string | undefined,
): ResourcePlan | undefined {
  const kind = kindOf(diff);
  if (!kind) return undefined;
  const oldValue = diff.oldValue as TemplateResource | undefined;
  const newValue = diff.newValue as TemplateResource | undefined;
  const replacingProperties: string[] = [];
  const changedProperties: string[] = [];
  if (diff.resourceTypeChanged && oldValue && newValue) replacingProperties.push('Type');
  diff.forEachDifference((type, name, change) => {
    const label = type === 'Property' ? name : `(${name})`;
    changedProperties.push(label);
    const impact = (change as { changeImpact?: ResourceImpact }).changeImpact;
    if (impact === ResourceImpact.WILL_REPLACE || impact === ResourceImpact.MAY_REPLACE) {
      replacingProperties.push(label);
    }
  });
  // A resource that exists before the change is what can lose data.
  const stateful = statefulReason(oldValue) ?? (kind === 'create' ? statefulReason(newValue) : undefined);
  return {
    logicalId,
    type: diff.newResourceType ?? diff.oldResourceType ?? 'unknown',
    kind,
    ...(path ? { path } : {}),
    replacingProperties,
    changedProperties,
    ...(stateful ? { stateful } : {}),
  };
}

function iamOf(diff: TemplateDiff): StackPlan['iam'] {
  const statements: IamStatementChange[] = [];
  const push = (change: 'added' | 'removed', s: (typeof diff.iamChanges.statements.additions)[number]) => {
    const r = s.render();
    statements.push({
      change,
      effect: r.effect,
      actions: r.action,
      resources: r.resource,
      principals: r.principal,
      condition: r.condition,
    });
  };
  for (const s of diff.iamChanges.statements.additions) push('added', s);
  for (const s of diff.iamChanges.statements.removals) push('removed', s);
  const managedPolicies: ManagedPolicyChange[] = [
    ...diff.iamChanges.managedPolicies.additions.map((p) => ({
      change: 'added' as const,
      identity: p.identityArn,
      policy: p.managedPolicyArn,
    })),
    ...diff.iamChanges.managedPolicies.removals.map((p) => ({
      change: 'removed' as const,
      identity: p.identityArn,
      policy: p.managedPolicyArn,
    })),
  ];
  return { statements, managedPolicies, broadened: diff.iamChanges.permissionsBroadened };
}

function securityGroupsOf(diff: TemplateDiff): SecurityGroupRuleChange[] {
  const sg = diff.securityGroupChanges;
  const rows: SecurityGroupRuleChange[] = [];
  const add = (
    change: 'added' | 'removed',
    direction: 'ingress' | 'egress',
    rules: typeof sg.ingress.additions,
  ) => {
    for (const rule of rules) {
      rows.push({
        change,
        direction,
        group: rule.groupId,
        protocol: rule.describeProtocol(),
        peer: rule.describePeer(),
      });
    }
  };
  add('added', 'ingress', sg.ingress.additions);
  add('removed', 'ingress', sg.ingress.removals);
  add('added', 'egress', sg.egress.additions);
  add('removed', 'egress', sg.egress.removals);
  return rows;
}

/**
 * A removed resource and a created one of the same type in the same stack read as a rename of the
 * logical id (a moved or renamed construct). With several candidates, the one with the same properties.
 */
function renameOf(
  removed: ResourcePlan,
  resources: readonly ResourcePlan[],
  base: AssemblyStack | undefined,
  head: AssemblyStack | undefined,
): string | undefined {
  if (removed.kind !== 'orphan' && removed.kind !== 'delete') return undefined;
  const created = resources.filter((r) => r.kind === 'create' && r.type === removed.type);
  if (created.length <= 1) return created[0]?.logicalId;
  const properties = (stack: AssemblyStack | undefined, id: string) =>
    JSON.stringify(stack?.template.Resources?.[id]?.Properties ?? {});
  const before = properties(base, removed.logicalId);
  const same = created.filter((r) => properties(head, r.logicalId) === before);
  return same.length === 1 ? same[0]?.logicalId : undefined;
}

/** Diffs one stack's templates (either side may be absent) with @aws-cdk/cloudformation-diff. */
export function planStack(
  base: AssemblyStack | undefined,
  head: AssemblyStack | undefined,
  copies: readonly string[] = [],
): StackPlan {
  const any = (head ?? base) as AssemblyStack;
  const diff = fullDiff(withoutMetadata(base?.template ?? EMPTY), withoutMetadata(head?.template ?? EMPTY));
  const resources: ResourcePlan[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const plan = resourcePlan(logicalId, change, cdkPath(head, logicalId) ?? cdkPath(base, logicalId));
    if (plan) resources.push(plan);
  });
  for (const [i, r] of resources.entries()) {
    const renamedTo = renameOf(r, resources, base, head);
    if (renamedTo) resources[i] = { ...r, renamedTo };
  }
  const otherChanges =
    diff.outputs.differenceCount +
    diff.parameters.differenceCount +
    diff.conditions.differenceCount +
    diff.mappings.differenceCount +
    diff.unknown.differenceCount +
    (diff.description ? 1 : 0) +
    (diff.transform ? 1 : 0);
  const status = !base ? 'new' : !head ? 'removed' : diff.isEmpty ? 'unchanged' : 'changed';
  return {
    id: any.id,
    stackName: any.stackName,
    environment: any.environment,
    status,
    copies,
    resources,
    iam: iamOf(diff),
    securityGroups: securityGroupsOf(diff),
    otherChanges,
  };
}

/** Where a stack is deployed: an AWS stack is its name in its environment. */
const deployedAs = (s: AssemblyStack) => `${s.environment} ${s.stackName}`;

/**
 * Each deployed stack once, in assembly order, with the ids of its other copies. The release
 * pipeline's stages hold copies of the environments' stacks (same names, same environments); the copy
 * with the shortest construct path is planned (the app's own stage, not the pipeline's nested one).
 */
function uniqueStacks(stacks: readonly AssemblyStack[]): { stack: AssemblyStack; copies: string[] }[] {
  const depth = (s: AssemblyStack) => s.id.split('/').length;
  const chosen = new Map<string, AssemblyStack>();
  for (const s of stacks) {
    const current = chosen.get(deployedAs(s));
    if (!current || depth(s) < depth(current)) chosen.set(deployedAs(s), s);
  }
  return stacks
    .filter((s) => chosen.get(deployedAs(s)) === s)
    .map((stack) => ({
      stack,
      copies: stacks.filter((s) => s !== stack && deployedAs(s) === deployedAs(stack)).map((s) => s.id),
    }));
}

/**
 * Plans the change from a base assembly to a head assembly: stacks are matched by name and
 * environment (each planned once, however many copies the assembly holds), diffed with
 * @aws-cdk/cloudformation-diff, and every replacement, deletion or orphaning of a stateful resource
 * becomes a hazard that blocks the plan unless `allowReplace`.
 */
export function planAssemblies(
  base: readonly AssemblyStack[],
  head: readonly AssemblyStack[],
  options: PlanOptions = {},
): PlanReport {
  const baseStacks = uniqueStacks(base);
  const headStacks = uniqueStacks(head);
  const baseByKey = new Map(baseStacks.map((b) => [deployedAs(b.stack), b.stack]));
  const headKeys = new Set(headStacks.map((h) => deployedAs(h.stack)));
  const stacks: StackPlan[] = [
    ...headStacks.map((h) => planStack(baseByKey.get(deployedAs(h.stack)), h.stack, h.copies)),
    ...baseStacks
      .filter((b) => !headKeys.has(deployedAs(b.stack)))
      .map((b) => planStack(b.stack, undefined, b.copies)),
  ];
  const counts: Record<ChangeKind, number> = {
    create: 0,
    modify: 0,
    replace: 0,
    'may-replace': 0,
    delete: 0,
    orphan: 0,
    import: 0,
  };
  const hazards: StatefulHazard[] = [];
  for (const stack of stacks) {
    for (const r of stack.resources) {
      counts[r.kind] += 1;
      // A stack that disappears from the assembly is not deleted by deploy or the pipeline.
      if (stack.status !== 'removed' && r.stateful && HAZARDOUS.has(r.kind)) {
        hazards.push({
          stack: stack.id,
          logicalId: r.logicalId,
          type: r.type,
          kind: r.kind,
          ...(r.path ? { path: r.path } : {}),
          reason: r.stateful,
          replacingProperties: r.replacingProperties,
          ...(r.renamedTo ? { renamedTo: r.renamedTo } : {}),
        });
      }
    }
  }
  const allowReplace = options.allowReplace ?? false;
  return { stacks, counts, hazards, blocked: hazards.length > 0 && !allowReplace, allowReplace };
}
