/**
 * Telemetry ingest and call detail over the real call service (SQLite in memory, fake devices): who may
 * report on a call, what is stored (dated, scored, capped), the record's MOS after a late batch, and the
 * timeline the call service writes.
 */
import { CallTelemetryRequest, ClientFrame, ConversationType, RCCallErrorCode, RCCallMediaType } from '@opencall/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_KEY, type CallServiceHarness, createCallServiceHarness, type FakeDevice } from '../call/call-service.test-support.js';
import { createLoadCallDetail } from './call-detail.js';
import { TelemetryIngest } from './telemetry-ingest.js';

let clock = 1_767_225_600_000;
let harness: CallServiceHarness;
let ingest: TelemetryIngest;

beforeEach(async () => {
  clock = 1_767_225_600_000;
  harness = await createCallServiceHarness(() => clock);
  ingest = new TelemetryIngest({
    storage: harness.storage,
    calls: harness.service.calls,
    logger: pino({ level: 'silent' }),
    now: () => clock,
    maxSamplesPerDevice: 6,
  });
});

afterEach(async () => {
  await harness.close();
});

const audioRecv = (ago: number, extra: Record<string, unknown> = {}) => ({
  ago,
  k: 'a',
  d: 'r',
  p: 'alice',
  j: 5,
  rtt: 20,
  pl: 0,
  br: 32,
  ...extra,
});

/** A batch as it comes off the wire: through the protocol schema first. */
function batch(callId: string, samples: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const { t: _t, rid: _rid, ...body } = CallTelemetryRequest.parse({ t: 'call.telemetry', rid: 1, callId, samples, ...extra });
  return body;
}

async function connectedCall(callId: string): Promise<{ alice: FakeDevice; bob: FakeDevice }> {
  const alice = harness.connect('alice');
  const bob = harness.connect('bob');
  const invite = {
    t: 'call.invite',
    callId,
    conversationType: ConversationType.PRIVATE,
    targetId: 'bob',
    mediaType: RCCallMediaType.AUDIO_VIDEO,
  };
  expect((await harness.send(alice, { ...invite, userIds: ['bob'] })).code).toBe(RCCallErrorCode.SUCCESS);
  clock += 300;
  await harness.send(bob, { t: 'call.ringing', callId });
  clock += 2000;
  expect((await harness.send(bob, { t: 'call.accept', callId })).code).toBe(RCCallErrorCode.SUCCESS);
  return { alice, bob };
}

describe('call.telemetry batch schema', () => {
  it('takes a compact batch and refuses out-of-range values, unknown kinds and oversized arrays', () => {
    expect(ClientFrame.safeParse({ t: 'call.telemetry', rid: 1, callId: 'c1', samples: [audioRecv(0)] }).success).toBe(true);
    expect(
      CallTelemetryRequest.safeParse({ t: 'call.telemetry', rid: 1, callId: 'c1', samples: [audioRecv(0, { pl: 101 })] }).success,
    ).toBe(false);
    expect(CallTelemetryRequest.safeParse({ t: 'call.telemetry', rid: 1, callId: 'c1', samples: [audioRecv(0, { k: 'x' })] }).success).toBe(
      false,
    );
    expect(
      CallTelemetryRequest.safeParse({ t: 'call.telemetry', rid: 1, callId: 'c1', samples: [audioRecv(0, { ct: 'tcp' })] }).success,
    ).toBe(false);
    const many = Array.from({ length: 401 }, () => audioRecv(0));
    expect(CallTelemetryRequest.safeParse({ t: 'call.telemetry', rid: 1, callId: 'c1', samples: many }).success).toBe(false);
  });
});

