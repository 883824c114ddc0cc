// biome-ignore-all lint/suspicious/noExplicitAny: tests mutate raw, untyped config data
import { describe, expect, it } from 'vitest';
import { deepMerge, environmentSettingsSchema, validateConfig } from '../../src/config';
import { validRaw } from './fixtures';

describe('deepMerge', () => {
  it('merges objects key by key, at every depth', () => {
    expect(deepMerge({ a: { b: 1, c: { d: 2, e: 3 } } }, { a: { c: { e: 4 } } })).toEqual({
      a: { b: 1, c: { d: 2, e: 4 } },
    });
  });
  it('replaces arrays whole (a list is never half-inherited)', () => {
    expect(deepMerge({ l: [1, 2, 3] }, { l: [9] })).toEqual({ l: [9] });
  });
  it('lets later overlays win, left to right', () => {
    expect(deepMerge({ x: 1 }, { x: 2 }, { x: 3 })).toEqual({ x: 3 });
  });
  it('never overwrites with undefined, but does with null and false', () => {
    expect(deepMerge({ x: 1, y: 1, z: true }, { x: undefined, y: null, z: false })).toEqual({
      x: 1,
      y: null,
      z: false,
    });
  });
  it('replaces an object with a scalar and a scalar with an object', () => {
    expect(deepMerge({ a: { b: 1 }, c: 1 }, { a: 5, c: { d: 1 } })).toEqual({ a: 5, c: { d: 1 } });
  });
  it('does not mutate its inputs', () => {
    const base = { a: { b: 1 } };
    const overlay = { a: { c: 2 } };
    const merged = deepMerge(base, overlay);
    expect(base).toEqual({ a: { b: 1 } });
    expect(overlay).toEqual({ a: { c: 2 } });
    expect(merged.a).not.toBe(base.a);
  });
});

describe('environment settings: schema defaults ← defaults ← overrides', () => {
  const settingsOf = (mutate: (c: any) => void, env = 'dev') => {
    const raw = validRaw();
    mutate(raw);
    const model = validateConfig(raw);
    const found = model.environments.find((e) => e.name === env);
    if (!found) throw new Error(env);
    return found.settings;
  };
  const schemaDefaults = environmentSettingsSchema.parse({});

  it('an environment override beats the shared default, which beats the schema default', () => {
    expect(settingsOf(() => {}, 'dev').logRetentionDays).toBe(30);
    expect(settingsOf(() => {}, 'prod').logRetentionDays).toBe(365);
    expect(settingsOf((c) => delete c.defaults.logRetentionDays, 'prod').logRetentionDays).toBe(
      schemaDefaults.logRetentionDays,
    );
  });

  it('one nested field can be overridden without restating its siblings', () => {
    const s = settingsOf((c) => (c.environments.dev.overrides.eks = { karpenterLimits: { cpu: 64 } }));
    expect(s.eks.karpenterLimits).toEqual({ ...schemaDefaults.eks.karpenterLimits, cpu: 64 });
    expect(s.eks.vpcCidr).toBe(schemaDefaults.eks.vpcCidr);
  });

  it('a field inside an object whose default is a whole value can be overridden alone', () => {
    // webapp.tiers defaults as one object; an overlay of tiers.basic.rateLimit keeps the other tiers.
    const s = settingsOf(
      (c) => (c.environments.dev.overrides.webapp = { tiers: { basic: { rateLimit: 5 } } }),
    );
    expect(s.webapp.tiers.basic).toEqual({ ...schemaDefaults.webapp.tiers.basic, rateLimit: 5 });
    expect(s.webapp.tiers.premium).toEqual(schemaDefaults.webapp.tiers.premium);
  });

  it('defaults and overrides of different fields of one section combine', () => {
    const s = settingsOf((c) => {
      c.defaults.eks = { natGateways: 'single', vpcCidr: '10.1.0.0/16' };
      c.environments.dev.overrides.eks = { vpcCidr: '10.2.0.0/16' };
    });
    expect(s.eks.natGateways).toBe('single');
    expect(s.eks.vpcCidr).toBe('10.2.0.0/16');
  });

  it('an override list replaces the default list', () => {
    const s = settingsOf((c) => {
      c.defaults.bootstrap = { trustedAccounts: ['444444444444', '555555555555'] };
      c.environments.dev.overrides.bootstrap = { trustedAccounts: ['666666666666'] };
    });
    expect(s.bootstrap.trustedAccounts).toEqual(['666666666666']);
  });

  it('an environment without overrides gets exactly the shared defaults', () => {
    const s = settingsOf((c) => (c.defaults.eks = { natGateways: 'single' }), 'prod');
    expect(s).toEqual({
      ...schemaDefaults,
      logRetentionDays: 365,
      eks: { ...schemaDefaults.eks, natGateways: 'single' },
    });
  });
});
