/**
 * Soak driver: runs N call lifecycles between pairs of headless CallLib clients (real IMLib over
 * `ws`, fake media) against one server process, with random accepts, rejects, cancels, ring
 * timeouts and mid-call disconnect + reconnect, then verifies:
 * - no session stuck: every placed call closes exactly once on both sides within its bound;
 * - no lost or duplicated callbacks: onAccept / onHungup at most once per remote user per session;
 * - the server ended every call: one stored record per placed call, and each pair can call again;
 * - memory: server RSS, and the post-GC JS heap when the server runs with `OPENCALL_DEBUG_HEAP=1`,
 *   after warm-up vs at the end, both read with no call in flight (the pairs pause after warm-up).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { RCCallErrorCode, RCCallMediaType, type RCCallSession } from '@opencall/call';
import Database from 'better-sqlite3';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { type ServerHeap, serverHeap, serverHeapSnapshot } from './server-heap.js';

export type Scenario =
  | 'accept-caller-hangs-up'
  | 'accept-callee-hangs-up'
  | 'reject'
  | 'cancel'
  | 'ring-timeout'
  | 'reconnect-mid-call'
  | 'hangup-while-callee-offline';

const WEIGHTS: [Scenario, number][] = [
  ['accept-caller-hangs-up', 5],
  ['accept-callee-hangs-up', 5],
  ['reject', 4],
  ['cancel', 4],
  ['ring-timeout', 1],
  ['reconnect-mid-call', 2],
  ['hangup-while-callee-offline', 2],
];

export interface SoakOptions {
  server: ServerProcess;
  lifecycles: number;
  /** Pairs of clients calling in parallel. */
  pairs: number;
  /** The server's OPENCALL_RING_TIMEOUT_MS. */
  ringTimeoutMs: number;
  seed?: number;
  /** Scenarios to leave out. */
  exclude?: readonly Scenario[];
  log?: (line: string) => void;
  /** Write server heap snapshots after warm-up and at the end (needs `OPENCALL_DEBUG_HEAP=1`). */
  heapSnapshots?: boolean;
}

export interface SoakReport {
  seed: number;
  placed: number;
  byScenario: Record<string, number>;
  stuck: string[];
  duplicates: string[];
  failures: string[];
  storedRecords: number;
  probeCodes: number[];
  /** Lifecycles done when the warm-up readings were taken. */
  warmUp: number;
  rssKb: { afterWarmUp: number; end: number };
  /** The server's SQLite file and WAL. */
  databaseKb: { afterWarmUp: number; end: number };
  /** Post-GC server memory; undefined when the server's debug routes are off. */
  heap: { afterWarmUp: ServerHeap; end: ServerHeap } | undefined;
  /** Heap snapshot paths (in the server's data dir) when `heapSnapshots` was asked for. */
  snapshots: { afterWarmUp: string; end: string } | undefined;
  seconds: number;
  lifecyclesPerSecond: number;
}

/**
 * Post-GC growth of the server's object heap (the V8 heap less compiled code) from after warm-up to
 * the end that a soak tolerates. A tolerance, not a measurement: once warm, the object heap only
 * moves by what is still settling (bytecode and feedback of paths first taken late, the
 * calls-per-minute window), while anything kept per call (a 1:1 `Call` with its participants takes
 * 1.4 kB) adds over 12 MB over 9,000 lifecycles. Compiled code is left out: the JIT goes on
 * optimising for a while, which says nothing about leaks.
 */
export const HEAP_GROWTH_TOLERANCE_BYTES = 2 * 1024 * 1024;

export interface HeapGrowth {
  /** Post-GC `heapUsed` at the end minus after warm-up. */
  bytes: number;
  /** The same without compiled code: what the tolerance applies to. */
  objectBytes: number;
  /** `objectBytes` per 1,000 lifecycles run after warm-up. */
  objectBytesPer1000: number;
  withinTolerance: boolean;
}

