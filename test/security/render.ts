import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BoundaryCase } from './deployment-cases';

export const SECURITY_DOC = join(__dirname, '..', '..', 'docs', 'security.md');

const short = (arn: string) => (arn.startsWith('arn:') ? arn.split(':').slice(5).join(':') : arn);

/** A Markdown table of boundary cases: the docs show exactly what the suite evaluates. */
export function renderCases(cases: readonly BoundaryCase[]): string {
  const rows = cases.map(
    (c) =>
      `| ${c.expect === 'deny' ? '**deny**' : 'allow'} | ${c.who} | \`${c.action}\` | \`${short(c.resource)}\`${
        c.context ? ` (${Object.keys(c.context).join(', ')})` : ''
      } | ${c.boundary} |`,
  );
  return ['| expect | who | action | resource | boundary |', '| --- | --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}

/** Replaces (with UPDATE_DOCS=1) or reads the block between `<!-- cases:<name> -->` markers. */
export function docBlock(name: string, rendered: string): { current: string | undefined; expected: string } {
  const doc = readFileSync(SECURITY_DOC, 'utf8');
  const start = `<!-- cases:${name} -->`;
  const end = `<!-- /cases:${name} -->`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  const expected = `${start}\n${rendered}\n${end}`;
  if (process.env.UPDATE_DOCS === '1' && i >= 0 && j > i) {
    writeFileSync(SECURITY_DOC, doc.slice(0, i) + expected + doc.slice(j + end.length));
    return { current: expected, expected };
  }
  return { current: i >= 0 && j > i ? doc.slice(i, j + end.length) : undefined, expected };
}
