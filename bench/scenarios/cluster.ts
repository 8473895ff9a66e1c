/**
 * Cluster mode: server processes sharing one Postgres database and one Redis namespace
 * (bench/lib/bench-cluster.ts), two clusters side by side — one node, and three nodes:
 *  1. call setup with caller and callee on different nodes of the three vs. both on the one node
 *     (its own database and namespace on the same Postgres and Redis: the ratio is the cost of
 *     crossing nodes, not of Postgres or Redis);
 *  2. lifecycles per server CPU-second, summed over the three nodes vs. the one node;
 *     rounds of 1 and 2 alternate between the two clusters so both see the same machine noise;
 *  3. failover: answered calls owned by a fourth node of the three-node cluster, `kill -9` of it,
 *     time until each call answers signaling again, one owner and one record per call after;
 *  4. idle authenticated connections spread over several node processes (fd limit per process).
 * Call nodes are pinned to core 0 (all of them), client workers to core 1; Redis and Postgres float.
 * A part that throws is reported as a failed figure and the others still run. Everything is killed,
 * the databases dropped and the run's Redis keys deleted at the end.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { type BenchCluster, startBenchCluster } from '../lib/bench-cluster.js';
import { printNewestProfile } from '../lib/cpuprofile.js';
import { type Metric, metric } from '../lib/metrics.js';
import { hardFileLimit } from '../lib/procs.js';
import type { Scenario } from '../lib/scenario.js';
import { round, summarize } from '../lib/stats.js';
import { alternateRounds, CallConfig, type CallsPlan, type CallsResult } from './cluster/calls.js';
import { type FailoverResult, measureFailover } from './cluster/failover.js';
import { type IdleResult, measureIdle } from './cluster/idle.js';

/** Nodes of the call parts: all on core 0 (`--profile`: a CPU profile each, written when stopped). */
const callNode = (profileRoot: string | undefined, nodeId: string) => ({
  cpus: '0',
  nofile: 65_536,
  ...(profileRoot ? { cpuProfDir: join(profileRoot, 'cluster', nodeId) } : {}),
});
const CALL_NODES = ['node-a', 'node-b', 'node-c'];
const CONNECTIONS_GOAL = 100_000;
/** The whole scenario stays within this; the idle connections get what is left (bounded). */
const BUDGET_MS = { quick: 150_000, full: 330_000 };
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

function callMetrics(single: CallsResult, cross: CallsResult, plan: CallsPlan): Metric[] {
  const perCpu = (r: CallsResult) => r.completed / r.cpuS;
  const rounds = `${plan.setupRounds} rounds of ${plan.pairs} dials over ${plan.windowMs} ms, all up at once, alternating with the other configuration`;
  return [
    metric('cluster.setup.single_node.p50', round(single.dialToSession.p50), 'ms', {
      note: `dial→onSession on a one-node cluster (its own Postgres database and Redis namespace; node on core 0, clients on core 1), ${rounds}; ${single.lost} of ${single.dialled} calls lost an event`,
    }),
    metric('cluster.setup.single_node.p99', round(single.dialToSession.p99), 'ms', {
      note: `the node used ${round(single.setupCpuShare * 100)} % of core 0 during these rounds`,
    }),
    metric('cluster.setup.cross_node.p50', round(cross.dialToSession.p50), 'ms', {
      baseline: round(single.dialToSession.p50),
      goal: 'ratio<=1.5',
      note: `the same on a 3-node cluster (all 3 on core 0), every caller on another node than its callee; ${cross.lost} of ${cross.dialled} calls lost an event; baseline the one-node p50`,
    }),
    metric('cluster.setup.cross_node.p99', round(cross.dialToSession.p99), 'ms', {
      baseline: round(single.dialToSession.p99),
      note: `the 3 nodes used ${round(cross.setupCpuShare * 100)} % of core 0 together during these rounds`,
    }),
    metric('cluster.setup.unloaded.single_node.p50', round(single.unloaded.p50), 'ms', {
      note: `${single.unloaded.count} calls one at a time on one pair of the one-node cluster (${single.unloadedLost} lost an event), first tenth dropped: no queueing`,
    }),
    metric('cluster.setup.unloaded.cross_node.p50', round(cross.unloaded.p50), 'ms', {
      baseline: round(single.unloaded.p50),
      note: `the same on the 3-node cluster, caller and callee on different nodes (${cross.unloadedLost} lost an event): the cost of the hop itself; baseline the one-node figure`,
    }),
    metric('cluster.setup.cross_node.accept_to_accept.p50', round(cross.acceptToAccept.p50), 'ms', {
      baseline: round(single.acceptToAccept.p50),
      note: 'callee accept() → caller onAccept (the accept is forwarded to the owner, the caller’s node); baseline the one-node p50',
    }),
    metric('cluster.throughput.single_node', Math.round(perCpu(single)), 'calls/s', {
      note: `lifecycles per server CPU-second on the one-node cluster, closed loop over ${plan.throughputPairs} pairs, ${plan.throughputRounds} rounds of ${plan.roundMs} ms alternating with the 3 nodes: ${single.completed} (${single.failed} failed), ${round(single.cpuS, 1)} CPU-s`,
    }),
    metric('cluster.throughput.cross_node', Math.round(perCpu(cross)), 'calls/s', {
      baseline: Math.round(perCpu(single)),
      goal: 'ratio>=0.8',
      note: `the same on 3 nodes, CPU summed over the 3 processes (Redis and Postgres counted in neither): ${cross.completed} (${cross.failed} failed), ${round(cross.cpuS, 1)} CPU-s`,
    }),
  ];
}

