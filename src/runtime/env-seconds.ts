/**
 * A duration setting from the environment: unset or empty is `fallback`; otherwise whole seconds from 0 to
 * `max`. Anything else stops the cold start with a message naming the variable, instead of quietly
 * becoming some default (`Number('0') || 300` once turned a disabled cache into 300 s).
 */
export function secondsFromEnv(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const seconds = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(seconds <= max))
    throw new Error(`${name} is ${JSON.stringify(raw)}: expected an integer from 0 to ${max}`);
  return seconds;
}
