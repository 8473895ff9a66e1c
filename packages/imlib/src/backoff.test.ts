import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_CAP_MS, reconnectDelayMs } from './backoff.js';

describe('reconnectDelayMs', () => {
  it('stays within [ceiling/2, ceiling] with ceiling = min(cap, base·2^n)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const ceiling = Math.min(DEFAULT_BACKOFF_CAP_MS, DEFAULT_BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30));
        const delay = reconnectDelayMs(attempt, {}, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it('grows from the base to the cap', () => {
    const top = () => 1;
    expect(reconnectDelayMs(0, {}, top)).toBe(500);
    expect(reconnectDelayMs(1, {}, top)).toBe(1000);
    expect(reconnectDelayMs(5, {}, top)).toBe(16_000);
    expect(reconnectDelayMs(6, {}, top)).toBe(30_000);
    expect(reconnectDelayMs(10_000, {}, top)).toBe(30_000);
    expect(reconnectDelayMs(0, {}, () => 0)).toBe(250);
  });

  it('honours custom base and cap, and clamps a bad random source', () => {
    expect(reconnectDelayMs(3, { baseMs: 10, capMs: 50 }, () => 1)).toBe(50);
    expect(reconnectDelayMs(0, { baseMs: 10 }, () => 7)).toBe(10);
    expect(reconnectDelayMs(-4, { baseMs: 10 }, () => -1)).toBe(5);
  });
});
