/**
 * `npm run soak`: 10,000 call lifecycles (env SOAK_LIFECYCLES, SOAK_PAIRS, SOAK_SEED, SOAK_EXCLUDE) against one
 * real server process, with progress, a report and a non-zero exit on any stuck, lost or duplicated
 * session. Prints the server's RSS after warm-up and at the end.
 */
import { RCCallErrorCode } from '@opencall/protocol';
import { startServerProcess } from '../helpers/server-process.js';
import { runSoak, type Scenario } from './soak-driver.js';

const RING_TIMEOUT_MS = 1000;
/** Total time bound: the run is aborted past it. */
const MAX_MINUTES = 30;
const lifecycles = Number(process.env.SOAK_LIFECYCLES ?? 10_000);
const pairs = Number(process.env.SOAK_PAIRS ?? 50);
/** Scenarios to leave out, comma-separated (e.g. `hangup-while-callee-offline`). */
const exclude = (process.env.SOAK_EXCLUDE ?? '').split(',').filter((s) => s !== '') as Scenario[];
const seed = process.env.SOAK_SEED === undefined ? undefined : Number(process.env.SOAK_SEED);

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
  });
  const growth = report.rssKb.end - report.rssKb.afterWarmUp;
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
    `soak: server RSS after warm-up ${(report.rssKb.afterWarmUp / 1024).toFixed(1)} MB, at the end ${(report.rssKb.end / 1024).toFixed(1)} MB (${growth >= 0 ? '+' : ''}${(growth / 1024).toFixed(1)} MB)`,
  );
  ok =
    report.stuck.length === 0 &&
    report.duplicates.length === 0 &&
    report.failures.length === 0 &&
    report.storedRecords === report.placed &&
    report.probeCodes.every((c) => c === RCCallErrorCode.SUCCESS);
} finally {
  await server.stop();
}
console.log(ok ? 'soak: PASS' : 'soak: FAIL');
process.exit(ok ? 0 : 1);
