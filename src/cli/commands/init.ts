import { existsSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { type Command, parseOptions, UsageError } from '../command';
import { SCHEMA_PATH } from '../docs';
import { starterConfig } from '../starter';
import { REPO_ROOT } from './docs';

const USAGE = `fastish init [--out <file>] [--force]

Writes a commented starter config that validates as written.

  -o, --out <file>  where to write (default: fastish.yaml)
      --force       overwrite an existing file`;

export const initCommand: Command = {
  summary: 'Write a commented starter fastish.yaml',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseOptions(args, {
      out: { type: 'string', short: 'o' },
      force: { type: 'boolean', default: false },
    });
    const out = resolve(values.out ?? 'fastish.yaml');
    if (existsSync(out) && !values.force) throw new UsageError(`${out} exists; pass --force to overwrite it`);
    let schema = relative(dirname(out), resolve(REPO_ROOT, SCHEMA_PATH)).split('\\').join('/');
    if (!schema.startsWith('.')) schema = `./${schema}`;
    writeFileSync(out, starterConfig(schema));
    io.out(
      `wrote ${out}\nnext: edit it, then \`fastish validate --config ${relative(process.cwd(), out) || out}\`\n`,
    );
    return 0;
  },
};
