import { statSync } from 'node:fs';
import { Stage } from 'aws-cdk-lib';
import type { Platform } from '../app/platform';
import type { Acknowledgement } from './acknowledgements';
import { logicalIdPaths, nagPacks, runNag } from './nag';
import { applyRules, FASTISH_RULES } from './pack';
import { TemplateValidation } from './template-validation';
import type { CfnTemplate, FastishRule, Severity } from './types';

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
}

/**
 * Synthesizes the platform's app, then runs cdk-nag (AwsSolutions + Serverless) on every stack, the
 * Fastish rules and aws-cdk-lib's CloudFormation template validation on every synthesized template.
 * Pure reporting: throws only when synth does.
 */
export function runChecks(platform: Platform, options: RunChecksOptions = {}): CheckReport {
  const progress = options.onProgress ?? (() => {});
  progress(`synthesizing ${platform.stacks.length} stacks`);
  const assembly = platform.app.synth();
  const findings: Finding[] = [];
  const stacks: StackReport[] = [];
  const packs = options.nag === false ? [] : nagPacks();
  const templates = options.templates === false ? undefined : new TemplateValidation();
  for (const stack of platform.stacks) {
    progress(`checking ${stack.stackName}`);
    const stage = Stage.of(stack);
    const artifact = (stage ?? platform.app).synth().getStackArtifact(stack.artifactId);
    const template = artifact.template as CfnTemplate;
    const templateBytes = statSync(artifact.templateFullPath).size;
    const paths = logicalIdPaths(stack);
    const logicalIds = new Map([...paths].map(([id, path]) => [path, id]));
    const own: Finding[] = [];
    for (const f of applyRules(
      { stackName: stack.stackName, template, templateBytes },
      options.rules ?? FASTISH_RULES,
    )) {
      own.push({
        source: 'fastish',
        stack: stack.stackName,
        ruleId: f.ruleId,
        severity: f.severity,
        ...(f.logicalId !== undefined ? { logicalId: f.logicalId } : {}),
        path: (f.logicalId !== undefined ? paths.get(f.logicalId) : undefined) ?? stack.node.path,
        message: f.message,
        ...(f.acknowledged ? { acknowledged: f.acknowledged } : {}),
        blocking: !f.acknowledged && f.severity === 'error',
      });
    }
    for (const f of packs.length > 0 ? runNag(stack, packs) : []) {
      const logicalId = logicalIds.get(f.path);
      own.push({
        source: 'cdk-nag',
        stack: stack.stackName,
        ruleId: f.ruleId,
        severity: f.severity,
        ...(logicalId !== undefined ? { logicalId } : {}),
        path: f.path,
        message: f.message,
        ...(f.acknowledged ? { acknowledged: f.acknowledged } : {}),
        blocking: !f.acknowledged,
      });
    }
    for (const f of templates?.validate(stack, artifact.templateFullPath) ?? []) {
      own.push({
        source: 'cloudformation',
        stack: stack.stackName,
        ...f,
        // Template errors fail a deploy; its lint warnings are advisory unless acknowledged.
        blocking: !f.acknowledged && f.severity === 'error',
      });
    }
    findings.push(...own);
    stacks.push({
      stack: stack.stackName,
      environment: stack.environmentName,
      architecture: stack.architecture,
      path: stack.node.path,
      templateFile: artifact.templateFullPath,
      resources: Object.keys(template.Resources ?? {}).length,
      outputs: Object.keys(template.Outputs ?? {}).length,
      parameters: Object.keys(template.Parameters ?? {}).length,
      templateBytes,
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
  };
}
