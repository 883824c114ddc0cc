/**
 * Child process of `validator-process.ts`: reads template requests (JSON) on stdin, validates them with
 * one engine (`validateTemplates`) and writes `{ violations }` (template path → violations) on stdout.
 * Loads aws-cdk-lib's validator and nothing of Fastish's app.
 */
import { type TemplateRequest, validateTemplates } from './template-validation';

const chunks: Buffer[] = [];
process.stdin.on('data', (c: Buffer) => chunks.push(c));
process.stdin.on('end', () => {
  try {
    const requests = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TemplateRequest[];
    const violations = Object.fromEntries(validateTemplates(requests));
    process.stdout.write(JSON.stringify({ violations }));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
});
