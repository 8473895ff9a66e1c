import { CallTelemetryRequest, ErrorCode, HangupTelemetry, RCCallErrorCode } from '@opencall/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallStateReport } from '../rtc-port.js';
import { CallTelemetry } from './call-telemetry.js';
import { firstMediaAt, samplesFromReports } from './telemetry-samples.js';
import type { BatchBody } from './telemetry-uplink.js';

const p2pReport: CallStateReport = {
  pcName: 'bob',
  timestamp: 0,
  iceCandidatePair: {
    IP: '',
    port: 0,
    networkType: null,
    remoteIP: '',
    remotePort: 0,
    protocol: 'udp',
    bitrateSend: 0,
    bitrateRecv: 0,
    rtt: 24,
    availableOutgoingBitrate: null,
    availableIncomingBitrate: null,
    localCandidateType: 'relay',
  },
  senders: [
    {
      trackId: 'a',
      kind: 'video',
      packetsLostRate: 0.01,
      remoteResource: false,
      bitrate: 800,
      jitter: 3,
      rtt: 30,
      frameRate: 30,
      frameWidth: 640,
      frameHeight: 480,
      qualityLimitationReason: 'cpu',
    },
  ],
  receivers: [
    { trackId: 'b', kind: 'audio', packetsLostRate: 0.02, remoteResource: true, bitrate: 32, jitter: 5, audioPlayedS: 2 },
    {
      trackId: 'c',
      kind: 'video',
      packetsLostRate: 0,
      remoteResource: true,
      bitrate: 700,
      jitter: 8,
      frameRate: 25,
      freezeCount: 1,
      freezeDurationMs: 250,
      framesDecoded: 50,
    },
  ],
};

describe('telemetry samples', () => {
  it('one compact sample per track, with the link’s remote user, RTT and candidate type; valid for the protocol', () => {
    const samples = samplesFromReports(
      [p2pReport, { ...p2pReport, pcName: 'publisher', iceCandidatePair: undefined } as CallStateReport],
      1000,
    );
    expect(samples).toHaveLength(6);
    expect(samples[0]).toEqual({
      at: 1000,
      k: 'v',
      d: 's',
      p: 'bob',
      br: 800,
      pl: 1,
      j: 3,
      rtt: 30,
      fps: 30,
      w: 640,
      h: 480,
      ql: 'cpu',
      ct: 'relay',
    });
    expect(samples[1]).toEqual({ at: 1000, k: 'a', d: 'r', p: 'bob', br: 32, pl: 2, j: 5, rtt: 24, ct: 'relay' });
    expect(samples[2]).toMatchObject({ k: 'v', d: 'r', fc: 1, fm: 250, fps: 25 });
    expect(samples[3]?.p).toBe('');
    const wire = samples.map(({ at, ...s }) => ({ ...s, ago: 2000 - at }));
    expect(CallTelemetryRequest.safeParse({ t: 'call.telemetry', rid: 1, callId: 'c1', samples: wire }).success).toBe(true);
  });

  it('first media: decoded frames over the frame rate (video) or played audio, counted back', () => {
    expect(firstMediaAt([p2pReport], 10_000, true)).toBe(8000);
    expect(firstMediaAt([p2pReport], 10_000, false)).toBe(8000);
    expect(firstMediaAt([{ ...p2pReport, receivers: [] }], 10_000, true)).toBeUndefined();
  });
});

