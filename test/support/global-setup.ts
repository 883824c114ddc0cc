import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPath, chromiumPlan, selectsBrowserTests } from './chromium';

/** The browser test files, relative to the repository (as vitest matches filters against them). */
function webTestFiles(): string[] {
  const dir = join(__dirname, '..', 'web');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .flatMap((f) => [`test/web/${f}`, join(dir, f)]);
}

function hasAptGet(): boolean {
  return spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

/** Before the suite: provision Chromium (or say in one line what to run) when the browser tests run. */
function provisionChromium(): void {
  const path = chromiumPath();
  const plan = chromiumPlan({
    path,
    installed: existsSync(path),
    browserTests: selectsBrowserTests(process.argv, webTestFiles()),
    canInstall: process.getuid?.() === 0 && hasAptGet(),
    provisioningOff: process.env.FASTISH_NO_PROVISION === '1',
  });
  if (plan.action === 'fail') throw new Error(plan.message);
  if (plan.action !== 'install') return;
  process.stderr.write(
    `Chromium is missing at ${path}: installing Debian's chromium for the browser tests\n`,
  );
  for (const [command, ...args] of plan.commands) {
    const r = spawnSync(command as string, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0)
      throw new Error(
        `\`${[command, ...args].join(' ')}\` failed; install Chromium by hand, then run \`npm test\` again.`,
      );
  }
}

/**
 * Every temporary directory of the run (the tests' own, CDK's cdk.out* of apps without an outdir, child
 * processes') lands in one directory, removed when the run ends: no run leaves hundreds of MB in /tmp.
 */
export function useRunDirectory(): () => void {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'fastish-test-run-'));
  process.env.TMPDIR = dir;
  process.env.FASTISH_TEST_TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}

export default function setup(): () => void {
  provisionChromium();
  return useRunDirectory();
}
