/* biome-ignore-all lint/suspicious/noExplicitAny: synthesized CloudFormation templates are untyped JSON */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { parse } from 'yaml';
import { buildPlatform, createApp } from '../../src/app/platform';
import { validateConfig } from '../../src/config';
import type { WebappStack } from '../../src/stacks/webapp/webapp-stack';

/** The example config with only the webapp enabled (plus bootstrap, no release pipeline), optionally edited. */
export function exampleConfig(edit: (raw: Record<string, any>) => void = () => {}): Record<string, any> {
  const raw = parse(readFileSync(join(__dirname, '..', '..', 'examples', 'fastish.yaml'), 'utf8'));
  // The release pipeline is another stack's concern; these tests build only bootstrap + webapp.
  delete raw.release;
  for (const env of Object.values(raw.environments) as { architectures: string[] }[]) {
    env.architectures = ['webapp'];
  }
  edit(raw);
  return raw;
}

export interface SynthesizedWebapp {
  readonly stacks: ReadonlyMap<string, WebappStack>;
  readonly templates: ReadonlyMap<string, Template>;
  readonly json: ReadonlyMap<string, any>;
}

/** Synthesizes the webapp stack of every environment of `raw` into a fresh directory. */
export function synthWebapp(raw: Record<string, any>, outdir?: string): SynthesizedWebapp {
  const model = validateConfig(raw, 'test');
  const app = createApp({ outdir: outdir ?? mkdtempSync(join(tmpdir(), 'webapp-')) });
  const platform = buildPlatform(model, app);
  app.synth();
  const stacks = new Map<string, WebappStack>();
  const templates = new Map<string, Template>();
  const json = new Map<string, any>();
  for (const [name, env] of platform.environments) {
    const stack = env.stacks.get('webapp') as WebappStack;
    stacks.set(name, stack);
    const template = Template.fromStack(stack);
    templates.set(name, template);
    json.set(name, template.toJSON());
  }
  return { stacks, templates, json };
}

/** Every IAM policy document in a template: inline role policies and AWS::IAM::Policy/ManagedPolicy. */
export function policyDocuments(template: any): { id: string; doc: any }[] {
  const docs: { id: string; doc: any }[] = [];
  for (const [id, r] of Object.entries<any>(template.Resources)) {
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      docs.push({ id, doc: r.Properties.PolicyDocument });
    }
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of r.Properties.Policies ?? []) docs.push({ id, doc: p.PolicyDocument });
    }
  }
  return docs;
}

export function actionsOf(statement: any): string[] {
  const a = statement.Action ?? [];
  return Array.isArray(a) ? a : [a];
}
