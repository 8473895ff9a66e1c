/**
 * Throughput: complete lifecycles (invite → ring → accept → hang-up, both sides closed) per second,
 * closed loop over `pairs` pairs, server pinned to core 0 and clients to core 1. Normalised per
 * second of server CPU time, like the raw baseline (raw frames per server CPU-second ÷ 10).
 */
import { startCallRig } from '../lib/call-rig.js';
import { scrapeFrameCounts } from '../lib/frame-counts.js';
import { metric } from '../lib/metrics.js';
import { cpuMs, waitFor } from '../lib/procs.js';
import type { Scenario } from '../lib/scenario.js';
import { round } from '../lib/stats.js';

export const throughput: Scenario = {
  name: 'throughput',
  title: 'call lifecycles per second (server on one core)',
  needs: ['raw'],
  async run({ quick, baselines, progress, cpuProfDir: profileRoot }) {
    const pairs = quick ? 50 : 200;
    const durationMs = quick ? 4_000 : 15_000;
    const { server, worker, close } = await startCallRig({
      scenario: 'throughput',
      profileRoot,
      pairs,
      prefix: 'tp',
      connectTimeoutMs: 120_000,
      progress,
    });
    try {
      progress(`closed loop for ${durationMs} ms`);
      const framesBefore = await scrapeFrameCounts(server.url);
      const cpuBefore = await cpuMs(server.pid);
      const wallBefore = performance.now();
      worker.send({ type: 'lifecycles', durationMs });
      const { completed, failed } = await waitFor<{ type: 'lifecycles'; completed: number; failed: number }>(
        worker,
        'lifecycles',
        durationMs + 60_000,
        'lifecycles',
      );
      const cpuS = ((await cpuMs(server.pid)) - cpuBefore) / 1000;
      const wallS = (performance.now() - wallBefore) / 1000;
      const framesAfter = await scrapeFrameCounts(server.url);
      const framesPerLifecycle = (framesAfter.received - framesBefore.received + framesAfter.sent - framesBefore.sent) / completed;
      const perCpuSecond = completed / cpuS;
      const baseline = (baselines.rawMessagesPerCpuSecond ?? Number.NaN) / 10;
      const utilisation = cpuS / wallS;
      return {
        metrics: [
          metric('throughput.lifecycles_per_cpu_s', Math.round(perCpuSecond), 'calls/s', {
            baseline: Math.round(baseline),
            goal: 'ratio>=0.25',
            note: `${completed} lifecycles (${failed} failed) by ${pairs} pairs; per server CPU-second; baseline raw frames/CPU-s ÷ 10`,
          }),
          metric('throughput.frames_per_lifecycle', round(framesPerLifecycle, 1), 'frames', {
            note: `WebSocket frames the server received and sent per lifecycle (its /metrics counters; ${round((framesAfter.received - framesBefore.received) / completed, 1)} in)`,
          }),
          metric('throughput.lifecycles_per_s', Math.round(completed / wallS), 'calls/s', {
            note: `wall clock; server used ${round(utilisation * 100, 1)} % of core 0`,
          }),
        ],
        details: { pairs, durationMs, completed, failed, serverCpuS: cpuS, wallS, framesBefore, framesAfter },
      };
    } finally {
      await close();
    }
  },
};
