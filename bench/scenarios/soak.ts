/**
 * Soak (issue 5): call lifecycles from headless clients with random accepts, rejects, cancels, ring
 * timeouts and reconnects against one server — the same driver as `npm run soak`, bounded here.
 * Counts stuck sessions, lost or duplicated callbacks, missing records, server RSS growth and the
 * post-GC growth of the server's object heap (its debug heap route on).
 */
import { RCCallErrorCode } from '@opencall/protocol';
import { startServerProcess } from '../../tests/helpers/server-process.js';
import { DEBUG_HEAP_ENV } from '../../tests/soak/server-heap.js';
import { HEAP_GROWTH_TOLERANCE_BYTES, heapGrowth, runSoak } from '../../tests/soak/soak-driver.js';
import { metric } from '../lib/metrics.js';
import type { Scenario } from '../lib/scenario.js';

const RING_TIMEOUT_MS = 1000;

export const soak: Scenario = {
  name: 'soak',
  title: 'soak: call lifecycles with faults',
  async run({ quick, progress }) {
    const lifecycles = quick ? 500 : 3_000;
    const pairs = 30;
    const server = await startServerProcess({
      env: {
        OPENCALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
        OPENCALL_API_RATE_PER_SEC: '1000000',
        OPENCALL_CALLS_PER_MINUTE: '1000000',
        ...DEBUG_HEAP_ENV,
      },
    });
    try {
      const report = await runSoak({ server, lifecycles, pairs, ringTimeoutMs: RING_TIMEOUT_MS, log: progress });
      const growthMb = (report.rssKb.end - report.rssKb.afterWarmUp) / 1024;
      const heap = heapGrowth(report);
      const toMb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 100) / 100;
      const probesFailed = report.probeCodes.filter((c) => c !== RCCallErrorCode.SUCCESS).length;
      return {
        metrics: [
          metric('soak.stuck_sessions', report.stuck.length, 'sessions', {
            goal: 'value<=0',
            note: `${report.placed} lifecycles, ${pairs} pairs`,
          }),
          metric('soak.lost_or_duplicated', report.duplicates.length + report.failures.length, 'events', { goal: 'value<=0' }),
          metric('soak.records_missing', report.placed - report.storedRecords + probesFailed, 'calls', { goal: 'value<=0' }),
          metric('soak.rss_growth', Math.round(growthMb * 10) / 10, 'MB', { note: 'server RSS at the end minus after warm-up' }),
          metric('soak.heap_growth', heap ? toMb(heap.objectBytes) : Number.NaN, 'MB', {
            goal: `value<=${toMb(HEAP_GROWTH_TOLERANCE_BYTES)}`,
            note: heap
              ? `server heap after GC less compiled code, at the end minus after warm-up (${report.warmUp} lifecycles); whole heap ${heap.bytes >= 0 ? '+' : ''}${toMb(heap.bytes)} MB`
              : 'server heap not read',
          }),
          metric('soak.lifecycles_per_s', Math.round(report.lifecyclesPerSecond), 'calls/s'),
        ],
        details: {
          seed: report.seed,
          byScenario: report.byScenario,
          warmUp: report.warmUp,
          heap: report.heap,
          stuck: report.stuck.slice(0, 10),
          failures: report.failures.slice(0, 10),
        },
      };
    } finally {
      await server.stop();
    }
  },
};
