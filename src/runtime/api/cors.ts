/**
 * Origins the API admits for CORS, as the webapp stack sets them in `CORS_ALLOW_ORIGIN`: space-separated
 * entries, each an exact origin (`https://console.example.com`) or a pattern whose `*` stands for a
 * pull request number (`https://pr-*.d1234.amplifyapp.com`, the console's previews). Nothing else is
 * a wildcard: an entry never admits another host.
 */
export function corsOriginAllowed(origin: string | undefined, allowed: string | undefined): boolean {
  if (!origin || !allowed) return false;
  return allowed
    .split(/\s+/)
    .filter((entry) => entry.length > 0)
    .some((entry) => (entry.includes('*') ? patternOf(entry).test(origin) : entry === origin));
}

const patterns = new Map<string, RegExp>();

function patternOf(entry: string): RegExp {
  let pattern = patterns.get(entry);
  if (!pattern) {
    const literal = entry.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    pattern = new RegExp(`^${literal.join('[0-9]+')}$`);
    patterns.set(entry, pattern);
  }
  return pattern;
}
