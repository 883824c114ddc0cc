import { buildSync } from 'esbuild';

/**
 * A source module and what it imports as one plain CommonJS file, for a child process that runs it with
 * no TypeScript loader in the way (so the child measures Node's own loading). `external` packages are left
 * to the child's `require`.
 */
export function plainModule(source: string, outfile: string, external: readonly string[] = []): string {
  buildSync({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: [...external],
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}
