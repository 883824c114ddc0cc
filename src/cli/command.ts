import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Where a command writes: stdout for results (tables, JSON), stderr for progress and diagnostics. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * A `fastish` sub-command. The registry (`commands/index.ts`) maps a name to one of these; `run`
 * gets the arguments after the command name and returns the exit code. Throwing a `ConfigError`
 * exits 2 with every issue listed; a `UsageError` exits 2 with the usage; anything else exits 1
 * with one line and a hint.
 */
export interface Command {
  /** One line for `fastish --help`. */
  readonly summary: string;
  /** Usage text for `fastish <command> --help` and usage errors. @default the summary */
  readonly usage?: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/**
 * A registry entry that loads its command only when it runs: `fastish --help` then reads summaries
 * without importing aws-cdk-lib, the SDKs or the runtime (the difference between ~0.2 s and ~2 s).
 */
export interface LazyCommand {
  /** One line for `fastish --help`; a test keeps it equal to the command's own. */
  readonly summary: string;
  load(): Promise<Command>;
}

export type CommandEntry = Command | LazyCommand;

/** The command behind a registry entry. */
export function loadCommand(entry: CommandEntry): Promise<Command> {
  return 'load' in entry ? entry.load() : Promise.resolve(entry);
}

/** Bad command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
/** What `parseOptions` returns, named so the compiled declarations can spell it (`dist/`). */
type ParsedOptions<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>
>;

/** `parseArgs` with strict options, turning its errors into `UsageError`s. */
export function parseOptions<O extends Options>(args: readonly string[], options: O): ParsedOptions<O> {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The config options every config-reading command accepts. */
export const CONFIG_OPTIONS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean', default: false },
} as const satisfies Options;

/** Default config path, as the CDK app entry resolves it. */
export function defaultConfigPath(): string {
  return process.env.FASTISH_CONFIG ?? 'fastish.yaml';
}

/** Progress on stderr: `› step` then `  done in 1.2 s`. */
export function progress(io: CommandIo): (message: string) => void {
  const start = Date.now();
  return (message) => io.err(`› ${message} (${((Date.now() - start) / 1000).toFixed(1)} s)\n`);
}
