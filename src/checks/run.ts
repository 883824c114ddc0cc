import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import type { Platform } from '../app/platform';
import type { FastishStack } from '../constructs/fastish-stack';
import type { Acknowledgement } from './acknowledgements';
import { type GateCache, gateVersion, hashParts } from './gate-cache';
import { nagPacks, runNag, type StackIndex, stackIndex } from './nag';
import { applyRules, FASTISH_RULES } from './pack';
import {
  type TemplateViolation,
  templateFindings,
  templateRequest,
  validateTemplates,
} from './template-validation';
import type { CfnTemplate, FastishRule, Severity } from './types';
import { validateTemplatesInChild } from './validator-process';

/** One finding in the report. */
export interface Finding {
  readonly source: 'fastish' | 'cdk-nag' | 'cloudformation';
  /** CloudFormation stack name (`<org>-<env>-<arch>`). */
  readonly stack: string;
  /** Rule id, e.g. `FST-TAG1` or `AwsSolutions-IAM5[Action::s3:*]` (cdk-nag ids are per finding). */
  readonly ruleId: string;
  readonly severity: Severity;
  /** Logical id of the resource; absent for template-level findings. */
  readonly logicalId?: string;
  /** Construct path of the resource (or the stack for template-level findings). */
  readonly path: string;
  readonly message: string;
  /** Present when the finding is acknowledged: the reason written next to the code that needs it. */
  readonly acknowledged?: Acknowledgement;
  /**
   * Whether the finding fails `fastish check`: unacknowledged errors, and unacknowledged cdk-nag
   * findings of any level (the gate is zero cdk-nag violations). Fastish warnings are advisory.
   */
  readonly blocking: boolean;
}

export interface StackReport {
  readonly stack: string;
  readonly environment: string;
  readonly architecture: string;
  /** Construct path of the stack, e.g. `prod/bootstrap`. */
  readonly path: string;
  readonly templateFile: string;
  readonly resources: number;
  readonly outputs: number;
  readonly parameters: number;
  readonly templateBytes: number;
  /** Blocking findings (unacknowledged). */
  readonly findings: number;
  readonly warnings: number;
  readonly acknowledged: number;
}

export interface CheckReport {
  /** Cloud assembly directory. */
  readonly outdir: string;
  readonly stacks: readonly StackReport[];
  readonly findings: readonly Finding[];
  /** Count of blocking findings; `fastish check` exits non-zero when it is above zero. */
  readonly blocking: number;
  /** Stacks whose findings came from the gate cache (their gates did not run). */
  readonly cached: number;
}

export interface RunChecksOptions {
  /** Run the cdk-nag packs too. @default true */
  readonly nag?: boolean;
  /** Run aws-cdk-lib's CloudFormation template validation too. @default true */
  readonly templates?: boolean;
  /** Fastish rules to run. @default FASTISH_RULES */
  readonly rules?: readonly FastishRule[];
  /** Progress lines for long steps. @default none */
  readonly onProgress?: (message: string) => void;
  /**
   * Findings stored by content (`GateCache`): a stack whose gate inputs are unchanged is not checked
   * again. @default no cache (every gate runs)
   */
  readonly cache?: GateCache;
  /**
   * Where the template validation runs: a child process, in parallel with cdk-nag here, or this
   * process. @default 'child'
   */
  readonly validator?: 'child' | 'in-process';
}

/** One synthesized stack and what its gates read. */
interface Subject {
  readonly stack: FastishStack;
  readonly artifact: CloudFormationStackArtifact;
  readonly templateText: string;
  readonly template: CfnTemplate;
  readonly templateBytes: number;
  readonly key?: string;
}

/**
 * Everything a stack's findings depend on besides the gates' own code (`gateVersion`): the options,
 * where the stack is and deploys to, its template, and its assembly metadata (construct paths, logical
 * ids and acknowledgements, which map findings to constructs and acknowledge them).
 */
function stackKey(subject: Omit<Subject, 'key'>, options: RunChecksOptions): string {
  const { stack, artifact } = subject;
  const file = artifact.manifest.additionalMetadataFile;
  const metadataPath = file ? join(artifact.assembly.directory, file) : undefined;
  return hashParts([
    gateVersion(),
    JSON.stringify({
      nag: options.nag !== false,
      templates: options.templates !== false,
      rules: (options.rules ?? FASTISH_RULES).map((r) => r.id),
    }),
    stack.node.path,
    stack.stackName,
    stack.account,
    stack.region,
    subject.templateText,
    JSON.stringify(artifact.manifest.metadata ?? null),
    metadataPath && existsSync(metadataPath) ? readFileSync(metadataPath) : '',
  ]);
}

/**
 * Synthesizes the platform's app, then runs cdk-nag (AwsSolutions + Serverless) on every stack, the
 * Fastish rules and aws-cdk-lib's CloudFormation template validation on every synthesized template.
 * With a cache, a stack whose gate inputs are unchanged takes its findings from it. The template
 * validation runs in a child process while this one runs cdk-nag and the rules. Pure reporting:
 * throws only when synth (or the validator) does.
 */
