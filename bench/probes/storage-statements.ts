/**
 * Storage statements per call lifecycle, counted exactly (no timing, so a busy machine does not blur
 * it): the call service wired as app.ts wires it, on SQLite in memory behind a Kysely that counts
 * every statement, `pairs` 1:1 calls at once, each invite → ringing → accept → rtc.join ×2 → hang-up.
 * The first round warms the read cache; the next rounds are counted.
 *
 *   npx tsx bench/probes/storage-statements.ts [pairs=50] [rounds=4]
 */
import { ClientFrame, type ClientRequest, ConversationType, RCCallErrorCode, RCCallMediaType } from '@opencall/protocol';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { pino } from 'pino';
import { createKyselyStorage } from '../../packages/server/src/adapters/storage/kysely-storage.js';
import { migrateToLatest } from '../../packages/server/src/adapters/storage/migrations/index.js';
import type { Database } from '../../packages/server/src/adapters/storage/schema.js';
import { withStatementCache } from '../../packages/server/src/adapters/storage/sqlite/statement-cache.js';
import type { Storage } from '../../packages/server/src/ports/index.js';
import { CallDirectory } from '../../packages/server/src/services/call/call-directory.js';
import { CallService } from '../../packages/server/src/services/call/call-service.js';
import { ConnectionRegistry } from '../../packages/server/src/services/im/connection-registry.js';
import type { ImConnection } from '../../packages/server/src/services/im/im-connection.js';
import { MediaRoomService } from '../../packages/server/src/services/room/media-room-service.js';
import { dispatchRequest } from '../../packages/server/src/transport/ws/request-dispatch.js';

const APP_KEY = 'probe';
const pairs = Number(process.argv[2] ?? 50);
const rounds = Number(process.argv[3] ?? 4);

const counts = { statements: 0, transactions: 0, reads: 0 };
const db = new Kysely<Database>({
  dialect: new SqliteDialect({ database: withStatementCache(new SQLite(':memory:')) }),
  log: (event) => {
    const sql = event.query.sql.trimStart().toLowerCase();
    counts.statements++;
    if (sql.startsWith('begin')) counts.transactions++;
    if (sql.startsWith('select')) counts.reads++;
    if (process.env.PROBE_SQL) console.log(sql.slice(0, 140)); // PROBE_SQL=1: print each statement
  },
});
await migrateToLatest(db as unknown as Kysely<unknown>);
let storage: Storage = createKyselyStorage(db);
// The read cache exists from issue 16 on; the probe also runs on older trees (then: no cache).
const readCache = await import('../../packages/server/src/adapters/storage/read-cache.js').catch(() => undefined);
if (readCache) storage = readCache.withReadCache(storage).storage;

const logger = pino({ level: 'silent' });
const registry = new ConnectionRegistry(logger, 30_000);
const calls = new CallDirectory(Date.now);
const mediaRooms = new MediaRoomService(calls, registry);
const service = new CallService({ storage, registry, logger, ringTimeoutMs: 30_000, calls, mediaRooms });

function device(userId: string): ImConnection {
  const sink = { id: `sink-${userId}`, sendText: () => undefined, close: () => undefined };
  return registry.attach({ appKey: APP_KEY, userId, deviceId: `${userId}-d`, tokenIssuedAt: 0 }, sink, undefined, () => undefined).stream;
}

async function send(from: ImConnection, frame: Record<string, unknown>): Promise<void> {
  const request = ClientFrame.parse({ rid: 1, ...frame }) as ClientRequest;
  const result = await dispatchRequest({ calls: service, mediaRooms }, from, request);
  if (result.code !== RCCallErrorCode.SUCCESS) throw new Error(`${String(frame.t)} failed: ${result.code} ${result.message ?? ''}`);
}

async function lifecycle(caller: ImConnection, callee: ImConnection, callId: string): Promise<void> {
  const mediaType = RCCallMediaType.AUDIO;
  await send(caller, {
    t: 'call.invite',
    callId,
    conversationType: ConversationType.PRIVATE,
    targetId: callee.userId,
    mediaType,
    userIds: [callee.userId],
  });
  await send(callee, { t: 'call.ringing', callId });
  await send(callee, { t: 'call.accept', callId });
  await Promise.all([send(caller, { t: 'rtc.join', roomId: callId }), send(callee, { t: 'rtc.join', roomId: callId })]);
  await send(caller, { t: 'call.hangup', callId });
}

const devices = Array.from({ length: pairs }, (_, i) => [device(`a${i}`), device(`b${i}`)] as const);
for (let round = 0; round < rounds; round++) {
  if (round === 1) Object.assign(counts, { statements: 0, transactions: 0, reads: 0 });
  await Promise.all(devices.map(([caller, callee], i) => lifecycle(caller, callee, `r${round}-c${i}`)));
  await new Promise((resolve) => setImmediate(resolve));
}
const lifecycles = pairs * (rounds - 1);
const per = (n: number) => Math.round((n / lifecycles) * 100) / 100;
console.log(
  JSON.stringify({
    readCache: readCache !== undefined,
    pairs,
    lifecycles,
    statementsPerLifecycle: per(counts.statements),
    readsPerLifecycle: per(counts.reads),
    transactionsPerLifecycle: per(counts.transactions),
  }),
);
await service.close();
registry.closeAll();
await db.destroy();
