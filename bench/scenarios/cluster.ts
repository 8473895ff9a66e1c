/**
 * Cluster mode (several server processes on one Postgres and one Redis, bench/lib/bench-cluster.ts):
 *  1. call setup with caller and callee on different nodes of three vs. both on a one-node cluster
 *     (same Postgres and Redis, so the ratio is the cost of crossing nodes);
 *  2. lifecycles per server CPU-second, summed over three nodes vs. the one node;
 *  3. failover: answered calls owned by one node, `kill -9` of it, time until each call answers
 *     signaling again, and whether each ends up with one owner and one record;
 *  4. idle authenticated connections spread over several node processes (fd limit per process).
 * Call nodes are pinned to core 0 (all of them: the same CPU in both configurations), client workers
 * to core 1; Redis and Postgres float. A part that throws is reported as a failed figure; the others
 * still run. Everything is killed, the database dropped and the run's Redis keys deleted at the end.
 */
import { type BenchCluster, startBenchCluster } from '../lib/bench-cluster.js';
import { type Metric, metric } from '../lib/metrics.js';
import { hardFileLimit } from '../lib/procs.js';
import type { Scenario } from '../lib/scenario.js';
import { round, summarize } from '../lib/stats.js';
import { type CallsResult, measureCalls } from './cluster/calls.js';
import { type FailoverResult, measureFailover } from './cluster/failover.js';
import { type IdleResult, measureIdle } from './cluster/idle.js';

const CALL_NODE = { cpus: '0', nofile: 65_536 };
const CONNECTIONS_GOAL = 100_000;

function callMetrics(single: CallsResult, cross: CallsResult, pairs: number, windowMs: number, throughputPairs: number): Metric[] {
  const perCpu = (r: CallsResult) => r.completed / r.cpuS;
  return [
    metric('cluster.setup.single_node.p50', round(single.dialToSession.p50), 'ms', {
      note: `dial→onSession, ${pairs} pairs dialled over ${windowMs} ms, all up at once, on a one-node cluster (Postgres + Redis, node on core 0, clients on core 1); ${single.lost} calls lost an event`,
    }),
    metric('cluster.setup.single_node.p99', round(single.dialToSession.p99), 'ms'),
    metric('cluster.setup.cross_node.p50', round(cross.dialToSession.p50), 'ms', {
      baseline: round(single.dialToSession.p50),
      goal: 'ratio<=1.5',
      note: `the same with 3 nodes (all on core 0), every caller on another node than its callee; ${cross.lost} calls lost an event; baseline the one-node p50`,
    }),
    metric('cluster.setup.cross_node.p99', round(cross.dialToSession.p99), 'ms', { baseline: round(single.dialToSession.p99) }),
    metric('cluster.setup.cross_node.accept_to_accept.p50', round(cross.acceptToAccept.p50), 'ms', {
      baseline: round(single.acceptToAccept.p50),
      note: 'callee accept() → caller onAccept; the accept is forwarded to the owner (the caller’s node)',
    }),
    metric('cluster.throughput.single_node', Math.round(perCpu(single)), 'calls/s', {
      note: `lifecycles per server CPU-second, closed loop over ${throughputPairs} pairs: ${single.completed} (${single.failed} failed) in ${round(single.wallS, 1)} s, node used ${round(single.cpuS, 1)} CPU-s`,
    }),
    metric('cluster.throughput.cross_node', Math.round(perCpu(cross)), 'calls/s', {
      baseline: Math.round(perCpu(single)),
      goal: 'ratio>=0.8',
      note: `the same over 3 nodes, CPU summed over the 3 processes (Redis and Postgres not counted, in neither): ${cross.completed} (${cross.failed} failed) in ${round(cross.wallS, 1)} s, ${round(cross.cpuS, 1)} CPU-s`,
    }),
  ];
}