describe('TelemetryIngest', () => {
  it('stores a participant device’s samples dated on the server clock, with a MOS on audio, and its setup timings', async () => {
    const { bob } = await connectedCall('t1');
    const result = await ingest.ingest(
      bob.connection,
      batch('t1', [audioRecv(2000), { ago: 0, k: 'v', d: 'r', p: 'alice', fps: 30, w: 640, h: 480, fc: 1, fm: 120, ct: 'host' }], {
        setup: { ring: 300, ice: 180, frame: 420 },
      }),
    );
    expect(result.code).toBe(RCCallErrorCode.SUCCESS);
    const samples = await harness.storage.telemetry.samples(APP_KEY, 't1', 100);
    expect(samples).toHaveLength(2);
    expect(samples[0]).toMatchObject({
      userId: 'bob',
      deviceId: 'bob-d1',
      at: clock - 2000,
      kind: 'audio',
      direction: 'recv',
      peerUserId: 'alice',
      mos: 4.39,
    });
    expect(samples[1]).toMatchObject({
      kind: 'video',
      fps: 30,
      width: 640,
      height: 480,
      freezeCount: 1,
      freezeMs: 120,
      candidateType: 'host',
    });
    expect(samples[1]?.mos).toBeUndefined();
    expect(await harness.storage.telemetry.setups(APP_KEY, 't1')).toEqual([
      { userId: 'bob', deviceId: 'bob-d1', at: clock, inviteToRingingMs: 300, acceptToIceConnectedMs: 180, acceptToFirstFrameMs: 420 },
    ]);
  });

  it('dates samples from the batch’s sentAt (a frame held up in transit), unless sentAt is implausible', async () => {
    const { bob } = await connectedCall('t6');
    await ingest.ingest(bob.connection, batch('t6', [audioRecv(1000)], { sentAt: clock - 5000 }));
    await ingest.ingest(bob.connection, batch('t6', [audioRecv(1000)], { sentAt: clock + 3_600_000 }));
    const samples = await harness.storage.telemetry.samples(APP_KEY, 't6', 10);
    expect(samples.map((s) => s.at)).toEqual([clock - 6000, clock - 1000]);
  });

  it('refuses a user who is not in the call, another device of a participant, another app and an unknown call', async () => {
    await connectedCall('t2');
    const carol = harness.connect('carol');
    const bobOther = harness.connect('bob', 'bob-d2');
    expect((await ingest.ingest(carol.connection, batch('t2', [audioRecv(0)]))).code).toBe(RCCallErrorCode.NOT_IN_CALL);
    expect((await ingest.ingest(bobOther.connection, batch('t2', [audioRecv(0)]))).code).toBe(RCCallErrorCode.NOT_IN_CALL);
    const otherApp = { appKey: 'other-app', userId: 'bob', deviceId: 'bob-d1' };
    expect((await ingest.ingest(otherApp, batch('t2', [audioRecv(0)]))).code).toBe(RCCallErrorCode.CALL_NOT_FOUND);
    expect((await ingest.ingest(carol.connection, batch('nope', [audioRecv(0)]))).code).toBe(RCCallErrorCode.CALL_NOT_FOUND);
    expect(await harness.storage.telemetry.samples(APP_KEY, 't2', 100)).toEqual([]);
  });

  it('answers for a call that ended here lately from memory: its record need not be stored yet', async () => {
    const carol = harness.connect('carol');
    const dave = harness.connect('dave');
    const unread = async () => {
      throw new Error('storage read');
    };
    const ended = {
      get: () => undefined,
      endedCall: () => ({ endedAt: clock, participants: [{ userId: 'carol', deviceId: '' }] }),
    };
    const fromMemory = new TelemetryIngest({
      storage: { ...harness.storage, calls: { ...harness.storage.calls, get: unread } },
      calls: ended,
      logger: pino({ level: 'silent' }),
      now: () => clock,
    });
    expect((await fromMemory.ingest(carol.connection, batch('gone', [audioRecv(0)], { last: true }))).code).toBe(RCCallErrorCode.SUCCESS);
    expect((await fromMemory.ingest(dave.connection, batch('gone', [audioRecv(0)]))).code).toBe(RCCallErrorCode.NOT_IN_CALL);
    expect(await harness.storage.telemetry.samples(APP_KEY, 'gone', 10)).toHaveLength(1);
  });

  it('knows which calls it stored a MOS for; calls older than the process may have one', async () => {
    const { alice } = await connectedCall('t8');
    expect(ingest.mayHaveMos(APP_KEY, 't8', clock)).toBe(false);
    await ingest.ingest(alice.connection, batch('t8', [audioRecv(0, { p: 'bob' })]));
    expect(ingest.mayHaveMos(APP_KEY, 't8', clock)).toBe(true);
    expect(ingest.mayHaveMos(APP_KEY, 'other', clock)).toBe(false);
    expect(ingest.mayHaveMos(APP_KEY, 'other', clock - 86_400_000)).toBe(true);
  });

  it('group-commits the batches of one tick and keeps a timing a later batch lacks', async () => {
    const { alice, bob } = await connectedCall('t7');
    const timings = (extra: Record<string, unknown>) => batch('t7', [], extra);
    let transactions = 0;
    const counted = new TelemetryIngest({
      storage: {
        ...harness.storage,
        transaction: (work) => {
          transactions++;
          return harness.storage.transaction(work);
        },
      },
      calls: harness.service.calls,
      logger: pino({ level: 'silent' }),
      now: () => clock,
    });
    const results = await Promise.all([
      counted.ingest(alice.connection, batch('t7', [audioRecv(0, { p: 'bob' })], { setup: { ring: 120 } })),
      counted.ingest(bob.connection, batch('t7', [audioRecv(0)], { setup: { ring: 80, ice: 300 } })),
      counted.ingest(bob.connection, timings({ setup: { frame: 450 } })),
    ]);
    expect(results.map((r) => r.code)).toEqual([RCCallErrorCode.SUCCESS, RCCallErrorCode.SUCCESS, RCCallErrorCode.SUCCESS]);
    expect(transactions).toBe(1);
    expect(await harness.storage.telemetry.samples(APP_KEY, 't7', 10)).toHaveLength(2);
    const setups = await harness.storage.telemetry.setups(APP_KEY, 't7');
    expect(setups.map((s) => [s.userId, s.inviteToRingingMs, s.acceptToIceConnectedMs, s.acceptToFirstFrameMs]).sort()).toEqual([
      ['alice', 120, undefined, undefined],
      ['bob', 80, 300, 450],
    ]);
  });

  it('caps samples per call and device, and counts what it dropped', async () => {
    const { bob } = await connectedCall('t3');
    for (let i = 0; i < 3; i++) await ingest.ingest(bob.connection, batch('t3', [audioRecv(0), audioRecv(0), audioRecv(0)]));
    expect(await harness.storage.telemetry.samples(APP_KEY, 't3', 100)).toHaveLength(6);
    expect(ingest.dropped.overCap).toBe(3);
  });

  it('takes a batch that arrives after hang-up and updates the stored record’s MOS', async () => {
    const { alice, bob } = await connectedCall('t4');
    await ingest.ingest(alice.connection, batch('t4', [audioRecv(0, { p: 'bob' })]));
    clock += 10_000;
    await harness.send(alice, { t: 'call.hangup', callId: 't4' });
    await harness.service.timeline.flushed();
    // Bob's last batch, after the record was written: 300 ms RTT, 40 ms jitter, 5 % loss → 3.21.
    clock += 500;
    const late = await ingest.ingest(bob.connection, batch('t4', [audioRecv(0, { rtt: 300, j: 40, pl: 5 })], { last: true }));
    expect(late.code).toBe(RCCallErrorCode.SUCCESS);
    const detail = await createLoadCallDetail({ storage: harness.storage })(APP_KEY, 't4');
    expect(detail?.call.live).toBe(false);
    expect(detail?.participants.map((p) => [p.userId, p.mos])).toEqual([
      ['alice', 4.39],
      ['bob', 3.21],
    ]);
    expect(detail?.call.qualityMos).toBe(3.8);
    expect(detail?.events.map((e) => e.kind)).toEqual(['invite', 'ringing', 'accept', 'leave', 'end']);
    expect(detail?.events.at(-1)?.detail).toMatchObject({ reasons: { alice: expect.any(Number), bob: expect.any(Number) } });
    const stored = await harness.storage.calls.get(APP_KEY, 't4');
    expect(stored?.callId).toBe('t4');
    // The record's summary column follows the late batch.
    const search = await harness.storage.telemetry.meanMosByUser(APP_KEY, 't4');
    expect(search.get('bob')).toBeCloseTo(3.21, 2);
    // Too late: five minutes after the end.
    clock += 300_001;
    expect((await ingest.ingest(bob.connection, batch('t4', [audioRecv(0)]))).code).toBe(RCCallErrorCode.CALL_NOT_FOUND);
  });

  it('a call in flight: LoadCallDetail answers from the live call with live = true', async () => {
    const { bob } = await connectedCall('t5');
    await ingest.ingest(bob.connection, batch('t5', [audioRecv(0)]));
    await harness.service.timeline.flushed();
    const detail = await createLoadCallDetail({ storage: harness.storage, calls: harness.service.calls })(APP_KEY, 't5');
    expect(detail?.call).toMatchObject({ live: true, endAt: 0, callerId: 'alice' });
    expect(detail?.samples).toHaveLength(1);
    expect(detail?.events.map((e) => e.kind)).toEqual(['invite', 'ringing', 'accept']);
    expect(await createLoadCallDetail({ storage: harness.storage })('other-app', 't5')).toBeUndefined();
  });
});
