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

  it('counts an attempt made before a clock step back until it is a window old', () => {
    let now = 10_000;
    const counter = new AttemptCounter(2, 1000, () => now);
    expect(counter.take('a')).toBe(true);
    now = 9_500; // the clock stepped back
    expect(counter.take('a')).toBe(true);
    expect(counter.take('a')).toBe(false);
    now = 10_500; // the attempt at 9 500 left the window, the one at 10 000 did not
    expect(counter.take('a')).toBe(true);
    expect(counter.take('a')).toBe(false);
  });

  it('stays exact over many attempts in one window', () => {
    let now = 0;
    const counter = new AttemptCounter(5_000, 60_000, () => now);
    for (let i = 0; i < 5_000; i += 1) {
      now = i;
      expect(counter.take('a')).toBe(true);
    }
    expect(counter.take('a')).toBe(false);
    now = 60_000; // the attempt at 0 left the window
    expect(counter.take('a')).toBe(true);
    expect(counter.take('a')).toBe(false);
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
