/** Where a command writes: stdout for results, stderr for progress and diagnostics. */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * A `fastish` sub-command: the CLI registry calls `run` with the arguments after the command name
 * and exits with the returned code.
 */
export interface FastishCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io?: CommandIo): Promise<number>;
}

/** Default config path, as the CDK app entry resolves it. */
export function defaultConfigPath(): string {
  return process.env.FASTISH_CONFIG ?? 'fastish.yaml';
}
