import { describe, expect, it } from 'vitest';
import { mosFromR, mosOf, rFactor } from './mos.js';

describe('E-model MOS', () => {
  it('a clean LAN call scores ≈ 4.4 (20 ms RTT, 5 ms jitter, 0 % loss: d = 10 + 10 + 10 = 30 ms, Id 0.75, R 92.45)', () => {
    expect(rFactor({ rttMs: 20, jitterMs: 5, packetLossPct: 0 })).toBeCloseTo(92.45, 2);
    expect(mosOf({ rttMs: 20, jitterMs: 5, packetLossPct: 0 })).toBeCloseTo(4.39, 2);
  });

  it('a poor path scores ≈ 3.2 (300 ms RTT, 40 ms jitter, 5 % loss: d 240 → Id 12, Ie 95·5/25 = 19, R 62.2)', () => {
    expect(rFactor({ rttMs: 300, jitterMs: 40, packetLossPct: 5 })).toBeCloseTo(62.2, 2);
    expect(mosOf({ rttMs: 300, jitterMs: 40, packetLossPct: 5 })).toBeCloseTo(3.21, 2);
  });

  it('heavy loss alone is bad (20 % loss: Ie 47.5, R 44.9 → 2.3)', () => {
    expect(mosOf({ rttMs: 20, jitterMs: 5, packetLossPct: 20 })).toBeCloseTo(2.3, 1);
  });

  it('is clamped to 1 … 4.5', () => {
    expect(mosFromR(-10)).toBe(1);
    expect(mosFromR(3)).toBe(1);
    expect(mosFromR(120)).toBe(4.5);
    expect(mosOf({ rttMs: 5000, jitterMs: 2000, packetLossPct: 100 })).toBe(1);
    expect(mosOf({})).toBeLessThanOrEqual(4.5);
  });

  it('never rises when RTT, jitter or loss gets worse', () => {
    const base = { rttMs: 40, jitterMs: 10, packetLossPct: 1 };
    for (const key of ['rttMs', 'jitterMs', 'packetLossPct'] as const) {
      let previous = Number.POSITIVE_INFINITY;
      for (let step = 0; step <= 100; step++) {
        const value = key === 'packetLossPct' ? step : step * 20;
        const mos = mosFromR(rFactor({ ...base, [key]: value }));
        expect(mos, `${key} = ${value}`).toBeLessThanOrEqual(previous + 1e-12);
        previous = mos;
      }
    }
  });
});
