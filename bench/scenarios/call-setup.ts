/**
 * Call setup: `pairs` concurrent caller/callee pairs (headless CallLib clients in one worker process
 * pinned to core 1) against ONE server process pinned to core 0. Dials are spread evenly over a
 * window and every call stays up until all are set up, so all pairs are in a call at the end.
 * Measures dial→onSession (callee), dial→onRinging (caller), accept→onAccept (caller), one clock.
 */
import { startCallRig } from '../lib/call-rig.js';
import { metric } from '../lib/metrics.js';
import { waitFor } from '../lib/procs.js';
import type { Scenario } from '../lib/scenario.js';
import { round, summarize } from '../lib/stats.js';

/** Sequential calls placed, untimed, before anything is measured (JIT warm-up of server and clients). */
const WARM_UP_CALLS = 2_000;

interface Sample {
  dialToSession: number;
  dialToRinging: number;
  acceptToAccept: number;
}

export const callSetup: Scenario = {
  name: 'call-setup',
  title: 'call setup, 1,000 concurrent pairs',
  needs: ['raw', 'janus'],
  async run({ quick, baselines, progress, cpuProfDir: profileRoot }) {
    const pairs = quick ? 200 : 1_000;
    const windowMs = quick ? 2_000 : 5_000;
    const { worker, close } = await startCallRig({
      scenario: 'call-setup',
      profileRoot,
      pairs,
      prefix: 'cs',
      connectTimeoutMs: 180_000,
      progress,
    });
    try {
      // A server runs for days: its call path is JIT-compiled long before any call is timed. Without
      // this the timed calls ran mostly unoptimized code (twice the CPU per call, ≈ 2× the latency;
      // docs/benchmarks.md "Call setup latency pass"). Janus (C) needs none.
      progress(`${WARM_UP_CALLS} untimed warm-up calls`);
      worker.send({ type: 'sequential', iterations: WARM_UP_CALLS });
      await waitFor<{ type: 'sequential' }>(worker, 'sequential', 120_000, 'warm-up calls');
      const iterations = quick ? 100 : 500;
      progress(`${iterations} sequential calls on one pair (unloaded, like the Janus run)`);
      worker.send({ type: 'sequential', iterations });
      const sequential = await waitFor<{ type: 'sequential'; samples: Sample[]; lost: number }>(
        worker,
        'sequential',
        120_000,
        'sequential calls',
      );
      progress(`${pairs} dials over ${windowMs} ms`);
      worker.send({ type: 'setup', windowMs });
      const { samples } = await waitFor<{ type: 'setup'; samples: Sample[] }>(worker, 'setup', 120_000, 'call setup');
      progress('hanging up');
      worker.send({ type: 'hangupAll' });
      const { lost: hangupsLost } = await waitFor<{ type: 'hungup'; lost: number }>(worker, 'hungup', 90_000, 'hang up');

      const session = summarize(samples.map((s) => s.dialToSession));
      const ringing = summarize(samples.map((s) => s.dialToRinging).filter(Number.isFinite));
      const accept = summarize(samples.map((s) => s.acceptToAccept));
      const unloaded = summarize(sequential.samples.slice(Math.floor(iterations / 10)).map((s) => s.dialToSession));
      const raw = baselines.rawOneWayP50 ?? Number.NaN;
      const janus = baselines.janusP50 ?? Number.NaN;
      const note = `after ${WARM_UP_CALLS} untimed warm-up calls, ${samples.length} of ${pairs} calls completed (${pairs - samples.length} lost an event), dials spread over ${windowMs} ms, all up at once; server core 0, clients core 1`;
      return {
        metrics: [
          metric('call_setup.dial_to_session.p50', round(session.p50), 'ms', {
            baseline: raw,
            goal: 'ratio<=10',
            note: `${note}; baseline raw ws one-way p50`,
          }),
          metric('call_setup.dial_to_session.p50_vs_janus', round(session.p50), 'ms', {
            baseline: janus,
            goal: 'ratio<=0.2',
            note: 'baseline Janus VideoCall call→incomingcall p50',
          }),
          metric('call_setup.dial_to_session.p99', round(session.p99), 'ms', {
            baseline: baselines.janusP99 ?? Number.NaN,
            goal: 'value<=20',
            note: 'baseline Janus p99',
          }),
          metric('call_setup.unloaded.dial_to_session.p50', round(unloaded.p50), 'ms', {
            baseline: janus,
            goal: 'ratio<=0.2',
            note: `after ${WARM_UP_CALLS} untimed warm-up calls, ${unloaded.count} sequential calls (${sequential.lost} lost an event) on one idle pair (same conditions as the Janus run); baseline Janus p50`,
          }),
          metric('call_setup.unloaded.dial_to_session.p99', round(unloaded.p99), 'ms', { baseline: baselines.janusP99 ?? Number.NaN }),
          metric('call_setup.dial_to_ringing.p50', round(ringing.p50), 'ms', {
            baseline: raw,
            note: `${samples.length - ringing.count} of ${samples.length} calls never delivered onRinging to the caller (answered after 1 s instead)`,
          }),
          metric('call_setup.dial_to_ringing.p99', round(ringing.p99), 'ms'),
          metric('call_setup.accept_to_accept.p50', round(accept.p50), 'ms', { baseline: raw }),
          metric('call_setup.accept_to_accept.p99', round(accept.p99), 'ms'),
        ],
        details: {
          pairs,
          windowMs,
          callsCompleted: samples.length,
          hangupsLost,
          sequentialLost: sequential.lost,
          ringingLost: samples.length - ringing.count,
          sequentialRingingLost: sequential.samples.filter((x) => !Number.isFinite(x.dialToRinging)).length,
          dialToSessionMax: session.max,
        },
      };
    } finally {
      await close();
    }
  },
};
