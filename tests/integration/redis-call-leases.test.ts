/**
 * Call leases on the machine's Redis (a key prefix of this test's own): a lease survives Redis losing
 * its data (claimed again, once, even when two checks run at once), and is lost only to a node that
 * really took it over.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisCallLeases } from '../../packages/server/src/adapters/cluster/redis/redis-call-leases.js';
import { RedisCluster } from '../../packages/server/src/adapters/cluster/redis/redis-cluster.js';
import { RedisNodeBus } from '../../packages/server/src/adapters/cluster/redis/redis-node-bus.js';
import { TEST_REDIS_URL } from '../helpers/cluster.js';

const logger = pino({ level: 'silent' });
const cluster = `test-${randomBytes(5).toString('hex')}`;
const nodes: { redis: RedisCluster; bus: RedisNodeBus; leases: RedisCallLeases }[] = [];

async function node(nodeId: string) {
  const redis = new RedisCluster({ url: TEST_REDIS_URL, cluster, nodeId, logger });
  await redis.connect();
  const bus = new RedisNodeBus(redis, logger);
  await bus.start();
  const leases = new RedisCallLeases(redis, bus, logger);
  nodes.push({ redis, bus, leases });
  return { redis, bus, leases };
}

beforeAll(async () => {
  await node('node-a');
  await node('node-b');
});

afterAll(async () => {
  const keys = await nodes[0]!.redis.command.keys(`oc:${cluster}:*`);
  if (keys.length > 0) await nodes[0]!.redis.command.del(...keys);
  for (const { leases, bus, redis } of nodes) {
    leases.close();
    await bus.close();
    await redis.close();
  }
});

describe('Redis call leases', () => {
  it('a lease whose key Redis lost is claimed again by its holder, even by two checks at once', async () => {
    const [a] = nodes;
    const lost: string[] = [];
    a!.leases.onLost((calls) => lost.push(...calls.map((c) => c.callId)));
    expect(await a!.leases.acquireNew('app', 'c1')).toEqual({ epoch: 1 });
    await a!.redis.command.del(a!.redis.keys.lease('app', 'c1'));
    await Promise.all([a!.leases.verifyAll(), a!.leases.verifyAll()]);
    expect(lost).toEqual([]);
    expect(await a!.leases.holder('app', 'c1')).toBe('node-a');
    expect(a!.leases.holds('app', 'c1')).toBe(true);
  });

  it('a new call id is taken once; a takeover needs the holder to be dead and the expected epoch', async () => {
    const [a, b] = nodes;
    expect(await a!.leases.acquireNew('app', 'c2')).toEqual({ epoch: 1 });
    expect(await b!.leases.acquireNew('app', 'c2')).toBeUndefined();
    // node-a is alive: no takeover.
    expect(await b!.leases.takeOver('app', 'c2', 1, 'node-a')).toBeUndefined();
    // node-a's liveness goes (as when it dies): node-b takes the call at epoch 2; a stale epoch loses.
    await a!.bus.close();
    expect(await b!.leases.takeOver('app', 'c2', 0, 'node-a')).toBeUndefined();
    expect(await b!.leases.takeOver('app', 'c2', 1, 'node-a')).toEqual({ epoch: 2 });
    expect(await b!.leases.holder('app', 'c2')).toBe('node-b');
  });
});
