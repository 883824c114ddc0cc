import { describe, expect, it } from 'vitest';
import { supportedRegions } from '../../src/config/regions';
import { ZONE_LETTERS, zonesOf } from '../../src/config/zones';

describe('availability zones per region (src/config/zones.ts)', () => {
  it('knows the zones of every region aws-cdk-lib supports (a new region needs its letters)', () => {
    expect(supportedRegions().filter((r) => !(r in ZONE_LETTERS))).toEqual([]);
  });

  it('lists at least the three zones every region has, as letters in order', () => {
    for (const [region, letters] of Object.entries(ZONE_LETTERS)) {
      expect(letters.length, region).toBeGreaterThanOrEqual(3);
      expect([...letters].sort().join(''), region).toBe(letters);
      expect(zonesOf(region)[0]).toBe(`${region}a`);
    }
  });
});
