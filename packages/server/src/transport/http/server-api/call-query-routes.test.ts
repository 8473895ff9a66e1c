import { RCCallEndReason, ServerApiCode } from '@opencall/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../../adapters/storage/schema.js';
import { describeEachEngine } from '../../../adapters/storage/storage-engines.test-support.js';
import type { AppRecord, Storage } from '../../../ports/index.js';
import type { CallDetail, LoadCallDetail } from '../../../ports/insights.js';
import { createTokenService } from '../../../services/auth/token-service.js';
import { seedCalls, seedRecord } from '../../../services/insights/call-seed.test-support.js';
import { registerServerApi } from './register-server-api.js';
import { signedInject } from './signed-inject.test-support.js';

const APP: AppRecord = {
  appKey: 'callqueryapp',
  appSecret: 'call-query-secret-01',
  name: '',
  createdAt: 0,
  audioCallEnabled: true,
  videoCallEnabled: true,
};
const MIN = 60_000;
/** 2026-11-02 00:00 UTC. */
const D = Date.UTC(2026, 10, 2);

describeEachEngine('server API: /call/*.json', (engine) => {
  let storage: Storage;
  let db: Kysely<Database>;
  let app: FastifyInstance;

  async function build(callDetail?: LoadCallDetail): Promise<void> {
    await app?.close();
    app = Fastify({ bodyLimit: 100 * 1024 });
    await registerServerApi(app, {
      storage,
      tokens: createTokenService(storage),
      logger: pino({ level: 'silent' }),
      onTokensRevoked: () => {},
      onUsersBanned: () => {},
      ...(callDetail ? { callDetail } : {}),
    });
  }

  beforeEach(async () => {
    ({ storage, db } = await engine.open());
    await storage.apps.upsert(APP);
    await seedCalls(storage, db, [
      { appKey: APP.appKey, callId: 'c1', callerId: 'alice', createdAt: D + MIN, beginAt: D + MIN, durationMs: 2 * MIN, mos: 4.1 },
      {
        appKey: APP.appKey,
        callId: 'c2',
        callerId: 'bob',
        callees: ['alice'],
        createdAt: D + 2 * MIN,
        endReason: RCCallEndReason.REMOTE_NO_RESPONSE,
      },
      {
        appKey: APP.appKey,
        callId: 'c3',
        callerId: 'carol',
        callees: ['dave'],
        createdAt: D + 3 * MIN,
        beginAt: D + 3 * MIN,
        durationMs: 30_000,
        video: true,
      },
      { appKey: 'someoneelse', callId: 'foreign', callerId: 'alice', createdAt: D + 4 * MIN },
    ]);
    await build();
  });

  afterEach(async () => {
    await app.close();
  });

  const post = (url: string, payload: string) => signedInject(app, APP, url, payload);

  describe('/call/query.json', () => {
    it('answers the app’s calls newest first with total, participants and MOS', async () => {
      const reply = await post('/call/query.json', '');
      expect(reply.statusCode).toBe(200);
      const body = reply.json();
      expect(body).toMatchObject({ code: 200, total: 3 });
      expect(body.calls.map((c: { callId: string }) => c.callId)).toEqual(['c3', 'c2', 'c1']);
      expect(body.calls[2]).toMatchObject({
        callId: 'c1',
        callerId: 'alice',
        durationMs: 2 * MIN,
        qualityMos: 4.1,
        endReason: RCCallEndReason.HANGUP,
      });
      expect(body.calls[2].participants.map((p: { userId: string }) => p.userId)).toEqual(['alice', 'bob']);
      expect(body.calls[2].appKey).toBeUndefined();
    });

    it('filters by user, time range, end reason and duration, and pages (form and JSON bodies)', async () => {
      const ids = async (payload: string) =>
        (await post('/call/query.json', payload)).json().calls.map((c: { callId: string }) => c.callId);
      expect(await ids('userId=alice')).toEqual(['c2', 'c1']);
      expect(await ids(`startTime=${D + 2 * MIN}&endTime=${D + 3 * MIN}`)).toEqual(['c2']);
      expect(await ids(`endReason=${RCCallEndReason.REMOTE_NO_RESPONSE}`)).toEqual(['c2']);
      expect(await ids('minDuration=60000')).toEqual(['c1']);
      expect(await ids('minDuration=1&maxDuration=59999')).toEqual(['c3']);
      expect(await ids('minMos=4')).toEqual(['c1']);
      expect(await ids(JSON.stringify({ page: 2, pageSize: 2 }))).toEqual(['c1']);
      const second = (await post('/call/query.json', 'page=2&pageSize=2')).json();
      expect(second).toMatchObject({ code: 200, total: 3 });
    });

    it.each([
      ['pageSize=101', 'pageSize'],
      ['pageSize=0', 'pageSize'],
      ['page=0', 'page'],
      ['endReason=99', 'endReason'],
      ['startTime=yesterday', 'startTime'],
      ['minMos=9', 'minMos'],
      ['userId=a%20b', 'userId'],
      [`startTime=${D}&endTime=${D}`, 'endTime'],
      ['minDuration=10&maxDuration=5', 'maxDuration'],
    ])('%s → 1002 naming %s', async (payload, field) => {
      const reply = await post('/call/query.json', payload);
      expect(reply.statusCode).toBe(400);
      expect(reply.json().code).toBe(ServerApiCode.PARAM_ERROR);
      expect(reply.json().errorMessage).toContain(field);
    });

    it('refuses a bad signature with 1004 and answers nothing', async () => {
      const reply = await signedInject(app, { appKey: APP.appKey, appSecret: 'not-the-secret' }, '/call/query.json', '');
      expect(reply.statusCode).toBe(401);
      expect(reply.json()).toMatchObject({ code: ServerApiCode.SIGNATURE_FAILED });
      expect(reply.json().calls).toBeUndefined();
    });
  });

  describe('/call/info.json', () => {
    it('answers one stored call with participants, reasons, durations and MOS', async () => {
      const reply = await post('/call/info.json', 'callId=c1');
      expect(reply.statusCode).toBe(200);
      const { call } = reply.json();
      expect(call).toMatchObject({ callId: 'c1', beginAt: D + MIN, endAt: D + 3 * MIN, durationMs: 2 * MIN, qualityMos: 4.1 });
      expect(call.participants).toEqual(
        seedRecord({ callId: 'c1', createdAt: D + MIN, beginAt: D + MIN, durationMs: 2 * MIN }).participants,
      );
    });

    it('answers 40004 (HTTP 200) for an unknown call or another app’s call, 1002 without callId', async () => {
      for (const callId of ['missing', 'foreign']) {
        const reply = await post('/call/info.json', `callId=${callId}`);
        expect(reply.statusCode).toBe(200);
        expect(reply.json()).toMatchObject({ code: ServerApiCode.CALL_NOT_FOUND });
      }
      const bad = await post('/call/info.json', 'callId=');
      expect(bad.json().code).toBe(ServerApiCode.PARAM_ERROR);
      expect((await post('/call/info.json', '')).json().code).toBe(ServerApiCode.NO_POST_DATA);
    });

    it('answers the telemetry’s per-participant setup and MOS when a call detail is wired', async () => {
      const stored = await storage.callQueries.get(APP.appKey, 'c1');
      if (!stored) throw new Error('seeded call missing');
      const { participants, ...record } = stored;
      const detail: CallDetail = {
        call: { ...record, live: false, mediaPath: 'p2p', relayed: false, qualityMos: 4.1 },
        participants: participants.map((p) => ({ ...p, setup: { acceptToFirstFrameMs: 420 }, mos: 4.1, candidateTypes: ['host'] })),
        events: [],
        samples: [],
      };
      await build(async (appKey, callId) => (appKey === APP.appKey && callId === 'c1' ? detail : undefined));
      const { call } = (await post('/call/info.json', 'callId=c1')).json();
      expect(call).toMatchObject({ callId: 'c1', mediaPath: 'p2p', live: false, qualityMos: 4.1 });
      expect(call.participants[0]).toMatchObject({ userId: 'alice', setup: { acceptToFirstFrameMs: 420 }, mos: 4.1 });
      expect((await post('/call/info.json', 'callId=c2')).json()).toMatchObject({ code: 200, call: { callId: 'c2' } });
      expect((await post('/call/info.json', 'callId=missing')).json().code).toBe(ServerApiCode.CALL_NOT_FOUND);
    });
  });

  describe('/call/usage.json', () => {
    it('answers each UTC day of the range', async () => {
      const reply = await post('/call/usage.json', 'startDate=2026-11-02&endDate=2026-11-03');
      expect(reply.json()).toEqual({
        code: 200,
        days: [
          { day: '2026-11-02', calls: 3, minutes: { audio1v1: 2, video1v1: 0.5, audioGroup: 0, videoGroup: 0 }, peakConcurrentCalls: 1 },
          { day: '2026-11-03', calls: 0, minutes: { audio1v1: 0, video1v1: 0, audioGroup: 0, videoGroup: 0 }, peakConcurrentCalls: 0 },
        ],
      });
    });

    it.each([
      ['startDate=2026-11-02', 'endDate'],
      ['startDate=2026-02-30&endDate=2026-03-01', '2026-02-30'],
      ['startDate=2026-11-03&endDate=2026-11-02', 'before'],
      ['startDate=2024-01-01&endDate=2026-11-02', '366'],
    ])('%s → 1002 (%s)', async (payload, detail) => {
      const reply = await post('/call/usage.json', payload);
      expect(reply.statusCode).toBe(400);
      expect(reply.json().code).toBe(ServerApiCode.PARAM_ERROR);
      expect(reply.json().errorMessage).toContain(detail);
    });
  });
});