describe('CallTelemetry', () => {
  let clock = 0;
  let sent: BatchBody[];
  let answer: number;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout'] });
    clock = 1_000_000;
    sent = [];
    answer = RCCallErrorCode.SUCCESS;
  });
  afterEach(() => vi.useRealTimers());

  const make = (options = {}) =>
    new CallTelemetry(
      'c1',
      async (body) => {
        sent.push(structuredClone(body));
        return { code: answer };
      },
      { batchIntervalMs: 10_000, sampleIntervalMs: 2000, maxBufferedSamples: 30, ...options },
      () => true,
      () => clock,
    );

  /** Reports every second for `seconds` s (the room's default `statsReportInterval`). */
  async function run(telemetry: CallTelemetry, seconds: number) {
    for (let i = 0; i < seconds; i++) {
      clock += 1000;
      telemetry.reports([p2pReport]);
      await vi.advanceTimersByTimeAsync(1000);
    }
  }

  it('samples every 2 s, batches every 10 s with ages and setup timings, and ends with a last batch', async () => {
    const telemetry = make();
    clock += 400;
    telemetry.ringing();
    telemetry.accepted();
    clock += 150;
    telemetry.iceState('connected');
    await run(telemetry, 10);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.samples).toHaveLength(5 * 3);
    expect(sent[0]?.setup).toEqual({ ring: 400, ice: 150, frame: expect.any(Number) });
    expect(sent[0]?.samples[0]?.ago).toBeGreaterThan(sent[0]?.samples.at(-1)?.ago ?? 0);
    await run(telemetry, 3);
    await telemetry.stop();
    expect(sent.at(-1)).toMatchObject({ last: true });
    expect(sent.at(-1)?.setup).toBeUndefined(); // unchanged: not sent again
    expect(sent.flatMap((b) => b.samples)).toHaveLength(5 * 3 + 2 * 3);
  });

  it('hanging up: the last batch is handed to the hang-up (valid for the protocol), and nothing more is sent', async () => {
    const telemetry = make();
    clock += 400;
    telemetry.ringing();
    telemetry.accepted();
    await run(telemetry, 13);
    expect(sent).toHaveLength(1);
    const last = telemetry.lastBatch();
    expect(last?.samples).toHaveLength(2 * 3);
    expect(last?.setup).toBeUndefined(); // sent with the first batch
    expect(HangupTelemetry.safeParse(last).success).toBe(true);
    await telemetry.stop();
    await run(telemetry, 12);
    expect(sent).toHaveLength(1);
  });

  it('a last batch too big for a hang-up is sent on its own at stop', async () => {
    const telemetry = make({ maxBufferedSamples: 1000, batchIntervalMs: 300_000 });
    telemetry.accepted();
    await run(telemetry, 2 * 40);
    expect(telemetry.lastBatch()).toBeUndefined();
    await telemetry.stop();
    expect(sent.at(-1)).toMatchObject({ last: true });
    expect(sent.flatMap((b) => b.samples)).toHaveLength(40 * 3);
  });

  it('a call that never connected here and has no sample sends nothing at its end (one frame less per unanswered call)', async () => {
    const telemetry = make();
    clock += 400;
    telemetry.ringing();
    await telemetry.stop();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sent).toEqual([]);
  });

  it('a batch the link cannot take (socket blip) goes with the next one; nothing lost', async () => {
    const telemetry = make({ maxBufferedSamples: 1000 });
    answer = ErrorCode.RC_NET_CHANNEL_INVALID;
    await run(telemetry, 10);
    answer = RCCallErrorCode.SUCCESS;
    await run(telemetry, 10);
    const delivered = sent.filter((_, i) => i > 0);
    expect(delivered.flatMap((b) => b.samples)).toHaveLength(10 * 3);
    expect(delivered[0]?.dropped).toBeUndefined();
  });

  it('beyond its cap the buffer drops the oldest samples and says how many', async () => {
    const telemetry = make({ maxBufferedSamples: 10 });
    answer = ErrorCode.RC_NET_CHANNEL_INVALID;
    await run(telemetry, 20);
    answer = RCCallErrorCode.SUCCESS;
    await run(telemetry, 10);
    const ok = sent.at(-1);
    expect(ok?.samples.length).toBeLessThanOrEqual(10);
    expect(ok?.dropped).toBeGreaterThan(0);
    await telemetry.stop();
  });
});
