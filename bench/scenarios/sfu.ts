/**
 * SFU capacity: concurrent 4-party video calls of `@roamhq/wrtc` bots (320×240 @ 10 fps + audio)
 * through ONE Janus run by the server, ramped one call at a time until receivers see ≥ 1 % packet
 * loss or the machine's CPU saturates; plus accept → first remote frame through the SFU against bare
 * wrtc↔wrtc P2P measured in the same run. The bots share the machine with Janus and the server, so
 * on a small machine their own encoding/decoding is most of the load. Runs bench/workers/sfu-calls.ts
 * in a fresh network namespace with a veth pair for Janus's ICE (as the janus scenario does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { metric } from '../lib/metrics.js';
import { runWorkerForResult } from '../lib/procs.js';
import { type Scenario, ScenarioSkipped } from '../lib/scenario.js';
import { median, round } from '../lib/stats.js';
import type { Step } from '../workers/sfu-calls.js';

const VETH = 'ip link add v0 type veth peer name v1 && ip addr add 10.99.0.1/24 dev v0 && ip link set v0 up && ip link set v1 up';

interface WorkerResult {
  bare: number[];
  sfu: number[];
  /** Invitee accept() → the caller's video `onTrackReady`. */
  sfuTrackReady: number[];
  p2p: number[];
  steps: Step[];
  stopReason: string;
  cores: number;
}

export const sfu: Scenario = {
  name: 'sfu',
  title: 'Janus SFU: concurrent 4-party wrtc calls, forwarded packets per core, setup vs bare P2P',
  async run({ quick, progress }) {
    if (process.getuid?.() !== 0) throw new ScenarioSkipped('needs root for `unshare -n` (Janus ICE needs its own veth)');
    if (!existsSync('/usr/bin/janus')) {
      const installed = spawnSync('apt-get', ['install', '-y', 'janus'], { stdio: 'ignore', timeout: 180_000 }).status === 0;
      if (!installed || !existsSync('/usr/bin/janus')) throw new ScenarioSkipped('janus is not installed (apt-get install -y janus)');
    }
    const rounds = quick ? 2 : 3;
    const maxCalls = quick ? 4 : 12;
    const windowMs = quick ? 4_000 : 6_000;
    progress(`${rounds} setup rounds, then up to ${maxCalls} concurrent 4-party calls (${windowMs / 1000} s windows)`);
    const r = await runWorkerForResult<WorkerResult>('bench/workers/sfu-calls.ts', [String(rounds), String(maxCalls), String(windowMs)], {
      key: 'sfu',
      timeoutMs: 420_000,
      netns: { setup: VETH },
      nofile: 65_536,
      progressPrefix: 'sfu: ',
      stripPrefix: true,
      progress,
    });
    // A step that ended the ramp (loss, starved or saturated CPU) does not count as held.
    const held = r.stopReason.startsWith('reached') ? r.steps : r.steps.slice(0, -1);
    const most = held.at(-1);
    const top = r.steps.at(-1);
    const sfuMs = median(r.sfu);
    const bareMs = median(r.bare);
    return {
      metrics: [
        metric('sfu.concurrent_4party_calls', most?.calls ?? 0, 'calls', {
          goal: 'value>=8',
          note: `most concurrent 4-party calls with < 1 % receiver loss and full media rate (stopped: ${r.stopReason}); the bots (320×240 @ 10 fps + audio) share the ${r.cores} cores with Janus and the server`,
        }),
        metric('sfu.forwarded_pkts_per_core', round(most?.packetsPerJanusCpuSecond ?? Number.NaN, 0), 'pkt/s', {
          note: `packets received by subscribers per second of Janus CPU time at ${most?.calls ?? 0} calls (${round(most?.forwardedPerSec ?? Number.NaN, 0)} pkt/s at ${round((most?.janusCpu ?? Number.NaN) * 100, 0)} % of a core); LiveKit publishes 35–60k`,
        }),
        metric('sfu.calls_per_janus_core', round((most?.calls ?? 0) / (most?.janusCpu ?? Number.NaN), 1), 'calls', {
          note: `projection: concurrent 4-party calls one core of Janus alone would carry (${most?.calls ?? 0} calls used ${round((most?.janusCpu ?? Number.NaN) * 100, 0)} % of a core)`,
        }),
        metric('sfu.loss_at_max', round((top?.loss ?? Number.NaN) * 100, 3), '%', {
          note: `receiver loss in the last window (${top?.calls ?? 0} calls; bots + Janus + server ${round((top?.ownCpu ?? Number.NaN) * 100, 0)} % of the cores, whole machine ${round((top?.machineCpu ?? Number.NaN) * 100, 0)} %)`,
        }),
        metric('sfu.accept_to_first_frame', round(sfuMs, 1), 'ms', {
          baseline: round(bareMs, 1),
          goal: 'ratio<=2',
          note: `median of ${r.sfu.length}: invitee accept() → first decoded frame of the caller in a 4-party call through Janus; baseline median of ${r.bare.length} bare wrtc↔wrtc offer → first frame; SDK 1:1 P2P median ${round(median(r.p2p), 1)} ms; SFU accept → video onTrackReady median ${round(median(r.sfuTrackReady), 1)} ms`,
        }),
      ],
      details: { steps: r.steps, stopReason: r.stopReason, sfu: r.sfu, sfuTrackReady: r.sfuTrackReady, bare: r.bare, p2p: r.p2p },
    };
  },
};
