/**
 * Call setup and throughput on a set of cluster nodes, one client worker (core 1): a short warm-up
 * (closed loop), then lifecycles per CPU-second of all the nodes together (closed loop over the first
 * `throughputPairs` pairs), then `pairs` dials spread over a window with every call kept up (as
 * call-setup does), then the hang-ups. The same run on one node and on three gives the ratios.
 */
import type { BenchCluster } from '../../lib/bench-cluster.js';
import { startCallWorker } from '../../lib/call-rig.js';
import { waitFor } from '../../lib/procs.js';
import { type Summary, summarize } from '../../lib/stats.js';

export interface CallsOptions {
  cluster: BenchCluster;
  nodeIds: string[];
  pairs: number;
  windowMs: number;
  throughputPairs: number;
  throughputMs: number;
  prefix: string;
  progress(message: string): void;
}

export interface CallsResult {
  dialToSession: Summary;
  dialToRinging: Summary;
  acceptToAccept: Summary;
  lost: number;
  hangupsLost: number;
  completed: number;
  failed: number;
  cpuS: number;
  wallS: number;
}

interface Sample {
  dialToSession: number;
  dialToRinging: number;
  acceptToAccept: number;
}

type Lifecycles = { type: 'lifecycles'; completed: number; failed: number };

export async function measureCalls(options: CallsOptions): Promise<CallsResult> {
  const { cluster, nodeIds, pairs, progress } = options;
  const urls = nodeIds.map((id) => cluster.nodes.get(id)?.url as string);
  const { worker, close } = await startCallWorker({
    urls,
    layout: 'cross',
    pairs,
    prefix: options.prefix,
    connectTimeoutMs: 180_000,
    progress,
  });
  try {
    progress('warm-up: closed loop for 2 s');
    worker.send({ type: 'lifecycles', durationMs: 2_000, pairs: options.throughputPairs });
    await waitFor<Lifecycles>(worker, 'lifecycles', 60_000, 'warm-up');

    progress(`throughput: closed loop over ${options.throughputPairs} pairs for ${options.throughputMs} ms`);
    const cpuBefore = await cluster.cpuMs(nodeIds);
    const wallBefore = performance.now();
    worker.send({ type: 'lifecycles', durationMs: options.throughputMs, pairs: options.throughputPairs });
    const { completed, failed } = await waitFor<Lifecycles>(worker, 'lifecycles', options.throughputMs + 60_000, 'lifecycles');
    const cpuS = ((await cluster.cpuMs(nodeIds)) - cpuBefore) / 1000;
    const wallS = (performance.now() - wallBefore) / 1000;

    progress(`call setup: ${pairs} dials over ${options.windowMs} ms`);
    worker.send({ type: 'setup', windowMs: options.windowMs });
    const { samples } = await waitFor<{ type: 'setup'; samples: Sample[] }>(worker, 'setup', 120_000, 'call setup');
    progress('hanging up');
    worker.send({ type: 'hangupAll' });
    const { lost: hangupsLost } = await waitFor<{ type: 'hungup'; lost: number }>(worker, 'hungup', 90_000, 'hang up');
    return {
      dialToSession: summarize(samples.map((s) => s.dialToSession)),
      dialToRinging: summarize(samples.map((s) => s.dialToRinging).filter(Number.isFinite)),
      acceptToAccept: summarize(samples.map((s) => s.acceptToAccept)),
      lost: pairs - samples.length,
      hangupsLost,
      completed,
      failed,
      cpuS,
      wallS,
    };
  } finally {
    await close();
  }
}
