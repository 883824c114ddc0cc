import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ChromiumPlan, type ChromiumSituation, chromiumPlan, selectsBrowserTests } from './chromium';
import { useRunDirectory } from './global-setup';

const WEB = ['test/web/console.test.ts', '/repo/test/web/console.test.ts'];
const missing: ChromiumSituation = {
  path: '/usr/bin/chromium',
  installed: false,
  browserTests: true,
  canInstall: false,
  provisioningOff: false,
};

const PLANS: { name: string; situation: ChromiumSituation; plan: ChromiumPlan['action']; says?: RegExp }[] = [
  { name: 'installed', situation: { ...missing, installed: true }, plan: 'none' },
  { name: 'missing, but no browser test runs', situation: { ...missing, browserTests: false }, plan: 'none' },
  {
    name: 'missing, root with apt-get: installs Debian’s chromium',
    situation: { ...missing, canInstall: true },
    plan: 'install',
  },
  {
    name: 'missing, not root: one line saying what to run',
    situation: missing,
    plan: 'fail',
    says: /^Chromium is missing at \/usr\/bin\/chromium .*: run `sudo apt-get install -y chromium` .*then `npm test` again\.$/,
  },
  {
    name: 'missing, provisioning turned off',
    situation: { ...missing, canInstall: true, provisioningOff: true },
    plan: 'fail',
    says: /sudo apt-get install -y chromium/,
  },
  {
    name: 'a FASTISH_CHROMIUM that does not exist is never installed over',
    situation: { ...missing, path: '/opt/chrome/chrome', canInstall: true },
    plan: 'fail',
    says: /missing at \/opt\/chrome\/chrome/,
  },
];

const ARGS: { argv: string[]; browser: boolean }[] = [
  { argv: ['node', 'vitest', 'run'], browser: true },
  { argv: ['node', 'vitest', 'run', 'test/config'], browser: false },
  { argv: ['node', 'vitest', 'run', 'test/web'], browser: true },
  { argv: ['node', 'vitest', 'run', 'test/webapp/x.test.ts'], browser: false },
  { argv: ['node', 'vitest', 'run', '-t', 'console', 'test/cli'], browser: false },
  { argv: ['node', 'vitest', 'run', '/repo/test/web/console.test.ts'], browser: true },
];

describe('npm test on a fresh machine (issue 13 §4)', () => {
  it.each(PLANS.map((p) => [p.name, p] as const))('Chromium: %s', (_, p) => {
    const plan = chromiumPlan(p.situation);
    expect(plan.action).toBe(p.plan);
    if (p.says && plan.action === 'fail') {
      expect(plan.message).toMatch(p.says);
      expect(plan.message).not.toContain('\n');
    }
  });

  it.each(ARGS.map((a) => [a.argv.slice(2).join(' '), a] as const))(
    '"vitest %s" runs browser tests: %#',
    (_, a) => expect(selectsBrowserTests(a.argv, WEB)).toBe(a.browser),
  );

  it('this run keeps its temporary files in one directory of its own', () => {
    expect(process.env.FASTISH_TEST_TMPDIR).toMatch(/fastish-test-run-/);
    expect(tmpdir()).toBe(process.env.FASTISH_TEST_TMPDIR);
  });

  it('the run directory is removed when the run ends, with whatever the tests left in it', () => {
    const saved = process.env.TMPDIR;
    const teardown = useRunDirectory();
    const dir = tmpdir();
    const leftover = mkdtempSync(join(dir, 'cdk.out'));
    writeFileSync(join(leftover, 'manifest.json'), '{}');
    teardown();
    expect(existsSync(dir)).toBe(false);
    expect(process.env.TMPDIR).toBe(saved);
  });
});
