import type { CommandEntry } from '../command';

/**
 * The command registry: name → summary and loader. To add a command, create
 * `src/cli/commands/<name>.ts` exporting a `Command` ({ summary, usage?, run(args, io) → exit code }) and
 * add one entry here. Commands load on use, so `fastish --help` stays fast; a test keeps each summary
 * here equal to the command's own.
 */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  init: {
    summary: 'Write a commented starter fastish.yaml',
    load: async () => (await import('./init')).initCommand,
  },
  validate: {
    summary: 'Validate the config file and show the resolved environments',
    load: async () => (await import('./validate')).validateCommand,
  },
  synth: {
    summary: 'Synthesize the platform into a cloud assembly (offline) with a summary per stack',
    load: async () => (await import('./synth')).synthCommand,
  },
  check: {
    summary:
      'Run every gate (cdk-nag, Fastish rules, template validation); exit 1 on unacknowledged findings',
    load: async () => (await import('./check')).checkCommand,
  },
  plan: {
    summary: 'Diff two synthesized assemblies offline (create/modify/replace/delete, IAM, security groups)',
    load: async () => (await import('./plan')).planCommand,
  },
  rehearse: {
    summary: 'Replay a first deploy offline, authorizing every AWS call against the synthesized IAM policies',
    load: async () => (await import('./rehearse')).rehearseCommand,
  },
  preflight: {
    summary: 'Read-only account checks before a deploy: add-ons, AMIs, charts, quotas, connection, services',
    load: async () => (await import('./preflight')).preflightCommand,
  },
  deploy: {
    summary: 'Deploy one environment: gates, change-set preview + confirmation, rollback, health checks',
    load: async () => (await import('./deploy')).deployCommand,
  },
  smoke: {
    summary: 'After a deploy: the web API (sign in, create, read, delete), EKS nodes and Karpenter, Druid',
    load: async () => (await import('./smoke')).smokeCommand,
  },
  dev: {
    summary: 'Run the web application locally (dynalite, local token issuer); dev token / dev seed',
    load: async () => (await import('./dev')).devCommand,
  },
  docs: {
    summary: 'Regenerate the JSON Schema and docs/configuration.md from the config schema',
    load: async () => (await import('./docs')).docsCommand,
  },
  druid: {
    summary: 'Print the Druid supervisor specs, rules, compaction and batch tasks of an environment',
    load: async () => (await import('./druid')).druidCommand,
  },
};
