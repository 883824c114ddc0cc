import { TIERS, type Tier } from './contract';

/** A variable the function cannot start without (the stack sets it); missing or empty stops the cold start. */
export function requiredEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

/** The usage plan ids parameter's JSON (tier → usage plan id); every tier must have one. */
export function usagePlanIds(raw: string | undefined): Record<Tier, string> {
  const parsed = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out = {} as Record<Tier, string>;
  for (const tier of TIERS) {
    const id = parsed[tier];
    if (typeof id !== 'string' || id.length === 0) throw new Error(`usage plan ids: no plan for ${tier}`);
    out[tier] = id;
  }
  return out;
}
