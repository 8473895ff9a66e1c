/**
 * `npm run soak`: 10,000 call lifecycles (env SOAK_LIFECYCLES, SOAK_PAIRS, SOAK_SEED, SOAK_EXCLUDE) against one
 * real server process, with progress, a report and a non-zero exit on any stuck, lost or duplicated
 * session, or on post-GC heap growth past the tolerance below. Prints the server's RSS and post-GC
 * heap after warm-up and at the end. `SOAK_HEAP_SNAPSHOTS=<dir>` also keeps a heap snapshot of each
 * moment in `<dir>` and prints what grew between them (tests/soak/heap-diff.ts).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { RCCallErrorCode } from '@opencall/protocol';
import { startServerProcess } from '../helpers/server-process.js';
import { diffSnapshots, formatDiff } from './heap-diff.js';
import { DEBUG_HEAP_ENV, type ServerHeap } from './server-heap.js';
import { HEAP_GROWTH_TOLERANCE_BYTES, heapGrowth, runSoak, type Scenario } from './soak-driver.js';

const RING_TIMEOUT_MS = 1000;
/** Total time bound: the run is aborted past it. */
const MAX_MINUTES = 30;
const lifecycles = Number(process.env.SOAK_LIFECYCLES ?? 10_000);
const pairs = Number(process.env.SOAK_PAIRS ?? 50);
/** Scenarios to leave out, comma-separated (e.g. `hangup-while-callee-offline`). */
const exclude = (process.env.SOAK_EXCLUDE ?? '').split(',').filter((s) => s !== '') as Scenario[];
const seed = process.env.SOAK_SEED === undefined ? undefined : Number(process.env.SOAK_SEED);
const snapshotDir = process.env.SOAK_HEAP_SNAPSHOTS ? resolve(process.env.SOAK_HEAP_SNAPSHOTS) : undefined;

const watchdog = setTimeout(() => {
  console.error(`soak: over ${MAX_MINUTES} minutes, aborting`);
  process.exit(2);
}, MAX_MINUTES * 60_000);
watchdog.unref();

const server = await startServerProcess({
  env: {
    OPENCALL_SFU: 'off',
    OPENCALL_RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
    OPENCALL_API_RATE_PER_SEC: '1000000',
    OPENCALL_CALLS_PER_MINUTE: '1000000',
    ...DEBUG_HEAP_ENV,
  },
});
let ok = false;
try {
  console.log(`soak: ${lifecycles} lifecycles over ${pairs} pairs against ${server.url}`);
  const report = await runSoak({
    server,
    lifecycles,
    pairs,
    ringTimeoutMs: RING_TIMEOUT_MS,
    exclude,
    ...(seed === undefined ? {} : { seed }),
    log: console.log,
    heapSnapshots: snapshotDir !== undefined,
  });
  const growth = report.rssKb.end - report.rssKb.afterWarmUp;
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  console.log(
    `soak: seed ${report.seed}, ${report.placed} calls placed in ${report.seconds.toFixed(1)} s (${report.lifecyclesPerSecond.toFixed(1)}/s)`,
  );
  console.log(`soak: scenarios ${JSON.stringify(report.byScenario)}`);
  console.log(
    `soak: stored records ${report.storedRecords}/${report.placed}; probe calls ${report.probeCodes.filter((c) => c === RCCallErrorCode.SUCCESS).length}/${pairs} placed`,
  );
  console.log(`soak: stuck ${report.stuck.length}, duplicated ${report.duplicates.length}, failures ${report.failures.length}`);
  for (const line of [...report.stuck, ...report.duplicates, ...report.failures].slice(0, 20)) console.log(`  ${line}`);
  console.log(
    `soak: server RSS after warm-up ${mb(report.rssKb.afterWarmUp * 1024)} MB, at the end ${mb(report.rssKb.end * 1024)} MB (${growth >= 0 ? '+' : ''}${mb(growth * 1024)} MB); database ${mb(report.databaseKb.afterWarmUp * 1024)} → ${mb(report.databaseKb.end * 1024)} MB${snapshotDir ? ' (RSS at the end includes what writing the first heap snapshot took)' : ''}`,
  );
  const heap = report.heap;
  const growthOfHeap = heapGrowth(report);
  const signed = (kb: number) => `${kb >= 0 ? '+' : ''}${kb.toFixed(0)} kB`;
  if (heap && growthOfHeap) {
    const objects = (h: ServerHeap) => mb(h.heapUsed - h.codeUsed);
    console.log(
      `soak: server heap after GC: after warm-up (${report.warmUp} lifecycles) ${mb(heap.afterWarmUp.heapUsed)} MB, at the end ${mb(heap.end.heapUsed)} MB (${signed(growthOfHeap.bytes / 1024)})`,
    );
    console.log(
      `soak: of which objects (less compiled code): ${objects(heap.afterWarmUp)} → ${objects(heap.end)} MB (${signed(growthOfHeap.objectBytes / 1024)}, ${signed(growthOfHeap.objectBytesPer1000 / 1024)} per 1,000 lifecycles; tolerance ${mb(HEAP_GROWTH_TOLERANCE_BYTES)} MB)`,
    );
    console.log(
      `soak: server RSS after GC ${mb(heap.afterWarmUp.rss)} → ${mb(heap.end.rss)} MB (V8 heap reserved ${mb(heap.afterWarmUp.heapTotal)} → ${mb(heap.end.heapTotal)} MB, external ${mb(heap.afterWarmUp.external)} → ${mb(heap.end.external)} MB)`,
    );
    if (!growthOfHeap.withinTolerance) {
      console.log('soak: the server object heap grew past the tolerance: a leak (SOAK_HEAP_SNAPSHOTS=<dir> shows what grew)');
    }
  } else {
    console.log('soak: server heap not read (OPENCALL_DEBUG_HEAP routes off)');
  }
  if (snapshotDir && report.snapshots) {
    mkdirSync(snapshotDir, { recursive: true });
    const [before, after] = [report.snapshots.afterWarmUp, report.snapshots.end].map((path, i) => {
      const kept = join(snapshotDir, `${i === 0 ? 'after-warm-up' : 'end'}-${basename(path)}`);
      copyFileSync(path, kept);
      return kept;
    }) as [string, string];
    console.log(`soak: heap snapshots ${before} and ${after}; what grew (self size):`);
    for (const line of formatDiff(diffSnapshots(before, after))) console.log(`  ${line}`);
  }
  ok =
    report.stuck.length === 0 &&
    report.duplicates.length === 0 &&
    report.failures.length === 0 &&
    report.storedRecords === report.placed &&
    report.probeCodes.every((c) => c === RCCallErrorCode.SUCCESS) &&
    growthOfHeap?.withinTolerance === true;
} finally {
  if (!ok) console.log(`soak: server log tail:\n${server.logs().split('\n').slice(-30).join('\n')}`);
  await server.stop();
}
console.log(ok ? 'soak: PASS' : 'soak: FAIL');
process.exit(ok ? 0 : 1);
