/** What a scenario is, and what it gets from the orchestrator. */
import type { Metric } from './metrics.js';

/** Figures measured by one scenario that later scenarios use as their same-run baselines. */
export interface Baselines {
  /** Raw `ws` one-way latency p50 / p99 (ms). */
  rawOneWayP50?: number;
  rawOneWayP99?: number;
  /** Raw `ws` frames a server handles per second of its CPU time (one core). */
  rawMessagesPerCpuSecond?: number;
  /** Janus VideoCall `call` → `incomingcall` p50 / p99 (ms). */
  janusP50?: number;
  janusP99?: number;
}

export interface ScenarioContext {
  quick: boolean;
  baselines: Baselines;
  /** One progress line (shown while the bench runs). */
  progress(message: string): void;
  /** Write CPU profiles of the server into `<this folder>/<scenario>/` (call-setup, throughput), when set. */
  cpuProfDir?: string;
}

export interface ScenarioOutcome {
  metrics: Metric[];
  details?: Record<string, unknown>;
}

/** Thrown by a scenario that cannot run here (missing tool, no permission): reported as skipped. */
export class ScenarioSkipped extends Error {}

export interface Scenario {
  name: string;
  title: string;
  /** Scenarios whose baselines this one needs (run first, also with `--only`). */
  needs?: string[];
  run(context: ScenarioContext): Promise<ScenarioOutcome>;
}
