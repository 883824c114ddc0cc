import type { Command } from '../command';
import { checkCommand } from './check';
import { deployCommand } from './deploy';
import { devCommand } from './dev';
import { docsCommand } from './docs';
import { druidCommand } from './druid';
import { initCommand } from './init';
import { planCommand } from './plan';
import { preflightCommand } from './preflight';
import { rehearseCommand } from './rehearse';
import { smokeCommand } from './smoke';
import { synthCommand } from './synth';
import { validateCommand } from './validate';

/**
 * The command registry: name → command. To add one, create `src/cli/commands/<name>.ts` exporting a
 * `Command` ({ summary, usage?, run(args, io) → exit code }) and add one line here.
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  init: initCommand,
  validate: validateCommand,
  synth: synthCommand,
  check: checkCommand,
  plan: planCommand,
  rehearse: rehearseCommand,
  preflight: preflightCommand,
  deploy: deployCommand,
  smoke: smokeCommand,
  dev: devCommand,
  docs: docsCommand,
  druid: druidCommand,
};
