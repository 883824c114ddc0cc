import { readFileSync } from 'node:fs';
import type { CloudFormationValidatePlugin, Stack } from 'aws-cdk-lib';
import { nagAcknowledgement, type StackIndex, stackIndex } from './nag';
import type { Severity } from './types';

/** Prefix of the ids of aws-cdk-lib's CloudFormation template rules, as `Validations.acknowledge` takes them. */
export const TEMPLATE_RULE_PREFIX = 'CloudFormation-Validate::';

export interface TemplateFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly logicalId?: string;
  readonly path: string;
  readonly message: string;
  readonly acknowledged?: { id: string; reason: string };
}

/** One synthesized template to validate, with the environment its pseudo parameters resolve to. */
export interface TemplateRequest {
  readonly templatePath: string;
  /** Construct path of the stack (names template-level findings). */
  readonly stackConstructPath: string;
  readonly accountId: string;
  readonly region: string;
}

/** A violation as the validator reports it, before it is mapped to constructs and acknowledgements. */
export interface TemplateViolation {
  readonly ruleName: string;
  readonly severity: Severity;
  readonly description: string;
  readonly logicalId?: string;
}

/**
 * aws-cdk-lib's CloudFormation template validation (resource schemas, intrinsic functions, best-practice
 * lint) of each template, one validator for all of them. The validator builds its engine for the
 * resource types it is given and builds it again whenever a template brings a type it has not seen,
 * and each build takes seconds: the engine is built once, for every template's types, up front.
 * @returns violations (errors and warnings) per template path, templates in the order given
 */
export function validateTemplates(
  requests: readonly TemplateRequest[],
  plugin: CloudFormationValidatePlugin = newPlugin(),
): Map<string, TemplateViolation[]> {
  const types = new Set<string>();
  for (const r of requests) {
    const template = JSON.parse(readFileSync(r.templatePath, 'utf8')) as {
      Resources?: Record<string, { Type?: unknown }>;
    };
    for (const resource of Object.values(template.Resources ?? {})) {
      if (typeof resource?.Type === 'string') types.add(resource.Type);
    }
  }
  // Not part of the plugin's declared API; without it each new type set rebuilds the engine (slower, same findings).
  const warm = (plugin as unknown as { initializeEngine?: (types: Set<string>) => unknown }).initializeEngine;
  if (typeof warm === 'function' && types.size > 0) warm.call(plugin, types);
  const out = new Map<string, TemplateViolation[]>();
  for (const r of requests) {
    const report = plugin.validate({
      templatePaths: [r.templatePath],
      stackTemplates: [
        {
          stackConstructPath: r.stackConstructPath,
          templatePath: r.templatePath,
          accountId: r.accountId,
          region: r.region,
        },
      ],
    } as Parameters<CloudFormationValidatePlugin['validate']>[0]);
    const violations: TemplateViolation[] = [];
    for (const violation of report.violations) {
      if (violation.severity !== 'error' && violation.severity !== 'warning') continue;
      for (const resource of violation.violatingResources) {
        violations.push({
          ruleName: violation.ruleName,
          severity: violation.severity,
          description: violation.description,
          ...(resource.resourceLogicalId ? { logicalId: resource.resourceLogicalId } : {}),
        });
      }
    }
    out.set(r.templatePath, violations);
  }
  return out;
}

function newPlugin(): CloudFormationValidatePlugin {
  const { CloudFormationValidatePlugin } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  return new CloudFormationValidatePlugin();
}

/** The validator's violations of one stack's template as findings on its constructs, with acknowledgements. */
export function templateFindings(
  stack: Stack,
  violations: readonly TemplateViolation[],
  index: StackIndex = stackIndex(stack),
): TemplateFinding[] {
  return violations.map((v) => {
    const ruleId = `${TEMPLATE_RULE_PREFIX}${v.ruleName}`;
    const path = (v.logicalId ? index.paths.get(v.logicalId) : undefined) ?? stack.node.path;
    const ack = nagAcknowledgement(index.byPath.get(path) ?? stack, ruleId);
    return {
      ruleId,
      severity: v.severity,
      ...(v.logicalId ? { logicalId: v.logicalId } : {}),
      path,
      message: v.description,
      ...(ack ? { acknowledged: ack } : {}),
    };
  });
}

/** The request for one synthesized stack's template. */
export function templateRequest(stack: Stack, templatePath: string): TemplateRequest {
  return {
    templatePath,
    stackConstructPath: stack.node.path,
    accountId: stack.account,
    region: stack.region,
  };
}

/**
 * The template validation gate in this process, one stack at a time (tests, small apps). `runChecks`
 * validates every template of a platform in a child process instead (`validator-process.ts`).
 */
export class TemplateValidation {
  private plugin: CloudFormationValidatePlugin | undefined;

  validate(stack: Stack, templatePath: string): TemplateFinding[] {
    this.plugin ??= newPlugin();
    const violations = validateTemplates([templateRequest(stack, templatePath)], this.plugin);
    return templateFindings(stack, violations.get(templatePath) ?? []);
  }
}