export async function runChecks(platform: Platform, options: RunChecksOptions = {}): Promise<CheckReport> {
  const progress = options.onProgress ?? (() => {});
  progress(`synthesizing ${platform.stacks.length} stacks`);
  const assembly = platform.app.synth();
  const subjects: Subject[] = platform.stacks.map((stack) => {
    const artifact = (Stage.of(stack) ?? platform.app).synth().getStackArtifact(stack.artifactId);
    const templateText = readFileSync(artifact.templateFullPath, 'utf8');
    const subject = {
      stack,
      artifact,
      templateText,
      template: JSON.parse(templateText) as CfnTemplate,
      templateBytes: Buffer.byteLength(templateText),
    };
    return options.cache ? { ...subject, key: stackKey(subject, options) } : subject;
  });

  const known = new Map<FastishStack, Finding[]>();
  for (const s of subjects) {
    const hit = s.key ? options.cache?.get<Finding[]>(s.key) : undefined;
    if (Array.isArray(hit)) known.set(s.stack, hit);
  }
  const toCheck = subjects.filter((s) => !known.has(s.stack));
  if (known.size > 0) progress(`${known.size} of ${subjects.length} stacks unchanged since their last check`);

  // Started first: the validator builds its engine and validates while cdk-nag runs here.
  const requests = toCheck.map((s) => templateRequest(s.stack, s.artifact.templateFullPath));
  const validation: Promise<Map<string, TemplateViolation[]>> | undefined =
    options.templates === false || requests.length === 0
      ? undefined
      : options.validator === 'in-process'
        ? Promise.resolve().then(() => validateTemplates(requests))
        : validateTemplatesInChild(requests);
  // A rejection is awaited below; until then it must not count as unhandled.
  validation?.catch(() => {});

  const packs = options.nag === false || toCheck.length === 0 ? [] : nagPacks();
  const checked = new Map<FastishStack, { index: StackIndex; findings: Finding[] }>();
  for (const s of toCheck) {
    progress(`checking ${s.stack.stackName}`);
    const index = stackIndex(s.stack);
    checked.set(s.stack, {
      index,
      findings: [...fastishFindings(s, index, options), ...nagFindings(s, index, packs)],
    });
  }
  if (validation) {
    progress(`validating ${requests.length} CloudFormation templates`);
    const violations = await validation;
    for (const s of toCheck) {
      const entry = checked.get(s.stack) as { index: StackIndex; findings: Finding[] };
      for (const f of templateFindings(
        s.stack,
        violations.get(s.artifact.templateFullPath) ?? [],
        entry.index,
      )) {
        entry.findings.push({
          source: 'cloudformation',
          stack: s.stack.stackName,
          ...f,
          // Template errors fail a deploy; its lint warnings are advisory unless acknowledged.
          blocking: !f.acknowledged && f.severity === 'error',
        });
      }
    }
  }
  if (options.cache) {
    for (const s of toCheck) if (s.key) options.cache.set(s.key, checked.get(s.stack)?.findings ?? []);
    options.cache.prune();
  }

  const findings: Finding[] = [];
  const stacks: StackReport[] = [];
  for (const s of subjects) {
    const own = known.get(s.stack) ?? checked.get(s.stack)?.findings ?? [];
    findings.push(...own);
    stacks.push({
      stack: s.stack.stackName,
      environment: s.stack.environmentName,
      architecture: s.stack.architecture,
      path: s.stack.node.path,
      templateFile: s.artifact.templateFullPath,
      resources: Object.keys(s.template.Resources ?? {}).length,
      outputs: Object.keys(s.template.Outputs ?? {}).length,
      parameters: Object.keys(s.template.Parameters ?? {}).length,
      templateBytes: s.templateBytes,
      findings: own.filter((f) => f.blocking).length,
      warnings: own.filter((f) => !f.blocking && !f.acknowledged).length,
      acknowledged: own.filter((f) => f.acknowledged).length,
    });
  }
  return {
    outdir: assembly.directory,
    stacks,
    findings,
    blocking: findings.filter((f) => f.blocking).length,
    cached: known.size,
  };
}

function fastishFindings(s: Subject, index: StackIndex, options: RunChecksOptions): Finding[] {
  const { stack } = s;
  return applyRules(
    { stackName: stack.stackName, template: s.template, templateBytes: s.templateBytes },
    options.rules ?? FASTISH_RULES,
  ).map((f) => ({
    source: 'fastish',
    stack: stack.stackName,
    ruleId: f.ruleId,
    severity: f.severity,
    ...(f.logicalId !== undefined ? { logicalId: f.logicalId } : {}),
    path: (f.logicalId !== undefined ? index.paths.get(f.logicalId) : undefined) ?? stack.node.path,
    message: f.message,
    ...(f.acknowledged ? { acknowledged: f.acknowledged } : {}),
    blocking: !f.acknowledged && f.severity === 'error',
  }));
}

function nagFindings(s: Subject, index: StackIndex, packs: ReturnType<typeof nagPacks>): Finding[] {
  if (packs.length === 0) return [];
  const logicalIds = new Map([...index.paths].map(([id, path]) => [path, id]));
  return runNag(s.stack, packs, index).map((f) => {
    const logicalId = logicalIds.get(f.path);
    return {
      source: 'cdk-nag',
      stack: s.stack.stackName,
      ruleId: f.ruleId,
      severity: f.severity,
      ...(logicalId !== undefined ? { logicalId } : {}),
      path: f.path,
      message: f.message,
      ...(f.acknowledged ? { acknowledged: f.acknowledged } : {}),
      blocking: !f.acknowledged,
    };
  });
}
