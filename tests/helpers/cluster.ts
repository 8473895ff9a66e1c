/**
 * A cluster for integration tests: N real server processes on one fresh Postgres database and the
 * machine's Redis (127.0.0.1:6379), namespaced by a random `OPENCALL_CLUSTER` so runs never meet.
 * Nodes are named `node-a`, `node-b`, …; any may be killed and started again.
 */
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../packages/server/src/adapters/storage/postgres/test-database.test-support.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

export const TEST_REDIS_URL = process.env.OPENCALL_TEST_REDIS_URL || 'redis://127.0.0.1:6379';

export interface TestCluster {
  name: string;
  database: TestDatabase;
  nodes: Map<string, ServerProcess>;
  /** Starts (or starts again) a node; `port` to keep its address. */
  start(nodeId: string, port?: number): Promise<ServerProcess>;
  node(nodeId: string): ServerProcess;
  /** Every node's URL, in name order (the SDK's `navigators`). */
  urls(): string[];
  stop(): Promise<void>;
}

export async function startCluster(nodeIds: string[], env: Record<string, string> = {}, redisUrl = TEST_REDIS_URL): Promise<TestCluster> {
  const database = await createTestDatabase();
  const name = `test-${randomBytes(5).toString('hex')}`;
  const nodes = new Map<string, ServerProcess>();
  const start = async (nodeId: string, port?: number): Promise<ServerProcess> => {
    const server = await startServerProcess({
      env: {
        OPENCALL_DATABASE_URL: database.url,
        OPENCALL_REDIS_URL: redisUrl,
        OPENCALL_CLUSTER: name,
        OPENCALL_NODE_ID: nodeId,
        ...(port === undefined ? {} : { PORT: String(port) }),
        ...env,
      },
    });
    nodes.set(nodeId, server);
    return server;
  };
  const cluster: TestCluster = {
    name,
    database,
    nodes,
    start,
    node(nodeId) {
      const server = nodes.get(nodeId);
      if (!server) throw new Error(`no node ${nodeId}`);
      return server;
    },
    urls() {
      return [...nodes.keys()].sort().map((id) => nodes.get(id)!.url);
    },
    async stop() {
      await Promise.all([...nodes.values()].map((s) => s.kill('SIGKILL').catch(() => undefined)));
      await database.drop();
    },
  };
  try {
    // Started together: they migrate the fresh database at once (the advisory lock serialises it).
    await Promise.all(nodeIds.map((id) => start(id)));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
