/**
 * Times the call read queries (services/insights) on a seeded database, SQLite and Postgres:
 * `npx tsx scripts/measure-call-queries.ts [calls]` (default 100000 calls over 30 days, 2–4
 * participants each, setup timings for each callee, MOS on 70 %). Prints the median of 5 runs of each
 * query in ms. Postgres: a throw-away database on OPENCALL_TEST_POSTGRES_URL's server, dropped after.
 */
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { createKyselyStorage } from '../packages/server/src/adapters/storage/kysely-storage.js';
import { migrateToLatest } from '../packages/server/src/adapters/storage/migrations/index.js';
import { createPostgresKysely } from '../packages/server/src/adapters/storage/postgres/open-postgres-storage.js';
import { createTestDatabase } from '../packages/server/src/adapters/storage/postgres/test-database.test-support.js';
import type {
  CallParticipantsTable,
  CallRecordsTable,
  CallSetupTimingsTable,
  Database,
} from '../packages/server/src/adapters/storage/schema.js';

const CALLS = Number(process.argv[2] ?? 100_000);
const DAYS = 30;
const START = Date.UTC(2026, 9, 1);
const APP = 'measureapp';
const USERS = 2000;
const CHUNK = 500;

/** A deterministic pseudo-random sequence (the same data on both engines). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

async function seed(db: Kysely<Database>): Promise<void> {
  const next = random(42);
  let records: CallRecordsTable[] = [];
  let participants: CallParticipantsTable[] = [];
  let timings: CallSetupTimingsTable[] = [];
  const flush = async () => {
    await db.transaction().execute(async (trx) => {
      if (records.length) await trx.insertInto('call_records').values(records).execute();
      for (let i = 0; i < participants.length; i += CHUNK)
        await trx
          .insertInto('call_participants')
          .values(participants.slice(i, i + CHUNK))
          .execute();
      for (let i = 0; i < timings.length; i += CHUNK)
        await trx
          .insertInto('call_setup_timings')
          .values(timings.slice(i, i + CHUNK))
          .execute();
    });
    records = [];
    participants = [];
    timings = [];
  };
  for (let n = 0; n < CALLS; n += 1) {
    const createdAt = START + Math.floor((n / CALLS) * DAYS * 86_400_000);
    const group = next() < 0.2;
    const answered = next() < 0.75;
    const beginAt = answered ? createdAt + 1000 + Math.floor(next() * 20_000) : 0;
    const durationMs = answered ? Math.floor(next() * 1_800_000) : 0;
    const users = Array.from({ length: group ? 3 + Math.floor(next() * 2) : 2 }, () => `u${Math.floor(next() * USERS)}`);
    const callId = `call${n}`;
    records.push({
      app_key: APP,
      call_id: callId,
      conversation_type: group ? 3 : 1,
      target_id: group ? 'g1' : (users[1] ?? ''),
      channel_id: '',
      caller_id: users[0] ?? '',
      media_type: next() < 0.5 ? 1 : 2,
      extra: '',
      created_at: createdAt,
      begin_at: beginAt,
      end_at: answered ? beginAt + durationMs : createdAt + 30_000,
      duration_ms: durationMs,
      end_reason: answered ? 3 : 12,
      quality_mos: answered && next() < 0.7 ? Math.round((2.5 + next() * 2) * 100) / 100 : null,
    });
    users.forEach((userId, position) => {
      participants.push({
        app_key: APP,
        call_id: callId,
        position,
        user_id: userId,
        device_id: `${userId}-d`,
        is_caller: position === 0 ? 1 : 0,
        joined_at: beginAt,
        left_at: beginAt + durationMs,
        end_reason: 3,
      });
      if (position > 0 && answered) {
        timings.push({
          app_key: APP,
          call_id: callId,
          user_id: `${userId}-${position}`,
          device_id: 'd',
          at: beginAt,
          invite_to_ringing_ms: 100 + Math.floor(next() * 400),
          accept_to_ice_connected_ms: 200 + Math.floor(next() * 800),
          accept_to_first_frame_ms: next() < 0.8 ? 400 + Math.floor(next() * 1500) : null,
        });
      }
    });
    if (records.length >= CHUNK) await flush();
  }
  await flush();
}

async function median(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[2] ?? 0) * 10) / 10;
}

async function measure(engine: 'sqlite' | 'postgres', db: Kysely<Database>): Promise<void> {
  await migrateToLatest(db as unknown as Kysely<unknown>);
  const seeding = performance.now();
  await seed(db);
  // Planner statistics, as a running database has them.
  await sql`analyze`.execute(db);
  console.log(`${engine}: seeded ${CALLS} calls in ${Math.round(performance.now() - seeding)} ms`);
  const queries = createKyselyStorage(db).callQueries;
  const day = 86_400_000;
  const cases: [string, () => Promise<unknown>][] = [
    ['search, no filter, page 1 (20)', () => queries.search({ appKey: APP, page: 1, size: 20 })],
    ['search, no filter, page 100 (100)', () => queries.search({ appKey: APP, page: 100, size: 100 })],
    ['search by user, page 1 (20)', () => queries.search({ appKey: APP, userId: 'u7', page: 1, size: 20 })],
    [
      'search 1 day + min duration + MOS ≥ 4',
      () =>
        queries.search({ appKey: APP, from: START + 5 * day, to: START + 6 * day, minDurationMs: 60_000, minMos: 4, page: 1, size: 20 }),
    ],
    ['one call', () => queries.get(APP, `call${Math.floor(CALLS / 2)}`)],
    ['usage, 30 days', () => queries.usagePerDay(APP, '2026-10-01', '2026-10-30')],
    ['overview, 1 day', () => queries.overview({ appKey: APP, from: START + 10 * day, to: START + 11 * day })],
    ['overview, 30 days', () => queries.overview({ appKey: APP, from: START, to: START + 30 * day })],
  ];
  for (const [name, work] of cases) console.log(`${engine}: ${name}: ${await median(work)} ms`);
}

async function main(): Promise<void> {
  const sqlite = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
  try {
    await measure('sqlite', sqlite);
  } finally {
    await sqlite.destroy();
  }
  const database = await createTestDatabase();
  const postgres = createPostgresKysely({ url: database.url, poolSize: 4 });
  try {
    await measure('postgres', postgres);
  } finally {
    await postgres.destroy();
    await database.drop();
  }
}

await main();
