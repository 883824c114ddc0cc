import { readFileSync } from 'node:fs';

/** Process names that only launch this one: `npm run` → `sh -c` → `tsx` → node. */
const LAUNCHER = /^(node|sh|dash|bash|npm|npx|tsx)\b/;

/** Parent pid and name of a process, from /proc (Linux); undefined elsewhere or once it is gone. */
function parentOf(pid: number): { ppid: number; name: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); // `pid (name) state ppid ...`
    const close = stat.lastIndexOf(')');
    return {
      name: stat.slice(stat.indexOf('(') + 1, close),
      ppid: Number(stat.slice(close + 2).split(' ')[1]),
    };
  } catch {
    return undefined;
  }
}

/** The launchers above this process, nearest first (just the parent where /proc is missing). */
export function launcherChain(): number[] {
  const chain = [process.ppid];
  let pid = process.ppid;
  for (let depth = 0; depth < 8; depth++) {
    const parent = parentOf(pid);
    if (!parent || !LAUNCHER.test(parent.name) || parent.ppid <= 1) break;
    const grand = parentOf(parent.ppid);
    if (!grand || !LAUNCHER.test(grand.name)) break;
    chain.push(parent.ppid);
    pid = parent.ppid;
  }
  return chain;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `onGone` once any of `chain` (this process's launchers, read with `launcherChain()` when the
 * process starts: a launcher may be gone by the time watching begins) exits. Stopping
 * `npm run fastish -- dev` signals npm alone: its `sh -c` dies without passing the signal on, which would
 * leave tsx and this server running, orphaned, holding the port. Returns a function that stops watching.
 */
export function whenLaunchersExit(chain: readonly number[], onGone: () => void, everyMs = 500): () => void {
  const timer = setInterval(() => {
    if (process.ppid !== chain[0] || !chain.every(alive)) {
      clearInterval(timer);
      onGone();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
