import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FACTS_FILE,
  factsFileText,
  factsFromSpec,
  installedSpecVersion,
  resourceTypeFacts,
} from '../../src/checks/spec';

describe('resource type facts extracted from the AWS service spec', () => {
  it('the facts file is what the installed spec says (regenerate: npx tsx src/checks/spec.ts --write)', () => {
    const expected = factsFileText(factsFromSpec(), installedSpecVersion());
    expect(readFileSync(FACTS_FILE, 'utf8')).toBe(expected);
  });

  it('the gates and tagging read the same facts as from the spec itself', () => {
    const spec = factsFromSpec();
    const read = resourceTypeFacts();
    expect(read.size).toBe(spec.size);
    expect(Object.fromEntries(read)).toEqual(Object.fromEntries(spec));
    expect(read.get('AWS::DynamoDB::Table')).toEqual({
      stateful: true,
      tags: { property: 'Tags', variant: 'standard' },
    });
  });
});