/** Heap growth of a soak whose server ran with `OPENCALL_DEBUG_HEAP=1` (undefined otherwise). */
export function heapGrowth(report: SoakReport): HeapGrowth | undefined {
  if (!report.heap) return undefined;
  const { afterWarmUp, end } = report.heap;
  const bytes = end.heapUsed - afterWarmUp.heapUsed;
  const objectBytes = end.heapUsed - end.codeUsed - (afterWarmUp.heapUsed - afterWarmUp.codeUsed);
  const objectBytesPer1000 = (objectBytes * 1000) / Math.max(1, report.placed - report.warmUp);
  return { bytes, objectBytes, objectBytesPer1000, withinTolerance: objectBytes <= HEAP_GROWTH_TOLERANCE_BYTES };
}

/** Small seeded PRNG (mulberry32) so a run can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** VmRSS (kB) of the server process, found by its data dir in /proc/<pid>/environ. */
export function serverRssKb(server: ServerProcess): number {
  const marker = `OPENCALL_DATA_DIR=${server.dataDir}\0`;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, 'utf8').includes(marker)) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('packages/server/src/main.ts')) continue;
      const match = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) return Number(match[1]);
    } catch {
      // process gone or not ours
    }
  }
  return 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Size of the server's SQLite file and its WAL (kB): what its page cache (up to 16 MB) may hold. */
function databaseKb(server: ServerProcess): number {
  let bytes = 0;
  for (const suffix of ['', '-wal']) bytes += statSync(`${server.dataDir}/opencall.sqlite${suffix}`, { throwIfNoEntry: false })?.size ?? 0;
  return Math.round(bytes / 1024);
}

/** Lifecycles run before the first memory reading, unless that is more than half the run. */
const MIN_WARM_UP = 1000;

/** Pause before a memory reading, so the last journal writes and event acks are done. */
const QUIET_MS = 500;

interface MemoryReading {
  rssKb: number;
  dbKb: number;
  heap: ServerHeap | undefined;
  snapshot: string | undefined;
}

/** RSS, then (when the server's debug routes are on) the post-GC heap and optionally a snapshot. */
async function readMemory(server: ServerProcess, snapshot: boolean): Promise<MemoryReading> {
  const rssKb = serverRssKb(server);
  const heap = await serverHeap(server);
  return { rssKb, dbKb: databaseKb(server), heap, snapshot: heap && snapshot ? await serverHeapSnapshot(server) : undefined };
}

interface Pair {
  caller: HeadlessClient;
  callee: HeadlessClient;
  calleeToken: string;
}

function senderOf(args: unknown[]): string {
  return (args[0] as { userId?: string } | undefined)?.userId ?? '?';
}

async function sessionOf(client: HeadlessClient, callId: string, timeoutMs: number): Promise<RCCallSession> {
  await client.waitFor('onSession', (c) => c.sessionId === callId, timeoutMs);
  return client.sessions.find((s) => s.getSessionId() === callId)!;
}

