/**
 * Cluster mode (`OPENCALL_REDIS_URL` set): connects to Redis and builds the cluster adapters. The
 * embedded default (one process) has none of them: the services then run exactly as before.
 */
import type { Logger } from 'pino';
import type { ServerConfig } from '../../config.js';
import { RedisCallLeases } from './redis/redis-call-leases.js';
import { RedisCluster } from './redis/redis-cluster.js';
import { RedisNodeBus } from './redis/redis-node-bus.js';
import { RedisUserCallIndex } from './redis/redis-user-call-index.js';

export interface ClusterAdapters {
  redis: RedisCluster;
  bus: RedisNodeBus;
  leases: RedisCallLeases;
  index: RedisUserCallIndex;
  close(): Promise<void>;
}

export async function openCluster(config: ServerConfig, logger: Logger): Promise<ClusterAdapters | undefined> {
  if (!config.redisUrl) return undefined;
  const redis = new RedisCluster({ url: config.redisUrl, cluster: config.cluster, nodeId: config.nodeId, logger });
  try {
    await redis.connect();
  } catch (error) {
    await redis.close();
    throw new Error(`cannot connect to Redis at ${config.redisUrl.replace(/\/\/[^/@]*@/, '//***@')}: ${String(error)}`, { cause: error });
  }
  const bus = new RedisNodeBus(redis, logger);
  await bus.start();
  const leases = new RedisCallLeases(redis, bus, logger);
  const index = new RedisUserCallIndex(redis, logger);
  logger.info({ cluster: config.cluster, nodeId: config.nodeId }, 'cluster mode: this node joined');
  return {
    redis,
    bus,
    leases,
    index,
    async close() {
      leases.close();
      await bus.close();
      await redis.close();
    },
  };
}
