/**
 * Shapes of synthesized CloudFormation the Fastish rules read. Deliberately loose: rules are pure
 * functions of template JSON, so they work on cloud assemblies and on hand-written fixtures alike.
 */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
}

export interface CfnTemplate {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, unknown>;
  readonly Parameters?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly [section: string]: unknown;
}

/** Everything a rule may look at: one stack's template, its name and its size on disk. */
export interface TemplateContext {
  readonly stackName: string;
  readonly template: CfnTemplate;
  /** Size of the template body as written to the cloud assembly, in bytes. */
  readonly templateBytes: number;
}

export type Severity = 'error' | 'warning';

/** What a rule reports; the pack adds the rule id, stack and acknowledgement. */
export interface RuleViolation {
  /** Logical id of the offending resource; absent for template-level findings (quotas, stack name). */
  readonly logicalId?: string;
  readonly message: string;
  /** Overrides the rule's severity for this violation (e.g. a size warning below the hard limit). */
  readonly severity?: Severity;
}

/** A Fastish rule: an id, what it protects against, and a pure check of one template. */
export interface FastishRule {
  /** `FST-<AREA><n>`, stable: acknowledgements refer to it. */
  readonly id: string;
  /** Kebab-case name; also the rule's file name under `src/checks/rules/`. */
  readonly name: string;
  /** One sentence: what is checked and why it matters. */
  readonly description: string;
  readonly severity: Severity;
  check(context: TemplateContext): RuleViolation[];
}

/** A rule that looks at one resource at a time (most rules): returns messages, empty when compliant. */
export interface ResourceRuleSpec {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly severity?: Severity;
  test(resource: TemplateResource, logicalId: string, context: TemplateContext): readonly string[];
}

/** Builds a `FastishRule` from a per-resource test, in the spirit of cdk-nag's rule functions. */
export function resourceRule(spec: ResourceRuleSpec): FastishRule {
  return {
    id: spec.id,
    name: spec.name,
    description: spec.description,
    severity: spec.severity ?? 'error',
    check(context) {
      const out: RuleViolation[] = [];
      for (const [logicalId, resource] of Object.entries(context.template.Resources ?? {})) {
        for (const message of spec.test(resource, logicalId, context)) out.push({ logicalId, message });
      }
      return out;
    },
  };
}

/** A CloudFormation quota on the number of entries of one template section. */
export interface SectionQuotaSpec {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly section: 'Resources' | 'Outputs' | 'Parameters';
  /** What the entries are called in the message, e.g. `outputs`. */
  readonly noun: string;
  readonly max: number;
}

/** Builds an error rule that fails a template whose section has more than `max` entries. */
export function sectionQuotaRule(spec: SectionQuotaSpec): FastishRule {
  return {
    id: spec.id,
    name: spec.name,
    description: spec.description,
    severity: 'error',
    check({ template }) {
      const count = Object.keys(template[spec.section] ?? {}).length;
      return count > spec.max
        ? [{ message: `stack has ${count} ${spec.noun}; CloudFormation allows ${spec.max}` }]
        : [];
    },
  };
}

/** A context for a template that did not come from a cloud assembly (fixtures, tests). */
export function contextOf(template: CfnTemplate, stackName = 'FixtureStack'): TemplateContext {
  return { stackName, template, templateBytes: Buffer.byteLength(JSON.stringify(template, undefined, 1)) };
}