function failoverMetrics(r: FailoverResult, calls: number, deadlineMs: number, others: string[]): Metric[] {
  // A call that never answered counts as the probe deadline, so the percentiles cannot hide it.
  const lostAsDeadline = Array.from({ length: calls - r.callee.length }, () => deadlineMs);
  const callee = summarize([...r.callee, ...lostAsDeadline]);
  const caller = summarize([...r.caller, ...Array.from({ length: calls - r.caller.length }, () => deadlineMs)]);
  const owners = Object.entries(r.takenOverBy)
    .map(([node, n]) => `${node} ${n}`)
    .join(', ');
  return [
    metric('cluster.failover.p50', Math.round(callee.p50), 'ms', {
      note: `kill -9 of the node owning ${r.placed} answered calls (${r.ownedBefore} rows named it), callers connected to it, callees to ${others.join(', ')}: time until a no-op call.modify_media from the callee (sent every 100 ms) is answered by a live owner; taken over by ${owners || 'nobody'}`,
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

function idleMetrics(r: IdleResult, deadlineMs: number, loadAtStart: string): Metric[] {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const perConnKB = (before: number[], after: number[]) => (sum(after) - sum(before)) / r.connected / 1024;
  const mib = (xs: number[]) => Math.round(sum(xs) / 2 ** 20);
  return [
    metric('cluster.connections.held', r.connected, 'conns', {
      goal: `value>=${CONNECTIONS_GOAL}`,
      note: `${r.nodes} nodes × ${r.target / r.nodes} (fd hard limit ${hardFileLimit()} per process), ${r.failed} failed${r.firstError ? ` (first: ${r.firstError})` : ''}, opening bounded to ${Math.round(deadlineMs / 1000)} s (what the scenario's time budget left); one client worker per node (nodes and workers not pinned), 8 source addresses; machine load average ${loadAtStart} (1/5/15 min) when it started`,
    }),
    metric('cluster.connections.rss_per_connection', round(perConnKB(r.rssBefore, r.rssAfter), 2), 'KB', {
      note: `RSS growth summed over the ${r.nodes} nodes ÷ connections (each node also keeps every other node's devices): ${mib(r.rssBefore)} → ${mib(r.rssAfter)} MiB`,
    }),
    metric('cluster.connections.heap_per_connection', round(perConnKB(r.heapBefore, r.heapAfter), 2), 'KB', {
      note: `post-GC heap growth summed over the nodes ÷ connections: ${mib(r.heapBefore)} → ${mib(r.heapAfter)} MiB`,
    }),
    metric('cluster.connections.redis_per_connection', round((r.redisAfter - r.redisBefore) / r.connected / 1024, 2), 'KB', {
      note: "growth of the cluster's Redis keys (MEMORY USAGE) ÷ connections: the presence broadcasts kept in the stream every node reads",
    }),
    metric('cluster.connections.connect_all', round(r.connectMs / 1000, 2), 's', {
      note: `${Math.round(r.connected / (r.connectMs / 1000))} connections/s over the cluster; meanwhile the nodes used ${round(r.nodesCpuS / (r.connectMs / 1000), 2)} cores together and the client workers ${round(r.clientsCpuS / (r.connectMs / 1000), 2)} (2 cores in all, shared with Redis, Postgres and other work)`,
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
  async run({ quick, progress, cpuProfDir: profileRoot }) {
    const budgetEnd = performance.now() + (quick ? BUDGET_MS.quick : BUDGET_MS.full);
    const plan: CallsPlan = {
      pairs: quick ? 200 : 1_000,
      windowMs: quick ? 2_000 : 5_000,
      setupRounds: 2,
      throughputPairs: quick ? 50 : 200,
      throughputRounds: quick ? 2 : 3,
      roundMs: quick ? 2_000 : 4_000,
      sequentialCalls: quick ? 50 : 100,
    };
    const failoverCalls = quick ? 30 : 100;
    const failoverDeadlineMs = 20_000;
    const perProcess = Math.min(16_000, hardFileLimit() - 4_000);
    const idleNodes = quick ? 3 : Math.ceil(CONNECTIONS_GOAL / perProcess);
    const perNode = quick ? 2_000 : Math.ceil(CONNECTIONS_GOAL / idleNodes);

    const metrics: Metric[] = [];
    const details: Record<string, unknown> = { ...plan, failoverCalls, idleNodes, perNode };
    const clusters: BenchCluster[] = [];
    let keysDeleted = 0;
    try {
      const one = await startBenchCluster();
      clusters.push(one);
      const three = await startBenchCluster();
      clusters.push(three);
      details.clusters = clusters.map((c) => `${c.name} (database ${c.database.name})`);
      progress(`one-node cluster ${one.name}, 3-node cluster ${three.name}; starting their nodes (load average ${load()})`);
      details.loadAtStart = load();
      await Promise.all([
        one.start('node-a', callNode(profileRoot, 'single-a')),
        ...CALL_NODES.map((id) => three.start(id, callNode(profileRoot, id))),
      ]);
      await part('calls', metrics, details, async () => {
        const configs: CallConfig[] = [];
        try {
          configs.push(await CallConfig.open(one, ['node-a'], plan.pairs, 'c1', progress));
          configs.push(await CallConfig.open(three, CALL_NODES, plan.pairs, 'c3', progress));
          await alternateRounds(configs, ['1 node', '3 nodes'], plan, progress);
        } finally {
          await Promise.all(configs.map((c) => c.close()));
        }
        const [single, cross] = configs.map((c) => c.result()) as [CallsResult, CallsResult];
        details.single = single;
        details.cross = cross;
        return callMetrics(single, cross, plan);
      });
      await one.stop(['node-a']);
      keysDeleted += await one.close();
      await part('failover', metrics, details, async () => {
        const others = CALL_NODES.filter((id) => three.nodes.has(id));
        progress(`starting node-d, the owner to kill (load average ${load()})`);
        await three.start('node-d', { cpus: '0', nofile: 65_536 });
        const result = await measureFailover({ cluster: three, owner: 'node-d', others, calls: failoverCalls, progress });
        details.failover = {
          ...result,
          lost: result.lost.slice(0, 10),
          ownerErrors: result.ownerErrors.slice(0, 10),
          recordErrors: result.recordErrors.slice(0, 10),
        };
        return failoverMetrics(result, failoverCalls, failoverDeadlineMs, others);
      });
      await three.stop([...three.nodes.keys()]);
      if (profileRoot) for (const id of ['single-a', ...CALL_NODES]) printNewestProfile(join(profileRoot, 'cluster', id));
      keysDeleted += await three.close();
      // A cluster of its own: its Redis keys and its nodes' memory hold only the idle connections.
      const idle = await startBenchCluster();
      clusters.push(idle);
      await part('connections', metrics, details, async () => {
        // Left for opening: the budget less node start-up, settling, GC and teardown (≈ 40 s).
        const deadlineMs = Math.round(Math.max(30_000, Math.min(220_000, budgetEnd - performance.now() - 40_000)));
        const loadAtStart = load();
        const result = await measureIdle({ cluster: idle, nodes: idleNodes, perNode, deadlineMs, progress });
        details.connections = { ...result, deadlineMs, loadAtStart };
        return idleMetrics(result, deadlineMs, loadAtStart);
      });
    } finally {
      for (const c of clusters) keysDeleted += await c.close(); // 0 for those already closed
      details.redisKeysDeleted = keysDeleted;
      progress(`cleaned up: nodes stopped, ${clusters.length} databases dropped, ${keysDeleted} Redis keys of the run deleted`);
    }
    return { metrics, details };
  },
};
