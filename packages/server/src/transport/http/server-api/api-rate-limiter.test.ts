import { describe, expect, it } from 'vitest';
import { KeyedTokenBuckets, ServerApiRateLimiter } from './api-rate-limiter.js';

function takeMany(take: () => boolean, count: number): number {
  let allowed = 0;
  for (let i = 0; i < count; i++) if (take()) allowed++;
  return allowed;
}

describe('KeyedTokenBuckets', () => {
  it('allows a burst of `rate`, then refills continuously', () => {
    let clock = 0;
    const buckets = new KeyedTokenBuckets(10, () => clock);
    expect(takeMany(() => buckets.tryTake('a'), 50)).toBe(10);
    clock += 100;
    expect(takeMany(() => buckets.tryTake('a'), 50)).toBe(1);
    clock += 10_000;
    expect(takeMany(() => buckets.tryTake('a'), 50)).toBe(10);
  });

  it('keeps keys independent', () => {
    const buckets = new KeyedTokenBuckets(3, () => 0);
    expect(takeMany(() => buckets.tryTake('a'), 5)).toBe(3);
    expect(takeMany(() => buckets.tryTake('b'), 5)).toBe(3);
  });

  it('survives a clock going backwards without minting tokens', () => {
    let clock = 1000;
    const buckets = new KeyedTokenBuckets(2, () => clock);
    expect(takeMany(() => buckets.tryTake('a'), 5)).toBe(2);
    clock = 0;
    expect(buckets.tryTake('a')).toBe(false);
  });

  it('stays bounded under a flood of distinct keys', () => {
    let clock = 0;
    const buckets = new KeyedTokenBuckets(5, () => clock, 100);
    for (let i = 0; i < 10_000; i++) {
      buckets.tryTake(`k${i}`);
      clock += 0.01;
    }
    expect(buckets.size).toBeLessThanOrEqual(100);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new KeyedTokenBuckets(0)).toThrow(RangeError);
  });
});

describe('ServerApiRateLimiter', () => {
  it('gives getToken twice the rate, in its own bucket', () => {
    const limiter = new ServerApiRateLimiter(5, () => 0);
    expect(takeMany(() => limiter.allow('app', '/user/getToken.json'), 20)).toBe(10);
    expect(takeMany(() => limiter.allow('app', '/user/block.json'), 20)).toBe(5);
    expect(takeMany(() => limiter.allow('other', '/user/block.json'), 20)).toBe(5);
  });
});
