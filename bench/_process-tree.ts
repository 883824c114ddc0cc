/**
 * Runs a command as a user runs it and measures the whole process tree it starts (npm, its shell, tsx's
 * node, Fastish's child processes): wall time; CPU time and the largest single process's peak RSS from
 * `/usr/bin/time` (GNU time: every waited-for descendant); and the tree's total RSS, sampled from /proc.
 * Not a module section of `npm run bench` (the leading underscore): `bench/run.ts` uses it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CommandSample {
  readonly wallMs: number;
  /** User + system CPU time of the whole tree (NaN without GNU time). */
  readonly cpuMs: number;
  /** Peak RSS of the largest single process of the tree, what `/usr/bin/time` reports (NaN without it). */
  readonly maxProcessRssMiB: number;
  /** Peak of the tree's summed RSS, sampled every `SAMPLE_MS` (NaN without /proc). */
  readonly treeRssMiB: number;
}

export const SAMPLE_MS = 100;
const TIME = '/usr/bin/time';
const PAGE = 4096;

/** RSS (bytes) of `root` and every process below it, from /proc/<pid>/stat. */
function treeRss(root: number): number {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces), from field 3 (state) on.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      rss.set(Number(entry), Number(fields[21]) * PAGE);
    } catch {
      // the process ended while we read
    }
  }
  let total = 0;
  for (const [pid, bytes] of rss) {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        total += bytes;
        break;
      }
    }
  }
  return total;
}

/** Runs `command args` in `cwd` with `env`; rejects with the tail of its output when it fails. */
export function measureCommand(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): Promise<CommandSample> {
  const timed = existsSync(TIME);
  const dir = mkdtempSync(join(tmpdir(), 'fastish-bench-time-'));
  const timeFile = join(dir, 'time');
  const argv = timed ? ['-f', '%U %S %M', '-o', timeFile, command, ...args] : [...args];
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(timed ? TIME : command, argv, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (c: Buffer) => {
      output = (output + c.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let peak = 0;
    const proc = existsSync('/proc/self/stat');
    const sample = () => {
      if (proc && child.pid) peak = Math.max(peak, treeRss(child.pid));
    };
    const timer = setInterval(sample, SAMPLE_MS);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      const wallMs = performance.now() - began;
      const [user, sys, maxKb] = (timed && existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '')
        .trim()
        .split('\n')
        .pop()
        ?.split(' ')
        .map(Number) ?? [Number.NaN, Number.NaN, Number.NaN];
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) {
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (exit ${code}): ${output.trim().split('\n').slice(-5).join(' | ')}`,
          ),
        );
        return;
      }
      resolve({
        wallMs,
        cpuMs: ((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000,
        maxProcessRssMiB: (maxKb ?? Number.NaN) / 1024,
        treeRssMiB: proc ? peak / 1024 / 1024 : Number.NaN,
      });
    });
  });
}
