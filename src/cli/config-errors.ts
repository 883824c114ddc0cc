import { ConfigError } from '../config';
import { UsageError } from './command';

/**
 * Errors of a command that reads a config file name that file: a config error does already; anything
 * else (a synth failure) gets the file as a prefix of its message, keeping its class (a NameError keeps
 * its hint) and stack.
 */
export function namingSource(path: string, err: unknown): unknown {
  if (err instanceof ConfigError || err instanceof UsageError) return err;
  if (!(err instanceof Error)) return new Error(`${path}: ${String(err)}`);
  if (!err.message.startsWith(`${path}:`)) err.message = `${path}: ${err.message}`;
  return err;
}

/** The JSON object `--json` prints on failure, and the exit code (2: config or usage, 1: anything else). */
export function jsonFailure(path: string, err: unknown): { readonly json: string; readonly code: number } {
  const config = err instanceof ConfigError;
  const error = config
    ? { kind: 'config', message: `${err.issues.length} configuration error(s)`, issues: err.issues }
    : {
        kind: err instanceof UsageError ? 'usage' : 'error',
        message: err instanceof Error ? err.message : String(err),
      };
  const code = config || err instanceof UsageError ? 2 : 1;
  return { json: `${JSON.stringify({ ok: false, source: path, error }, undefined, 2)}\n`, code };
}
