import { join } from 'node:path';
import { type Command, parseOptions } from '../command';
import { staleDocs, writeDocs } from '../docs';

const USAGE = `fastish docs [--check]

Regenerates the files generated from the config schema: schema/fastish.schema.json (editor
validation) and docs/configuration.md.

      --check   write nothing; exit 1 when a committed file is stale`;

/** The repository root (this file is src/cli/commands/docs.ts). */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

export const docsCommand: Command = {
  summary: 'Regenerate the JSON Schema and docs/configuration.md from the config schema',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseOptions(args, { check: { type: 'boolean', default: false } });
    if (values.check) {
      const stale = staleDocs(REPO_ROOT);
      for (const path of stale) io.err(`${path} is stale: run \`fastish docs\`\n`);
      return stale.length > 0 ? 1 : 0;
    }
    for (const path of writeDocs(REPO_ROOT)) io.out(`wrote ${path}\n`);
    return 0;
  },
};
