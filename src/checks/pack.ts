import { type Acknowledgement, acknowledgementsOf } from './acknowledgements';
import { eksPublicEndpoint } from './rules/eks-public-endpoint';
import { iamReference } from './rules/iam-reference';
import { iamWildcardActions } from './rules/iam-wildcard-actions';
import { physicalNameLimits } from './rules/physical-name-limits';
import { stackName } from './rules/stack-name';
import { stackOutputCount } from './rules/stack-output-count';
import { stackParameterCount } from './rules/stack-parameter-count';
import { stackResourceCount } from './rules/stack-resource-count';
import { statefulEncrypted } from './rules/stateful-encrypted';
import { statefulRetained } from './rules/stateful-retained';
import { tagCoverage } from './rules/tag-coverage';
import { templateSize } from './rules/template-size';
import type { FastishRule, Severity, TemplateContext } from './types';

/** The Fastish pack: composes the rules, nothing else (one rule per file under `rules/`). */
export const FASTISH_RULES: readonly FastishRule[] = [
  physicalNameLimits,
  stackName,
  tagCoverage,
  statefulRetained,
  statefulEncrypted,
  stackResourceCount,
  templateSize,
  stackOutputCount,
  stackParameterCount,
  iamWildcardActions,
  iamReference,
  eksPublicEndpoint,
];

/** One finding of a Fastish rule in one template, with its acknowledgement when there is one. */
export interface RuleFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly logicalId?: string;
  readonly message: string;
  readonly acknowledged?: Acknowledgement;
}

/**
 * Runs rules over one template. Resource findings are acknowledged by the resource's `fastish_acks`
 * metadata, template findings by the template's; an acknowledgement must name the exact rule id.
 */
export function applyRules(
  context: TemplateContext,
  rules: readonly FastishRule[] = FASTISH_RULES,
): RuleFinding[] {
  const out: RuleFinding[] = [];
  const templateAcks = acknowledgementsOf(context.template);
  for (const rule of rules) {
    for (const v of rule.check(context)) {
      const resource = v.logicalId !== undefined ? context.template.Resources?.[v.logicalId] : undefined;
      const acks = resource ? acknowledgementsOf(resource) : templateAcks;
      const ack = acks.find((a) => a.id === rule.id);
      out.push({
        ruleId: rule.id,
        severity: v.severity ?? rule.severity,
        ...(v.logicalId !== undefined ? { logicalId: v.logicalId } : {}),
        message: v.message,
        ...(ack ? { acknowledged: { id: ack.id, reason: ack.reason } } : {}),
      });
    }
  }
  return out;
}
