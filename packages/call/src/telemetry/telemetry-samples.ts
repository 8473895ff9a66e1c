/**
 * Per-connection state reports (the room's `onConnectionReports`, the same `getStats` sample as
 * `onRTCStateReport`) → telemetry samples, one per sent and received track (pure). The remote user is
 * the connection's: a P2P/mesh link or an SFU subscription is named after it; the SFU publisher's
 * (`publisher`) sends to the SFU, so its samples carry ''.
 */
import type { TelemetrySample } from '@opencall/protocol';
import type { CallStateReport } from '../rtc-port.js';

/** A sample with its absolute time (`ago` is filled in when its batch is sent). */
export type TimedSample = Omit<TelemetrySample, 'ago'> & { at: number };

type TrackStat = CallStateReport['senders'][number];

const CANDIDATE_TYPES = ['host', 'srflx', 'prflx', 'relay'] as const;
const LIMITATIONS = ['none', 'cpu', 'bandwidth', 'other'] as const;
const USER_ID = /^[A-Za-z0-9_\-.@=+]{1,64}$/;

const oneOf = <T extends string>(values: readonly T[], value: unknown): T | undefined =>
  values.includes(value as T) ? (value as T) : undefined;

/** A finite number in [0, max], rounded to `decimals`; undefined otherwise. */
function bounded(value: number | null | undefined, max: number, decimals = 0): number | undefined {
  if (value === null || value === undefined || !Number.isFinite(value) || value < 0) return undefined;
  const f = 10 ** decimals;
  return Math.round(Math.min(value, max) * f) / f;
}

function sampleOf(
  stat: TrackStat,
  direction: 's' | 'r',
  peer: string,
  rtt: number | undefined,
  at: number,
  candidate: TimedSample['ct'],
): TimedSample {
  const sample: TimedSample = { at, k: stat.kind === 'audio' ? 'a' : 'v', d: direction, p: peer };
  const set = <K extends keyof TimedSample>(key: K, value: TimedSample[K] | undefined) => {
    if (value !== undefined) sample[key] = value;
  };
  set('br', bounded(stat.bitrate, 1_000_000));
  set('pl', bounded(stat.packetsLostRate === null ? undefined : stat.packetsLostRate * 100, 100, 2));
  set('j', bounded(stat.jitter, 60_000));
  set('rtt', bounded(stat.rtt ?? rtt, 60_000));
  if (stat.kind === 'video') {
    set('fps', bounded(stat.frameRate, 1000, 1));
    set('w', bounded(stat.frameWidth, 16_384));
    set('h', bounded(stat.frameHeight, 16_384));
    set('fc', bounded(stat.freezeCount, 1_000_000));
    set('fm', bounded(stat.freezeDurationMs, 86_400_000));
    set('ql', oneOf(LIMITATIONS, stat.qualityLimitationReason));
  }
  set('ct', candidate);
  return sample;
}

/** The samples of one round of reports, dated `at`. */
export function samplesFromReports(reports: readonly CallStateReport[], at: number): TimedSample[] {
  const samples: TimedSample[] = [];
  for (const report of reports) {
    const name = report.pcName ?? '';
    const peer = name !== 'publisher' && USER_ID.test(name) ? name : '';
    const pair = report.iceCandidatePair;
    const rtt = bounded(pair?.rtt, 60_000);
    const candidate = oneOf(CANDIDATE_TYPES, pair?.localCandidateType);
    for (const stat of report.senders) samples.push(sampleOf(stat, 's', peer, rtt, at, candidate));
    for (const stat of report.receivers) samples.push(sampleOf(stat, 'r', peer, rtt, at, candidate));
  }
  return samples;
}

/**
 * When the first remote media was played, estimated from these reports: a received video track's
 * decoded frames over its frame rate, or a received audio track's played seconds, counted back from
 * `at`. Undefined while nothing has been decoded. `video`: look at video tracks (else audio).
 */
export function firstMediaAt(reports: readonly CallStateReport[], at: number, video: boolean): number | undefined {
  let earliest: number | undefined;
  for (const report of reports) {
    for (const stat of report.receivers) {
      let playedMs: number | undefined;
      if (video && stat.kind === 'video' && (stat.framesDecoded ?? 0) > 0) {
        playedMs = ((stat.framesDecoded ?? 0) / Math.max(1, stat.frameRate ?? 30)) * 1000;
      } else if (!video && stat.kind === 'audio' && (stat.audioPlayedS ?? 0) > 0) {
        playedMs = (stat.audioPlayedS ?? 0) * 1000;
      }
      if (playedMs !== undefined) earliest = Math.min(earliest ?? Number.POSITIVE_INFINITY, at - playedMs);
    }
  }
  return earliest;
}
