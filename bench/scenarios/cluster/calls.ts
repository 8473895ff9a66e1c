/**
 * Call setup and throughput on a set of cluster nodes, measured in rounds so that two configurations
 * (one node, three nodes) can alternate and share the machine's noise. A `CallConfig` is one client
 * worker (core 1) with `pairs` pairs connected to the nodes (caller and callee on different nodes
 * when there are several); a throughput round is a closed loop of lifecycles over the first
 * `throughputPairs` pairs with the CPU time of all the config's nodes read around it; a setup round
 * dials every pair over a window, keeps every call up (as call-setup does), then hangs up.
 */
import type { BenchCluster } from '../../lib/bench-cluster.js';
import { type CallWorker, startCallWorker } from '../../lib/call-rig.js';
import { waitFor } from '../../lib/procs.js';
import { type Summary, summarize } from '../../lib/stats.js';

interface Sample {
  dialToSession: number;
  dialToRinging: number;
  acceptToAccept: number;
}

type Lifecycles = { type: 'lifecycles'; completed: number; failed: number };

export interface CallsResult {
  nodes: number;
  /** One call at a time on one pair (no queueing): dial→onSession. */
  unloaded: Summary;
  unloadedLost: number;
  dialToSession: Summary;
  dialToRinging: Summary;
  acceptToAccept: Summary;
  dialled: number;
  lost: number;
  hangupsLost: number;
  completed: number;
  failed: number;
  cpuS: number;
  wallS: number;
  /** Share of one core the config's nodes used together during the setup rounds. */
  setupCpuShare: number;
}

export class CallConfig {
  readonly #samples: Sample[] = [];
  readonly #unloaded: number[] = [];
  #unloadedLost = 0;
  #setupCpuS = 0;
  #setupWallS = 0;
  #dialled = 0;
  #hangupsLost = 0;
  #completed = 0;
  #failed = 0;
  #cpuS = 0;
  #wallS = 0;

  private constructor(
    private readonly cluster: BenchCluster,
    private readonly nodeIds: string[],
    private readonly clients: CallWorker,
    private readonly pairs: number,
  ) {}

  static async open(
    cluster: BenchCluster,
    nodeIds: string[],
    pairs: number,
    prefix: string,
    progress: (m: string) => void,
  ): Promise<CallConfig> {
    const urls = nodeIds.map((id) => cluster.nodes.get(id)?.url as string);
    const clients = await startCallWorker({ urls, layout: 'cross', pairs, prefix, connectTimeoutMs: 180_000, progress });
    return new CallConfig(cluster, nodeIds, clients, pairs);
  }

  /** A closed loop that is not counted (JIT, pools, caches). */
  async warmUp(durationMs: number, pairs: number): Promise<void> {
    this.clients.worker.send({ type: 'lifecycles', durationMs, pairs });
    await waitFor<Lifecycles>(this.clients.worker, 'lifecycles', durationMs + 60_000, 'warm-up');
  }

  async throughputRound(durationMs: number, pairs: number): Promise<void> {
    const cpuBefore = await this.cluster.cpuMs(this.nodeIds);
    const wallBefore = performance.now();
    this.clients.worker.send({ type: 'lifecycles', durationMs, pairs });
    const { completed, failed } = await waitFor<Lifecycles>(this.clients.worker, 'lifecycles', durationMs + 60_000, 'lifecycles');
    this.#cpuS += ((await this.cluster.cpuMs(this.nodeIds)) - cpuBefore) / 1000;
    this.#wallS += (performance.now() - wallBefore) / 1000;
    this.#completed += completed;
    this.#failed += failed;
  }

  /** `iterations` calls one after the other on one pair (the first tenth not counted). */
  async sequential(iterations: number): Promise<void> {
    this.clients.worker.send({ type: 'sequential', iterations });
    const { samples, lost } = await waitFor<{ type: 'sequential'; samples: Sample[]; lost: number }>(
      this.clients.worker,
      'sequential',
      120_000,
      'sequential calls',
    );
    this.#unloaded.push(...samples.slice(Math.floor(iterations / 10)).map((s) => s.dialToSession));
    this.#unloadedLost += lost;
  }

  async setupRound(windowMs: number): Promise<void> {
    const { worker } = this.clients;
    const cpuBefore = await this.cluster.cpuMs(this.nodeIds);
    const wallBefore = performance.now();
    worker.send({ type: 'setup', windowMs });
    const { samples } = await waitFor<{ type: 'setup'; samples: Sample[] }>(worker, 'setup', 120_000, 'call setup');
    this.#setupCpuS += ((await this.cluster.cpuMs(this.nodeIds)) - cpuBefore) / 1000;
    this.#setupWallS += (performance.now() - wallBefore) / 1000;
    this.#samples.push(...samples);
    this.#dialled += this.pairs;
    worker.send({ type: 'hangupAll' });
    this.#hangupsLost += (await waitFor<{ type: 'hungup'; lost: number }>(worker, 'hungup', 90_000, 'hang up')).lost;
  }

  result(): CallsResult {
    return {
      nodes: this.nodeIds.length,
      unloaded: summarize(this.#unloaded),
      unloadedLost: this.#unloadedLost,
      dialToSession: summarize(this.#samples.map((s) => s.dialToSession)),
      dialToRinging: summarize(this.#samples.map((s) => s.dialToRinging).filter(Number.isFinite)),
      acceptToAccept: summarize(this.#samples.map((s) => s.acceptToAccept)),
      dialled: this.#dialled,
      lost: this.#dialled - this.#samples.length,
      hangupsLost: this.#hangupsLost,
      completed: this.#completed,
      failed: this.#failed,
      cpuS: this.#cpuS,
      wallS: this.#wallS,
      setupCpuShare: this.#setupCpuS / this.#setupWallS,
    };
  }

  close(): Promise<void> {
    return this.clients.close();
  }
}

export interface CallsPlan {
  pairs: number;
  windowMs: number;
  setupRounds: number;
  throughputPairs: number;
  throughputRounds: number;
  roundMs: number;
  sequentialCalls: number;
}

/** Warm-up, then sequential calls, throughput rounds and setup rounds, each alternating between the configs. */
export async function alternateRounds(
  configs: CallConfig[],
  names: string[],
  plan: CallsPlan,
  progress: (m: string) => void,
): Promise<void> {
  for (const [i, config] of configs.entries()) {
    progress(`${names[i]}: warm-up, closed loop for 2 s`);
    await config.warmUp(2_000, plan.throughputPairs);
  }
  for (const [i, config] of configs.entries()) {
    progress(`${names[i]}: ${plan.sequentialCalls} calls one at a time on one pair`);
    await config.sequential(plan.sequentialCalls);
  }
  for (let round = 1; round <= plan.throughputRounds; round++) {
    for (const [i, config] of configs.entries()) {
      progress(`${names[i]}: throughput round ${round}/${plan.throughputRounds}, ${plan.throughputPairs} pairs for ${plan.roundMs} ms`);
      await config.throughputRound(plan.roundMs, plan.throughputPairs);
    }
  }
  for (let round = 1; round <= plan.setupRounds; round++) {
    for (const [i, config] of configs.entries()) {
      progress(`${names[i]}: call setup round ${round}/${plan.setupRounds}, ${plan.pairs} dials over ${plan.windowMs} ms`);
      await config.setupRound(plan.windowMs);
    }
  }
}