/** One lifecycle on `pair`; `onPlaced` gets the call id as soon as the server accepted the invite. */
async function lifecycle(
  pair: Pair,
  scenario: Scenario,
  random: () => number,
  options: SoakOptions,
  onPlaced: (callId: string) => void,
): Promise<void> {
  const { caller, callee } = pair;
  const bound = options.ringTimeoutMs + 5000;
  const placed = await caller.client.call({ targetId: callee.userId, mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
  if (placed.code !== RCCallErrorCode.SUCCESS || !placed.session) throw new Error(`call refused with ${placed.code}`);
  const callId = placed.session.getSessionId();
  onPlaced(callId);
  const incoming = await sessionOf(callee, callId, bound);
  const jitter = () => sleep(Math.floor(random() * 30));
  switch (scenario) {
    case 'cancel':
      await jitter();
      await placed.session.hungup();
      break;
    case 'reject':
      await jitter();
      await incoming.hungup();
      break;
    case 'ring-timeout':
      break;
    case 'accept-caller-hangs-up':
    case 'accept-callee-hangs-up':
    case 'reconnect-mid-call':
    case 'hangup-while-callee-offline': {
      await incoming.accept();
      await caller.waitFor('onAccept', (c) => c.sessionId === callId, bound);
      if (scenario === 'hangup-while-callee-offline') {
        // The caller hangs up while the callee's device is gone; it must learn it on reconnect.
        await callee.im.disconnect();
        await placed.session.hungup();
        await sleep(20 + Math.floor(random() * 100));
        const again = await callee.im.connect(pair.calleeToken);
        if (again.code !== 0) throw new Error(`reconnect failed with ${again.code}`);
        break;
      }
      if (scenario === 'reconnect-mid-call') {
        await callee.im.disconnect();
        await sleep(20 + Math.floor(random() * 100));
        const again = await callee.im.connect(pair.calleeToken);
        if (again.code !== 0) throw new Error(`reconnect failed with ${again.code}`);
      }
      await jitter();
      await (scenario === 'accept-callee-hangs-up' ? incoming : placed.session).hungup();
      break;
    }
  }
  await caller.waitForClose(callId, bound);
  await callee.waitForClose(callId, bound);
}

function pick(random: () => number, exclude: readonly Scenario[]): Scenario {
  const weights = WEIGHTS.filter(([s]) => !exclude.includes(s));
  let r = random() * weights.reduce((n, [, w]) => n + w, 0);
  for (const [scenario, weight] of weights) {
    r -= weight;
    if (r < 0) return scenario;
  }
  return weights[0]![0];
}

/** Checks every callback count of `client` for `callIds`. */
function audit(client: HeadlessClient, callIds: readonly string[], stuck: string[], duplicates: string[]): void {
  const closes = new Map<string, number>();
  const perRemote = new Map<string, number>();
  for (const c of client.callbacks) {
    if (c.sessionId === undefined) continue;
    if (c.name === 'onSessionClose') closes.set(c.sessionId, (closes.get(c.sessionId) ?? 0) + 1);
    if (c.name === 'onAccept' || c.name === 'onHungup') {
      const key = `${c.name} ${c.sessionId} from ${senderOf(c.args)}`;
      perRemote.set(key, (perRemote.get(key) ?? 0) + 1);
    }
  }
  for (const callId of callIds) {
    const n = closes.get(callId) ?? 0;
    if (n === 0) stuck.push(`${client.userId}: ${callId} never closed`);
    if (n > 1) duplicates.push(`${client.userId}: ${callId} closed ${n} times`);
  }
  for (const [key, n] of perRemote) if (n > 1) duplicates.push(`${client.userId}: ${key} × ${n}`);
}

function countRecords(server: ServerProcess, callIds: ReadonlySet<string>): number {
  const db = new Database(`${server.dataDir}/opencall.sqlite`, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT call_id FROM call_records WHERE app_key = ?').all(server.appKey) as { call_id: string }[];
    return rows.filter((r) => callIds.has(r.call_id)).length;
  } finally {
    db.close();
  }
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const random = prng(seed);
  const started = Date.now();
  const { server } = options;
  const pairs: Pair[] = [];
  for (let i = 0; i < options.pairs; i += 1) {
    const [callerId, calleeId] = [`soak${seed}a${i}`, `soak${seed}b${i}`];
    const [callerToken, calleeToken] = [await server.getToken(callerId), await server.getToken(calleeId)];
    pairs.push({
      caller: await connectHeadless(server.url, server.appKey, callerId, callerToken),
      callee: await connectHeadless(server.url, server.appKey, calleeId, calleeToken),
      calleeToken,
    });
  }

  const placedIds: string[][] = pairs.map(() => []);
  const byScenario: Record<string, number> = {};
  const failures: string[] = [];
  let next = 0;
  let done = 0;
  // Long enough for the server's JIT and caches to settle (the heap grows by a few hundred kB while
  // they do), at most half the run so that there is something to compare.
  const warmUp = Math.min(
    Math.floor(options.lifecycles / 2),
    Math.max(MIN_WARM_UP, options.pairs * 2, Math.floor(options.lifecycles / 10)),
  );
  let lastProgress = Date.now();

  /** Every pair runs lifecycles until `limit` are started, then waits for the others. */
  const runUntil = (limit: number) =>
    Promise.all(
      pairs.map(async (pair, index) => {
        while (next < limit && failures.length <= 20) {
          next += 1;
          const scenario = pick(random, options.exclude ?? []);
          byScenario[scenario] = (byScenario[scenario] ?? 0) + 1;
          try {
            await lifecycle(pair, scenario, random, options, (callId) => placedIds[index]!.push(callId));
          } catch (error) {
            failures.push(`${scenario} on pair ${index}: ${(error as Error).message.slice(0, 300)}`);
            if (failures.length > 20) return;
            await sleep(options.ringTimeoutMs + 1000);
          }
          done += 1;
          if (Date.now() - lastProgress > 2000) {
            lastProgress = Date.now();
            log(
              `soak: ${done}/${options.lifecycles} lifecycles, ${failures.length} failures, ${((done * 1000) / (Date.now() - started)).toFixed(0)}/s`,
            );
          }
        }
      }),
    );

  await runUntil(warmUp);
  // Readings with nothing in flight, after the last writes and acks of the warm-up.
  const pausedAt = Date.now();
  await sleep(QUIET_MS);
  const warm = await readMemory(server, options.heapSnapshots === true);
  const doneAtWarmUp = done;
  const pausedMs = Date.now() - pausedAt;
  await runUntil(options.lifecycles);

  // Late duplicates would arrive now.
  await sleep(500);
  const stuck: string[] = [];
  const duplicates: string[] = [];
  pairs.forEach((pair, i) => {
    audit(pair.caller, placedIds[i]!, stuck, duplicates);
    audit(pair.callee, placedIds[i]!, stuck, duplicates);
  });
  const allIds = new Set(placedIds.flat());
  let storedRecords = 0;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    storedRecords = countRecords(server, allIds);
    if (storedRecords === allIds.size) break;
    await sleep(100);
  }
  // Nothing is left in flight: every pair can place a new call (not STATE_MACHINE_EXIT), then cancel it.
  const probeCodes = await Promise.all(
    pairs.map(async ({ caller, callee }) => {
      const probe = await caller.client.call({ targetId: callee.userId, mediaType: RCCallMediaType.AUDIO, listener: caller.listener() });
      if (probe.session) {
        await probe.session.hungup();
        await caller.waitForClose(probe.session.getSessionId(), options.ringTimeoutMs + 5000).catch(() => undefined);
      }
      return probe.code;
    }),
  );
  const endPausedAt = Date.now();
  await sleep(QUIET_MS);
  const end = await readMemory(server, options.heapSnapshots === true);
  const endPausedMs = Date.now() - endPausedAt;
  await Promise.all(pairs.flatMap((p) => [p.caller.disconnect(), p.callee.disconnect()]).map((p) => p.catch(() => undefined)));
  // The pauses for memory readings are not soak time.
  const seconds = (Date.now() - started - pausedMs - endPausedMs) / 1000;
  return {
    seed,
    placed: allIds.size,
    byScenario,
    stuck,
    duplicates,
    failures,
    storedRecords,
    probeCodes,
    warmUp: doneAtWarmUp,
    rssKb: { afterWarmUp: warm.rssKb, end: end.rssKb },
    databaseKb: { afterWarmUp: warm.dbKb, end: end.dbKb },
    heap: warm.heap && end.heap ? { afterWarmUp: warm.heap, end: end.heap } : undefined,
    snapshots: warm.snapshot && end.snapshot ? { afterWarmUp: warm.snapshot, end: end.snapshot } : undefined,
    seconds,
    lifecyclesPerSecond: done / seconds,
  };
}
