import { beforeEach, expect, it } from 'vitest';
import type { QualitySample, Storage } from '../../ports/index.js';
import { describeEachEngine } from './storage-engines.test-support.js';

/** Epoch ms past 2^31, so a 32-bit column or a BIGINT read back as text would show. */
const T = 1_767_225_600_000;

const sample = (userId: string, at: number, extra: Partial<QualitySample> = {}): QualitySample => ({
  userId,
  deviceId: `${userId}-d1`,
  at,
  kind: 'audio',
  direction: 'recv',
  peerUserId: 'x',
  ...extra,
});

describeEachEngine('storage: call telemetry', (engine) => {
  let storage: Storage;

  beforeEach(async () => {
    ({ storage } = await engine.open(() => T));
  });

  it('events come back in time order with their details; a repeated id is skipped', async () => {
    const base = { appKey: 'a', callId: 'c1', userId: 'u', deviceId: 'd' };
    await storage.telemetry.addEvents([
      { ...base, id: 'e2', at: T + 5, kind: 'end', detail: { reason: 1 } },
      { ...base, id: 'e1', at: T, kind: 'invite' },
    ]);
    await storage.telemetry.addEvents([{ ...base, id: 'e1', at: T, kind: 'invite' }]);
    expect(await storage.telemetry.events('a', 'c1')).toEqual([
      { at: T, kind: 'invite', userId: 'u', deviceId: 'd' },
      { at: T + 5, kind: 'end', userId: 'u', deviceId: 'd', detail: { reason: 1 } },
    ]);
    expect(await storage.telemetry.events('b', 'c1')).toEqual([]);
  });

  it('setup timings: a later batch without a timing keeps the stored one', async () => {
    await storage.telemetry.saveSetup('a', 'c1', { userId: 'u', deviceId: 'd', at: T, inviteToRingingMs: 300 });
    await storage.telemetry.saveSetup('a', 'c1', {
      userId: 'u',
      deviceId: 'd',
      at: T + 1,
      acceptToIceConnectedMs: 150,
      acceptToFirstFrameMs: 400,
    });
    expect(await storage.telemetry.setups('a', 'c1')).toEqual([
      { userId: 'u', deviceId: 'd', at: T, inviteToRingingMs: 300, acceptToIceConnectedMs: 150, acceptToFirstFrameMs: 400 },
    ]);
  });

  it('a batch across calls: samples of both, setups upserted in one statement keeping what a row lacks', async () => {
    await storage.telemetry.saveSetup('a', 'c1', { userId: 'u', deviceId: 'd', at: T, inviteToRingingMs: 300, acceptToFirstFrameMs: 90 });
    await storage.transaction((tx) =>
      tx.telemetry.addBatch({
        samples: [
          { appKey: 'a', callId: 'c1', sample: sample('u', T + 1) },
          { appKey: 'a', callId: 'c2', sample: sample('v', T + 2) },
        ],
        setups: [
          {
            appKey: 'a',
            callId: 'c1',
            setup: { userId: 'u', deviceId: 'd', at: T + 5, acceptToIceConnectedMs: 40, acceptToFirstFrameMs: 120 },
          },
          { appKey: 'a', callId: 'c2', setup: { userId: 'v', deviceId: 'd', at: T + 5, inviteToRingingMs: 7 } },
        ],
      }),
    );
    expect(await storage.telemetry.samples('a', 'c1', 10)).toHaveLength(1);
    expect(await storage.telemetry.samples('a', 'c2', 10)).toHaveLength(1);
    const [c1] = await storage.telemetry.setups('a', 'c1');
    expect([c1?.inviteToRingingMs, c1?.acceptToIceConnectedMs, c1?.acceptToFirstFrameMs]).toEqual([300, 40, 120]);
    const [c2] = await storage.telemetry.setups('a', 'c2');
    expect(c2?.inviteToRingingMs).toBe(7);
  });

  it('samples round-trip; per-device counts, mean MOS per user, record MOS and pruning by age', async () => {
    const video = sample('u', T + 2, {
      kind: 'video',
      direction: 'send',
      bitrateKbps: 812.5,
      fps: 29.5,
      width: 640,
      height: 480,
      limitation: 'bandwidth',
      candidateType: 'relay',
      freezeCount: 2,
      freezeMs: 300,
    });
    await storage.telemetry.addSamples('a', 'c1', [
      sample('u', T, { mos: 4 }),
      sample('u', T + 1, { mos: 3, jitterMs: 4.5, rttMs: 20, packetLossPct: 1.25 }),
      video,
      sample('v', T, { mos: 2 }),
    ]);
    const stored = await storage.telemetry.samples('a', 'c1', 10);
    expect(stored).toHaveLength(4);
    expect(stored.find((s) => s.kind === 'video')).toEqual(video);
    expect(await storage.telemetry.samples('a', 'c1', 2)).toHaveLength(2);
    expect(await storage.telemetry.sampleCounts('a', 'c1')).toEqual(
      new Map([
        ['u/u-d1', 3],
        ['v/v-d1', 1],
      ]),
    );
    expect(await storage.telemetry.meanMosByUser('a', 'c1')).toEqual(
      new Map([
        ['u', 3.5],
        ['v', 2],
      ]),
    );
    expect(await storage.telemetry.setRecordMos('a', 'c1', 2.75)).toBe(false);
    expect(await storage.telemetry.prune(T + 1)).toBe(2);
    expect(await storage.telemetry.samples('a', 'c1', 10)).toHaveLength(2);
  });
});