function failoverMetrics(r: FailoverResult, calls: number, deadlineMs: number): Metric[] {
  // A call that never answered counts as the probe deadline, so the percentiles cannot hide it.
  const lostAsDeadline = Array.from({ length: calls - r.callee.length }, () => deadlineMs);
  const callee = summarize([...r.callee, ...lostAsDeadline]);
  const caller = summarize([...r.caller, ...Array.from({ length: calls - r.caller.length }, () => deadlineMs)]);
  const owners = Object.entries(r.takenOverBy)
    .map(([node, n]) => `${node} ${n}`)
    .join(', ');
  return [
    metric('cluster.failover.p50', Math.round(callee.p50), 'ms', {
      note: `kill -9 of the node owning ${r.placed} answered calls (${r.ownedBefore} rows named it), callers on it, callees on the 2 others: time until a no-op call.modify_media from the callee (sent every 100 ms) is answered by a live owner; taken over by ${owners || 'nobody'}`,
    }),
    metric('cluster.failover.p99', Math.round(callee.p99), 'ms', { goal: 'value<=3000' }),
    metric('cluster.failover.max', Math.round(callee.max), 'ms'),
    metric('cluster.failover.caller.p99', Math.round(caller.p99), 'ms', {
      note: `the same probe from the caller, whose SDK first reconnects to the next navigator and resyncs (p50 ${Math.round(caller.p50)} ms)`,
    }),
    metric('cluster.failover.lost_calls', r.lost.length, 'calls', {
      goal: 'value<=0',
      note: `not answered within ${deadlineMs / 1000} s on a side, or closed on a client during the failover${r.lost.length ? ` (first: ${r.lost[0]})` : ''}`,
    }),
    metric('cluster.failover.owner_errors', r.ownerErrors.length, 'calls', {
      goal: 'value<=0',
      note: `after the probes: calls not taken over exactly once, or whose Postgres row and Redis lease disagree or name a dead node${r.ownerErrors.length ? ` (first: ${r.ownerErrors[0]})` : ''}`,
    }),
    metric('cluster.failover.record_errors', r.recordErrors.length, 'calls', {
      goal: 'value<=0',
      note: `after the callers hung up (${r.hangupsLost} hang-ups lost): calls without exactly one record with 2 participants, or still in flight${r.recordErrors.length ? ` (first: ${r.recordErrors[0]})` : ''}`,
    }),
  ];
}

function idleMetrics(r: IdleResult): Metric[] {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const perConnKB = (before: number[], after: number[]) => (sum(after) - sum(before)) / r.connected / 1024;
  const mib = (xs: number[]) => Math.round(sum(xs) / 2 ** 20);
  return [
    metric('cluster.connections.held', r.connected, 'conns', {
      goal: `value>=${CONNECTIONS_GOAL}`,
      note: `${r.nodes} nodes × ${r.target / r.nodes} (fd hard limit ${hardFileLimit()} per process), ${r.failed} failed${r.firstError ? ` (first: ${r.firstError})` : ''}; one client worker per node (core 1), 8 source addresses`,
    }),
    metric('cluster.connections.rss_per_connection', round(perConnKB(r.rssBefore, r.rssAfter), 2), 'KB', {
      note: `RSS growth summed over the ${r.nodes} nodes ÷ connections (each node also keeps every other node's devices): ${mib(r.rssBefore)} → ${mib(r.rssAfter)} MiB`,
    }),
    metric('cluster.connections.heap_per_connection', round(perConnKB(r.heapBefore, r.heapAfter), 2), 'KB', {
      note: `post-GC heap growth summed over the nodes ÷ connections: ${mib(r.heapBefore)} → ${mib(r.heapAfter)} MiB`,
    }),
    metric('cluster.connections.redis_per_connection', round((r.redisAfter - r.redisBefore) / r.connected / 1024, 2), 'KB', {
      note: 'Redis used_memory growth ÷ connections (the presence broadcasts kept in the stream every node reads)',
    }),
    metric('cluster.connections.connect_all', round(r.connectMs / 1000, 2), 's', {
      note: `${Math.round(r.connected / (r.connectMs / 1000))} connections/s over the cluster`,
    }),
  ];
}

