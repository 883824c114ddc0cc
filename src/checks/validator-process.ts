import { spawn } from 'node:child_process';
import { extname, join } from 'node:path';
import type { TemplateRequest, TemplateViolation } from './template-validation';

/**
 * V8 options of the validator's process. The validator is a ~9 MB WebAssembly module: V8's optimizing
 * tier-up compiles it a second time, which on this workload (a dozen templates) costs more CPU than it
 * saves and ~180 MiB of memory; the baseline compiler alone validates the same templates with the same
 * findings (test/checks/gate-cache.test.ts compares them with the in-process validator).
 */
export const VALIDATOR_V8_OPTIONS = ['--liftoff-only'] as const;

/**
 * Validates templates in a child process, so the engine (seconds to build) builds and validates on the
 * other core while this process runs cdk-nag and the rules on the construct tree. Resolves with the
 * violations per template path; rejects with the child's error output when it fails.
 */
export function validateTemplatesInChild(
  requests: readonly TemplateRequest[],
): Promise<Map<string, TemplateViolation[]>> {
  const ext = extname(__filename);
  const entry = join(__dirname, `template-validation-child${ext}`);
  // From TypeScript sources (tsx, vitest) the child needs the TypeScript loader; from dist/ it runs plain.
  const loader = ext === '.ts' ? ['--require', require.resolve('tsx/cjs')] : [];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...VALIDATOR_V8_OPTIONS, ...loader, entry], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const detail = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-10).join('\n');
        reject(
          new Error(`CloudFormation template validation failed (${signal ?? `exit ${code}`}):\n${detail}`),
        );
        return;
      }
      try {
        const { violations } = JSON.parse(Buffer.concat(out).toString('utf8')) as {
          violations: Record<string, TemplateViolation[]>;
        };
        resolvePromise(new Map(Object.entries(violations)));
      } catch (e) {
        reject(new Error(`CloudFormation template validation: unreadable result (${(e as Error).message})`));
      }
    });
    child.stdin.end(JSON.stringify(requests));
  });
}
