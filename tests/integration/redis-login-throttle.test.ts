/**
 * Console login failures on the machine's Redis (a key prefix of this test's own): two throttles
 * (two nodes) share one count and one lock, every key has a TTL, a success clears the address, and a
 * throttle whose Redis is unreachable still locks on its own memory instead of failing the login.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCluster } from '../../packages/server/src/adapters/cluster/redis/redis-cluster.js';
import { RedisLoginThrottle } from '../../packages/server/src/adapters/cluster/redis/redis-login-throttle.js';
import { TEST_REDIS_URL } from '../helpers/cluster.js';

const logger = pino({ level: 'silent' });
const cluster = `test-${randomBytes(5).toString('hex')}`;
const policy = { freeFailures: 2, baseLockMs: 1000, maxLockMs: 4000, forgetAfterMs: 60_000 };
let a: RedisCluster;
let b: RedisCluster;

beforeAll(async () => {
  a = new RedisCluster({ url: TEST_REDIS_URL, cluster, nodeId: 'node-a', logger });
  b = new RedisCluster({ url: TEST_REDIS_URL, cluster, nodeId: 'node-b', logger });
  await Promise.all([a.connect(), b.connect()]);
});

afterAll(async () => {
  const keys = await a.command.keys(`oc:${cluster}:*`);
  if (keys.length > 0) await a.command.del(...keys);
  await Promise.all([a.close(), b.close()]);
});

describe('Redis login throttle', () => {
  it('two nodes share the count and the lock; keys expire; a success clears the address', async () => {
    const onA = new RedisLoginThrottle(a, logger, policy);
    const onB = new RedisLoginThrottle(b, logger, policy);
    await onA.failed('10.0.0.1');
    await onB.failed('10.0.0.1');
    expect(await onA.retryAfterMs('10.0.0.1')).toBe(0);
    await onB.failed('10.0.0.1');
    const locked = await onA.retryAfterMs('10.0.0.1');
    expect(locked).toBeGreaterThan(0);
    expect(locked).toBeLessThanOrEqual(1000);
    await onA.failed('10.0.0.1');
    expect(await onB.retryAfterMs('10.0.0.1')).toBeGreaterThan(1000);
    expect(await onB.retryAfterMs('10.0.0.2')).toBe(0);

    const failuresTtl = await a.command.pttl(a.keys.loginFailures('10.0.0.1'));
    expect(failuresTtl).toBeGreaterThan(0);
    expect(failuresTtl).toBeLessThanOrEqual(policy.forgetAfterMs);
    expect(await a.command.pttl(a.keys.loginLock('10.0.0.1'))).toBeLessThanOrEqual(2000);

    await onB.succeeded('10.0.0.1');
    expect(await onA.retryAfterMs('10.0.0.1')).toBe(0);
    expect(await a.command.exists(a.keys.loginFailures('10.0.0.1'), a.keys.loginLock('10.0.0.1'))).toBe(0);
  });

  it('without Redis the node still locks on its own count', async () => {
    // Port 1 on loopback: nothing listens, every command fails fast after its bounded retries.
    const away = new RedisCluster({ url: 'redis://127.0.0.1:1', cluster, nodeId: 'node-away', logger });
    // A long lock: each command waits out its bounded retries first, the local lock must outlast them.
    const throttle = new RedisLoginThrottle(away, logger, { ...policy, baseLockMs: 60_000, maxLockMs: 60_000 });
    try {
      for (let i = 0; i < 3; i++) await throttle.failed('10.0.0.3');
      expect(await throttle.retryAfterMs('10.0.0.3')).toBeGreaterThan(30_000);
    } finally {
      await away.close();
    }
  }, 20_000);
});
