import { describe, expect, it } from 'vitest';
import { AttemptCounter } from './attempt-counter.js';

describe('AttemptCounter', () => {
  it('allows `limit` attempts per window, per key, then again once the window slid', () => {
    let now = 0;
    const counter = new AttemptCounter(3, 1000, () => now);
    expect([1, 2, 3, 4].map(() => counter.take('a'))).toEqual([true, true, true, false]);
    expect(counter.take('b')).toBe(true);
    now = 999;
    expect(counter.take('a')).toBe(false);
    now = 1000;
    expect(counter.take('a')).toBe(true);
  });

  it('forgets idle keys', () => {
    let now = 0;
    const counter = new AttemptCounter(1, 100, () => now);
    for (let i = 0; i < 1000; i += 1) counter.take(`k${i}`);
    now = 500;
    counter.take('fresh');
    expect((counter as unknown as { attempts: Map<string, number[]> }).attempts.size).toBe(1);
  });
});
