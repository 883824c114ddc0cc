import type { FieldIssue, ItemInput } from './api';

export interface ItemDraft {
  name: string;
  description: string;
  /** One `key = value` per line. */
  attributes: string;
}

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export function draftFromItem(item: {
  name: string;
  description?: string;
  attributes: Record<string, string | number | boolean>;
}): ItemDraft {
  return {
    name: item.name,
    description: item.description ?? '',
    attributes: Object.entries(item.attributes)
      .map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join('\n'),
  };
}

function parseValue(raw: string): string | number | boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * Checks a draft with the API's rules (docs/openapi.json `ItemInput`) so most mistakes are explained
 * before a request is sent; the API checks again and its messages are shown the same way.
 */
export function validateDraft(draft: ItemDraft): { input?: ItemInput; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const name = draft.name.trim();
  if (name.length === 0) issues.push({ path: 'name', message: 'Enter a name.' });
  if (name.length > 200) issues.push({ path: 'name', message: 'Use at most 200 characters.' });
  if (draft.description.length > 2000)
    issues.push({ path: 'description', message: 'Use at most 2000 characters.' });
  const attributes: Record<string, string | number | boolean> = {};
  const lines = draft.attributes.split('\n').filter((l) => l.trim().length > 0);
  lines.forEach((line, index) => {
    const eq = line.indexOf('=');
    const key = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (eq < 0 || !KEY.test(key)) {
      issues.push({
        path: 'attributes',
        message: `Line ${index + 1}: write key = value; keys start with a letter (letters, digits, _).`,
      });
      return;
    }
    const value = line.slice(eq + 1).trim();
    if (value.length > 1000)
      issues.push({ path: 'attributes', message: `Line ${index + 1}: at most 1000 characters.` });
    attributes[key] = parseValue(value);
  });
  if (Object.keys(attributes).length > 50)
    issues.push({ path: 'attributes', message: 'At most 50 attributes.' });
  if (issues.length > 0) return { issues };
  return {
    issues,
    input: {
      name,
      ...(draft.description.trim() ? { description: draft.description } : {}),
      attributes,
    },
  };
}
