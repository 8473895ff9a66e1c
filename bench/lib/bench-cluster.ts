/**
 * A cluster of real OpenCall server processes for the bench: each node is `startBenchServer` with
 * `OPENCALL_DATABASE_URL` (one fresh Postgres database, as tests/helpers/cluster.ts makes it),
 * `OPENCALL_REDIS_URL` (the machine's Redis) and a random `OPENCALL_CLUSTER` name, so its Redis keys
 * are its own. `close()` kills every node, drops the database and deletes the run's Redis keys.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../packages/server/src/adapters/storage/postgres/test-database.test-support.js';
import { TEST_REDIS_URL } from '../../tests/helpers/cluster.js';
import { cpuMs, rssBytes } from './procs.js';
import { type BenchServer, type BenchServerOptions, startBenchServer } from './server.js';

export interface BenchNode extends BenchServer {
  nodeId: string;
}

export interface BenchCluster {
  /** `OPENCALL_CLUSTER` of this run (every Redis key starts with `oc:<name>:`). */
  name: string;
  database: TestDatabase;
  /** Live nodes by id. */
  nodes: Map<string, BenchNode>;
  start(nodeId: string, options?: Omit<BenchServerOptions, 'env'> & { env?: Record<string, string> }): Promise<BenchNode>;
  /** `kill -9` a node (its process group) and wait for it to exit; it leaves `nodes`. */
  kill(nodeId: string): Promise<void>;
  /** Stop nodes (SIGTERM, then SIGKILL). */
  stop(nodeIds: string[]): Promise<void>;
  /** Sum of the nodes' CPU time (ms). */
  cpuMs(nodeIds: string[]): Promise<number>;
  rssBytes(nodeIds: string[]): Promise<number[]>;
  /** A Postgres client on the run's database (closed by `close()`). */
  sql(): Promise<pg.Client>;
  /** The Redis command connection this bench uses to read the run's keys (closed by `close()`). */
  redis: Redis;
  /** Bytes Redis holds for this cluster's keys (`MEMORY USAGE … SAMPLES 0` of each, bounded SCAN). */
  redisBytes(): Promise<number>;
  /** Kill every node, drop the database, delete the run's Redis keys. Returns how many keys went (0 once closed). */
  close(): Promise<number>;
}

/** Runs `each` on every batch of keys of `oc:<cluster>:` (bounded SCAN). */
async function forClusterKeys(redis: Redis, cluster: string, each: (keys: string[]) => Promise<unknown>): Promise<void> {
  let cursor = '0';
  for (let round = 0; round < 10_000; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `oc:${cluster}:*`, 'COUNT', 1000);
    if (keys.length > 0) await each(keys);
    cursor = next;
    if (cursor === '0') break;
  }
}

export async function startBenchCluster(): Promise<BenchCluster> {
  const database = await createTestDatabase();
  const name = `bench-${randomBytes(5).toString('hex')}`;
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 2000 });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    await database.drop();
    throw new Error(`the cluster bench needs Redis at ${TEST_REDIS_URL}: ${String(error)}`, { cause: error });
  }
  const nodes = new Map<string, BenchNode>();
  let client: pg.Client | undefined;
  let closed = false;
  const stopOne = async (nodeId: string) => {
    const node = nodes.get(nodeId);
    nodes.delete(nodeId);
    await node?.stop();
  };
  return {
    name,
    database,
    nodes,
    redis,
    async start(nodeId, options = {}) {
      const server = await startBenchServer({
        ...options,
        env: {
          OPENCALL_DATABASE_URL: database.url,
          OPENCALL_REDIS_URL: TEST_REDIS_URL,
          OPENCALL_CLUSTER: name,
          OPENCALL_NODE_ID: nodeId,
          ...options.env,
        },
      });
      const node = { ...server, nodeId };
      nodes.set(nodeId, node);
      return node;
    },
    async kill(nodeId) {
      const node = nodes.get(nodeId);
      if (!node) return;
      nodes.delete(nodeId);
      const exited = new Promise<void>((resolve) => {
        if (node.child.exitCode !== null || node.child.signalCode !== null) resolve();
        else node.child.once('exit', () => resolve());
      });
      process.kill(-node.pid, 'SIGKILL');
      await exited;
      await node.stop(); // removes its data dir
    },
    async stop(nodeIds) {
      await Promise.all(nodeIds.map(stopOne));
    },
    async cpuMs(nodeIds) {
      const each = await Promise.all(nodeIds.map((id) => cpuMs(nodes.get(id)?.pid ?? -1)));
      return each.reduce((sum, ms) => sum + ms, 0);
    },
    async redisBytes() {
      let bytes = 0;
      await forClusterKeys(redis, name, async (keys) => {
        for (const key of keys) bytes += Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) || 0;
      });
      return bytes;
    },
    rssBytes(nodeIds) {
      return Promise.all(nodeIds.map((id) => rssBytes(nodes.get(id)?.pid ?? -1)));
    },
    async sql() {
      if (!client) {
        client = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: 5000 });
        await client.connect();
      }
      return client;
    },
    async close() {
      if (closed) return 0;
      closed = true;
      await Promise.all([...nodes.keys()].map(stopOne));
      await client?.end().catch(() => undefined);
      await database.drop();
      let deleted = 0;
      await forClusterKeys(redis, name, async (keys) => {
        deleted += await redis.unlink(...keys);
      });
      redis.disconnect();
      return deleted;
    },
  };
}
