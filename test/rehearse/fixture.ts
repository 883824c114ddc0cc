import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlatform, createApp } from '../../src/app/platform';
import type { PlatformModel } from '../../src/config';
import { type RehearsalStack, readRehearsalAssembly } from '../../src/rehearse';
import type { Template, TemplateResource } from '../../src/rehearse/assembly';

/** Synthesizes a model into a temporary cloud assembly, reads it, and removes the directory. */
export function synthesizeStacks(model: PlatformModel): RehearsalStack[] {
  const dir = mkdtempSync(join(tmpdir(), 'fastish-rehearse-test-'));
  try {
    buildPlatform(model, createApp({ outdir: dir })).app.synth();
    return readRehearsalAssembly(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A copy of the stacks with one stack's template changed (every copy of it: stage and pipeline). */
export function mutate(
  stacks: readonly RehearsalStack[],
  stackName: string,
  change: (resources: Record<string, TemplateResource & { Properties: Record<string, unknown> }>) => void,
): RehearsalStack[] {
  return stacks.map((s) => {
    if (s.stackName !== stackName) return s;
    const template = structuredClone(s.template) as Template;
    change(template.Resources as never);
    return { ...s, template };
  });
}

type Statement = { Action?: string | string[]; Sid?: string } & Record<string, unknown>;

/** Removes `action` from every statement of every policy (inline, managed, trust) of a stack. */
export function dropAction(
  resources: Record<string, { Properties?: Record<string, unknown> }>,
  action: string,
) {
  const strip = (doc: unknown) => {
    const d = doc as { Statement?: Statement[] } | undefined;
    if (!d?.Statement) return;
    d.Statement = d.Statement.map((s) => {
      const actions = (Array.isArray(s.Action) ? s.Action : [s.Action]).filter(
        (a): a is string => a !== undefined && a !== action,
      );
      return { ...s, Action: actions };
    }).filter((s) => (s.Action as string[]).length > 0);
  };
  for (const r of Object.values(resources)) {
    const p = r.Properties ?? {};
    strip(p.PolicyDocument);
    strip(p.AssumeRolePolicyDocument);
    for (const inline of (p.Policies ?? []) as { PolicyDocument: unknown }[]) strip(inline.PolicyDocument);
  }
}
