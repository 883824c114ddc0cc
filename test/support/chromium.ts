/** Where the console's browser tests find Chromium (test/web): Debian's package, or FASTISH_CHROMIUM. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.FASTISH_CHROMIUM ?? '/usr/bin/chromium';
}

export interface ChromiumSituation {
  readonly path: string;
  readonly installed: boolean;
  /** Whether this run includes the browser tests (the whole suite, or a filter naming test/web). */
  readonly browserTests: boolean;
  /** Root, with apt-get: Debian's Chromium can be installed here, as .ci/run does. */
  readonly canInstall: boolean;
  /** FASTISH_NO_PROVISION=1: never install anything. */
  readonly provisioningOff: boolean;
}

export type ChromiumPlan =
  | { readonly action: 'none' }
  | { readonly action: 'install'; readonly commands: readonly (readonly string[])[] }
  | { readonly action: 'fail'; readonly message: string };

/** The one line a newcomer needs when Chromium is missing and cannot be installed here. */
export function missingChromiumLine(path: string): string {
  return `Chromium is missing at ${path} (the console's browser tests drive it): run \`sudo apt-get install -y chromium\` (or set FASTISH_CHROMIUM to a Chromium binary), then \`npm test\` again.`;
}

/** What `npm test` does about Chromium before any test runs. */
export function chromiumPlan(s: ChromiumSituation): ChromiumPlan {
  if (s.installed || !s.browserTests) return { action: 'none' };
  if (s.canInstall && !s.provisioningOff && s.path === '/usr/bin/chromium')
    return {
      action: 'install',
      commands: [
        ['apt-get', 'update'],
        ['apt-get', 'install', '-y', 'chromium'],
      ],
    };
  return { action: 'fail', message: missingChromiumLine(s.path) };
}

/** vitest options that take the next argument as their value (not a file filter). */
const VALUE_OPTIONS = new Set([
  '-t',
  '--testNamePattern',
  '-c',
  '--config',
  '--reporter',
  '--project',
  '--shard',
  '--pool',
  '--root',
  '--dir',
]);

/**
 * Whether a vitest command line runs the browser tests: no file filter (the whole suite), or a filter
 * matching one of `webFiles` (vitest filters are substrings of a test file's path).
 */
export function selectsBrowserTests(argv: readonly string[], webFiles: readonly string[]): boolean {
  const at = argv.findIndex((a) => a === 'run' || a === 'watch' || a === 'related');
  const args = at >= 0 ? argv.slice(at + 1) : argv.slice(2);
  const filters = args.filter((a, i) => !a.startsWith('-') && !VALUE_OPTIONS.has(args[i - 1] ?? ''));
  return (
    filters.length === 0 || filters.some((f) => webFiles.some((file) => file.includes(f) || f.endsWith(file)))
  );
}
