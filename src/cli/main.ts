import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/errors';
import { NameError } from '../naming/fit';
import { type CommandEntry, type CommandIo, loadCommand, processIo, UsageError } from './command';
import { COMMANDS } from './commands';

/** The package's version, from its package.json (two directories above this file, in src/ or a build). */
function version(): string {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return version;
}

function help(commands: Readonly<Record<string, CommandEntry>>): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  return [
    'fastish — one validated config to production AWS infrastructure (CDK v2)',
    '',
    'Usage: fastish <command> [options]      fastish <command> --help      fastish --version',
    '',
    'Commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Config errors exit 2, failed gates exit 1. FASTISH_DEBUG=1 prints stack traces.',
    '',
  ].join('\n');
}

/** Turns an error into what the user sees and the exit code; stack traces only with FASTISH_DEBUG. */
export function reportError(err: unknown, io: CommandIo, usage?: string): number {
  if (err instanceof ConfigError) {
    io.err(`${err.message}\n`);
    return 2;
  }
  if (err instanceof UsageError) {
    io.err(`fastish: ${err.message}\n${usage ? `\n${usage}\n` : ''}`);
    return 2;
  }
  if (process.env.FASTISH_DEBUG) {
    io.err(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  const [first, ...rest] = message.split('\n');
  const more = rest.filter((l) => l.trim() !== '').length;
  io.err(`fastish: error: ${first}${more > 0 ? ` (+${more} more lines)` : ''}\n`);
  io.err(
    err instanceof NameError
      ? 'hint: a derived name breaks an AWS limit; shorten the organization, environment or team name\n'
      : 'hint: rerun with FASTISH_DEBUG=1 for the full message and stack trace\n',
  );
  return 1;
}

/** Runs the CLI and returns the exit code (never calls process.exit, so it is testable). */
export async function main(
  argv: readonly string[],
  io: CommandIo = processIo,
  commands: Readonly<Record<string, CommandEntry>> = COMMANDS,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(help(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(`fastish ${version()}\n`);
    return 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    io.err(`fastish: unknown command "${name}"\n\n${help(commands)}`);
    return 2;
  }
  const command = await loadCommand(entry);
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${command.usage ?? command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    return reportError(err, io, command.usage);
  }
}

if (require.main === module) {
  // A reader that stops early (`fastish … | head`) closes the pipe: that ends the output, not in a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportError(err, processIo);
    },
  );
}
