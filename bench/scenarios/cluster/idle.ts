/**
 * Idle authenticated connections spread over several cluster nodes: one client worker per node
 * (bench/workers/idle-connections.ts, not pinned, 8 source addresses), each opening `perNode` to its
 * node. Memory per connection is the growth of every node's RSS, and of its post-GC heap (the
 * loopback-only `/debug/heap` route), summed over the nodes and divided by the connections held:
 * in cluster mode every node also keeps a replica of every other node's devices (presence), so this
 * is the cluster's cost of one connection. The growth of the cluster's Redis keys (the presence
 * broadcasts kept in the stream every node reads) is reported beside it, and the CPU the nodes and
 * the client workers used while opening (what bounds the count reached in the time given).
 */
import type { ChildProcess } from 'node:child_process';
import type { HeapReply } from '../../../packages/server/src/transport/http/debug-heap-routes.js';
import type { BenchCluster } from '../../lib/bench-cluster.js';
import { cpuMs, hardFileLimit, spawnNodeWorker, stopChild, waitFor } from '../../lib/procs.js';
import { BENCH_APP_KEY } from '../../lib/server.js';

export interface IdleOptions {
  cluster: BenchCluster;
  nodes: number;
  perNode: number;
  deadlineMs: number;
  progress(message: string): void;
}

export interface IdleResult {
  nodes: number;
  target: number;
  connected: number;
  failed: number;
  firstError?: string;
  connectMs: number;
  rssBefore: number[];
  rssAfter: number[];
  heapBefore: number[];
  heapAfter: number[];
  /** Bytes of this cluster's Redis keys. */
  redisBefore: number;
  redisAfter: number;
  /** CPU-seconds the nodes (together) and the client workers (together) used while opening. */
  nodesCpuS: number;
  clientsCpuS: number;
  perNodeConnected: number[];
}

interface Opened {
  type: 'opened';
  connected: number;
  failed: number;
  ms: number;
  firstError?: string;
}

const ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 2}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function heapUsed(url: string): Promise<number> {
  try {
    const response = await fetch(`${url}/debug/heap`, { method: 'POST', signal: AbortSignal.timeout(30_000) });
    if (!response.ok) return Number.NaN;
    return ((await response.json()) as HeapReply).heapUsed;
  } catch {
    return Number.NaN;
  }
}

export async function measureIdle(options: IdleOptions): Promise<IdleResult> {
  const { cluster, nodes, perNode, deadlineMs, progress } = options;
  const nodeIds = Array.from({ length: nodes }, (_, i) => `idle-${i + 1}`);
  progress(`starting ${nodes} nodes for idle connections`);
  const nofile = Math.min(perNode + 2_000, hardFileLimit());
  await Promise.all(nodeIds.map((id) => cluster.start(id, { nofile, env: { OPENCALL_HEARTBEAT_MS: '120000', OPENCALL_DEBUG_HEAP: '1' } })));
  const urls = nodeIds.map((id) => cluster.nodes.get(id)?.url as string);
  // Not pinned: opening a connection costs the clients more CPU than the nodes (TCP and WebSocket
  // handshakes over loopback); all the workers on core 1 opened ≈ 445/s here, unpinned ≈ 550/s.
  const workers: ChildProcess[] = nodeIds.map(() =>
    spawnNodeWorker('bench/workers/idle-connections.ts', [], { nofile }, ['--max-old-space-size=4096']),
  );
  try {
    await Promise.all(workers.map((w) => waitFor(w, 'ready', 30_000, 'connections worker')));
    await sleep(1_000);
    const heapBefore = await Promise.all(urls.map(heapUsed));
    const rssBefore = await cluster.rssBytes(nodeIds);
    const redisBefore = await cluster.redisBytes();
    progress(`opening ${nodes} × ${perNode} connections (deadline ${Math.round(deadlineMs / 1000)} s)`);
    const pids = workers.map((w) => w.pid ?? -1);
    const clientsCpu = async () => (await Promise.all(pids.map(cpuMs))).reduce((a, b) => a + b, 0);
    const [nodesCpuBefore, clientsCpuBefore] = [await cluster.cpuMs(nodeIds), await clientsCpu()];
    const started = performance.now();
    workers.forEach((w, i) => {
      w.send({
        type: 'open',
        url: `${(urls[i] as string).replace('http', 'ws')}/ws`,
        appKey: BENCH_APP_KEY,
        count: perNode,
        prefix: `idle${i}`,
        addresses: ADDRESSES,
        deadlineMs,
      });
    });
    const opened = await Promise.all(workers.map((w) => waitFor<Opened>(w, 'opened', deadlineMs + 60_000, 'open connections')));
    const connectMs = performance.now() - started;
    const nodesCpuS = ((await cluster.cpuMs(nodeIds)) - nodesCpuBefore) / 1000;
    const clientsCpuS = ((await clientsCpu()) - clientsCpuBefore) / 1000;
    progress(
      `${opened.reduce((s, o) => s + o.connected, 0)} connections open; waiting for the nodes' memory to settle (presence replicas)`,
    );
    const total = async () => (await cluster.rssBytes(nodeIds)).reduce((a, b) => a + b, 0);
    let last = await total();
    for (let i = 0; i < 15; i++) {
      await sleep(1_000);
      const now = await total();
      if (Math.abs(now - last) < last * 0.005) break;
      last = now;
    }
    const rssAfter = await cluster.rssBytes(nodeIds);
    const heapAfter = await Promise.all(urls.map(heapUsed));
    const redisAfter = await cluster.redisBytes();
    const firstError = opened.find((o) => o.firstError)?.firstError;
    return {
      nodes,
      target: nodes * perNode,
      connected: opened.reduce((s, o) => s + o.connected, 0),
      failed: opened.reduce((s, o) => s + o.failed, 0),
      ...(firstError ? { firstError } : {}),
      connectMs,
      rssBefore,
      rssAfter,
      heapBefore,
      heapAfter,
      redisBefore,
      redisAfter,
      nodesCpuS,
      clientsCpuS,
      perNodeConnected: opened.map((o) => o.connected),
    };
  } finally {
    for (const w of workers) w.send({ type: 'close' });
    await Promise.all(workers.map((w) => stopChild(w, 10_000)));
    await cluster.stop(nodeIds);
  }
}
