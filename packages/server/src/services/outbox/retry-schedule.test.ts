import { describe, expect, it } from 'vitest';
import { RETRY_DELAYS_MS, retryDelayMs, withJitter } from './retry-schedule.js';

describe('retry schedule', () => {
  it.each([
    [1, 1000],
    [2, 5000],
    [3, 30_000],
    [4, 120_000],
    [5, 600_000],
    [6, 600_000],
    [100, 600_000],
  ])('after %i failed attempts, waits %i ms', (attempts, delay) => {
    expect(retryDelayMs(attempts)).toBe(delay);
  });

  it('reads 0 attempts as the first, takes another table, refuses an empty one', () => {
    expect(retryDelayMs(0)).toBe(RETRY_DELAYS_MS[0]);
    expect(retryDelayMs(3, [10, 20])).toBe(20);
    expect(() => retryDelayMs(1, [])).toThrow(RangeError);
  });

  it('jitter moves a delay by at most its share either way; 0 leaves it exact', () => {
    expect(withJitter(10_000, 0.2, () => 0)).toBe(8000);
    expect(withJitter(10_000, 0.2, () => 0.5)).toBe(10_000);
    expect(withJitter(10_000, 0.2, () => 1)).toBe(12_000);
    expect(withJitter(10_000, 0, () => 0)).toBe(10_000);
    expect(withJitter(10_000, 5, () => 0)).toBe(0);
  });
});
