import { describe, expect, it } from 'vitest';
import { FULL_SWEEP_INTERVAL_MS, MemoryNonceStore } from './memory-nonce-store.js';

function storeAt(capacity: number) {
  const clock = { now: 1_000_000 };
  return { clock, store: new MemoryNonceStore(capacity, () => clock.now) };
}

describe('MemoryNonceStore', () => {
  it('a nonce is new once, then replayed until it expires, then new again', async () => {
    const { clock, store } = storeAt(10);
    expect(await store.remember('app', 'n1', clock.now + 300_000)).toBe('new');
    expect(await store.remember('app', 'n1', clock.now + 300_000)).toBe('replayed');
    clock.now += 299_999;
    expect(await store.remember('app', 'n1', clock.now + 300_000)).toBe('replayed');
    clock.now += 1;
    expect(await store.remember('app', 'n1', clock.now + 300_000)).toBe('new');
  });

  it('nonces are per App Key', async () => {
    const { clock, store } = storeAt(10);
    expect(await store.remember('app1', 'n', clock.now + 1000)).toBe('new');
    expect(await store.remember('app2', 'n', clock.now + 1000)).toBe('new');
    expect(await store.remember('app1', 'n', clock.now + 1000)).toBe('replayed');
  });

  it('when full it refuses new nonces instead of evicting live ones', async () => {
    const { clock, store } = storeAt(3);
    for (const n of ['a', 'b', 'c']) expect(await store.remember('app', n, clock.now + 60_000)).toBe('new');
    expect(await store.remember('app', 'd', clock.now + 60_000)).toBe('full');
    // The remembered ones are still refused as replays (nothing was evicted).
    for (const n of ['a', 'b', 'c']) expect(await store.remember('app', n, clock.now + 60_000)).toBe('replayed');
    expect(store.size).toBe(3);
  });

  it('expired entries make room again (front drop, and a full sweep for out-of-order expiries)', async () => {
    const { clock, store } = storeAt(3);
    await store.remember('app', 'long', clock.now + 60_000);
    await store.remember('app', 'short1', clock.now + 1_000);
    await store.remember('app', 'short2', clock.now + 1_000);
    expect(await store.remember('app', 'x', clock.now + 60_000)).toBe('full');
    // The oldest entry lives on, so only a sweep finds the two expired ones behind it.
    clock.now += FULL_SWEEP_INTERVAL_MS + 1;
    expect(await store.remember('app', 'x', clock.now + 60_000)).toBe('new');
    expect(await store.remember('app', 'y', clock.now + 60_000)).toBe('new');
    expect(store.size).toBe(3);
  });

  it('stays bounded under a flood of fresh nonces', async () => {
    const { clock, store } = storeAt(1000);
    let full = 0;
    for (let i = 0; i < 5000; i++) {
      clock.now += 1;
      if ((await store.remember('app', `n${i}`, clock.now + 2000)) === 'full') full++;
    }
    expect(store.size).toBeLessThanOrEqual(1000);
    // 2000 ms of expiry at one nonce per ms: about half the flood finds no room.
    expect(full).toBeGreaterThan(0);
    expect(full).toBeLessThan(5000);
  });
});
