/**
 * A `call.telemetry` batch → stored quality samples and setup timings (pure). Samples are dated on the
 * server's clock (`now − ago`), audio samples get their MOS (mos.ts), and units are named as stored.
 */
import type { CallTelemetryRequest, TelemetrySample } from '@opencall/protocol';
import type { QualitySample, SetupTimings } from '../../ports/index.js';
import { mosOf } from './mos.js';

export interface Sender {
  userId: string;
  deviceId: string;
}

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

export function sampleFrom(sender: Sender, s: TelemetrySample, now: number): QualitySample {
  const sample: QualitySample = {
    userId: sender.userId,
    deviceId: sender.deviceId,
    at: now - (s.ago ?? 0),
    kind: s.k === 'a' ? 'audio' : 'video',
    direction: s.d === 's' ? 'send' : 'recv',
    peerUserId: s.p,
  };
  if (s.br !== undefined) sample.bitrateKbps = round(s.br, 1);
  if (s.pl !== undefined) sample.packetLossPct = round(s.pl, 2);
  if (s.j !== undefined) sample.jitterMs = round(s.j, 1);
  if (s.rtt !== undefined) sample.rttMs = round(s.rtt, 1);
  if (s.fps !== undefined) sample.fps = round(s.fps, 1);
  if (s.w !== undefined) sample.width = s.w;
  if (s.h !== undefined) sample.height = s.h;
  if (s.fc !== undefined) sample.freezeCount = s.fc;
  if (s.fm !== undefined) sample.freezeMs = s.fm;
  if (s.ql !== undefined) sample.limitation = s.ql;
  if (s.ct !== undefined) sample.candidateType = s.ct;
  // MOS needs some network figure to say anything; an audio sample with none gets no score.
  if (sample.kind === 'audio' && (s.rtt !== undefined || s.j !== undefined || s.pl !== undefined)) {
    sample.mos = mosOf({ rttMs: s.rtt, jitterMs: s.j, packetLossPct: s.pl });
  }
  return sample;
}

/** How far a batch's `sentAt` may lie from the server clock and still be trusted (a frame held up by a socket blip arrives late). */
const SENT_AT_PAST_MS = 600_000;
const SENT_AT_FUTURE_MS = 5000;

/** The time samples are counted back from: the batch's `sentAt` when plausible, else now. */
export function batchTime(batch: Pick<CallTelemetryRequest, 'sentAt'>, now: number): number {
  const sentAt = batch.sentAt;
  return sentAt !== undefined && sentAt >= now - SENT_AT_PAST_MS && sentAt <= now + SENT_AT_FUTURE_MS ? Math.min(sentAt, now) : now;
}

export function samplesFrom(sender: Sender, batch: Pick<CallTelemetryRequest, 'samples' | 'sentAt'>, now: number): QualitySample[] {
  const base = batchTime(batch, now);
  return batch.samples.map((s) => sampleFrom(sender, s, base));
}

/** The batch's setup timings, undefined when it carries none. */
export function setupFrom(batch: Pick<CallTelemetryRequest, 'setup'>): SetupTimings | undefined {
  const setup = batch.setup;
  if (!setup) return undefined;
  const timings: SetupTimings = {};
  if (setup.ring !== undefined) timings.inviteToRingingMs = setup.ring;
  if (setup.ice !== undefined) timings.acceptToIceConnectedMs = setup.ice;
  if (setup.frame !== undefined) timings.acceptToFirstFrameMs = setup.frame;
  return Object.keys(timings).length === 0 ? undefined : timings;
}