/** Runs one part; a part that throws becomes a failed figure instead of ending the scenario. */
async function part(name: string, metrics: Metric[], details: Record<string, unknown>, work: () => Promise<Metric[]>): Promise<void> {
  try {
    metrics.push(...(await work()));
  } catch (error) {
    const message = ((error as Error).message ?? String(error)).split('\n')[0]?.slice(0, 300) ?? '';
    details[`${name}Error`] = ((error as Error).stack ?? String(error)).slice(0, 3000);
    metrics.push(metric(`cluster.${name}.failed`, 1, 'part', { goal: 'value<=0', note: `the ${name} part threw: ${message}` }));
  }
}

export const cluster: Scenario = {
  name: 'cluster',
  title: 'cluster mode: cross-node call setup, throughput, failover, idle connections over several nodes',
  async run({ quick, progress }) {
    const pairs = quick ? 200 : 1_000;
    const windowMs = quick ? 2_000 : 5_000;
    const throughputPairs = quick ? 50 : 200;
    const throughputMs = quick ? 4_000 : 10_000;
    const failoverCalls = quick ? 30 : 100;
    const failoverDeadlineMs = 20_000;
    const perProcess = Math.min(16_000, hardFileLimit() - 4_000);
    const idleNodes = quick ? 3 : Math.ceil(CONNECTIONS_GOAL / perProcess);
    const perNode = quick ? 2_000 : Math.ceil(CONNECTIONS_GOAL / idleNodes);

    const metrics: Metric[] = [];
    const details: Record<string, unknown> = { pairs, windowMs, throughputPairs, throughputMs, failoverCalls, idleNodes, perNode };
    let bench: BenchCluster | undefined;
    try {
      bench = await startBenchCluster();
      const c = bench;
      details.clusterName = c.name;
      progress(`cluster ${c.name} on database ${c.database.name}; starting node-a`);
      await c.start('node-a', CALL_NODE);
      await part('calls', metrics, details, async () => {
        const common = { cluster: c, pairs, windowMs, throughputPairs, throughputMs, progress };
        const single = await measureCalls({ ...common, nodeIds: ['node-a'], prefix: 'c1' });
        progress('starting node-b and node-c');
        await Promise.all(['node-b', 'node-c'].map((id) => c.start(id, CALL_NODE)));
        const cross = await measureCalls({ ...common, nodeIds: ['node-a', 'node-b', 'node-c'], prefix: 'c3' });
        details.single = single;
        details.cross = cross;
        return callMetrics(single, cross, pairs, windowMs, throughputPairs);
      });
      await part('failover', metrics, details, async () => {
        for (const id of ['node-a', 'node-b', 'node-c']) if (!c.nodes.has(id)) await c.start(id, CALL_NODE);
        const result = await measureFailover({ cluster: c, owner: 'node-a', others: ['node-b', 'node-c'], calls: failoverCalls, progress });
        details.failover = {
          ...result,
          lost: result.lost.slice(0, 10),
          ownerErrors: result.ownerErrors.slice(0, 10),
          recordErrors: result.recordErrors.slice(0, 10),
        };
        return failoverMetrics(result, failoverCalls, failoverDeadlineMs);
      });
      await c.stop([...c.nodes.keys()]);
      await part('connections', metrics, details, async () => {
        const result = await measureIdle({ cluster: c, nodes: idleNodes, perNode, deadlineMs: quick ? 60_000 : 150_000, progress });
        details.connections = result;
        return idleMetrics(result);
      });
    } finally {
      if (bench) {
        details.redisKeysDeleted = await bench.close();
        progress(`cleaned up: nodes stopped, database dropped, ${details.redisKeysDeleted} Redis keys of ${bench.name} deleted`);
      }
    }
    return { metrics, details };
  },
};
