/**
 * Network quality per participant from `onRTCStateReport`: each remote user's receive stats (loss,
 * jitter) and, for the local user, the send stats and the round-trip time. Pure.
 */
import type { IRCRTCStateReport } from './sdk.js';

export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

/** Thresholds close to what conferencing apps use for their bars (loss 0–1, rtt and jitter in ms). */
const FAIR = { loss: 0.02, rtt: 300, jitter: 30 };
const POOR = { loss: 0.08, rtt: 700, jitter: 80 };

export interface LinkSample {
  loss: number | null;
  rtt: number | null;
  jitter: number | null;
}

export function qualityOf(sample: LinkSample): Quality {
  const { loss, rtt, jitter } = sample;
  if (loss === null && rtt === null && jitter === null) return 'unknown';
  const over = (limit: typeof FAIR) => (loss ?? 0) >= limit.loss || (rtt ?? 0) >= limit.rtt || (jitter ?? 0) >= limit.jitter;
  if (over(POOR)) return 'poor';
  if (over(FAIR)) return 'fair';
  return 'good';
}

/**
 * The owner of a track id as RTCLib names it (`<userId>_<tag>_<kind>`), through `known` first
 * (ids seen in `onTrackReady`); user ids may contain `_`, so the fallback drops the last two parts.
 */
export function ownerOfTrack(trackId: string, known: ReadonlyMap<string, string>): string | undefined {
  const owner = known.get(trackId);
  if (owner !== undefined) return owner;
  const parts = trackId.split('_');
  return parts.length >= 3 ? parts.slice(0, -2).join('_') : undefined;
}

const worst = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** Quality of every user in the report; `selfId` gets the send side and the path's round-trip time. */
export function qualityByUser(report: IRCRTCStateReport, selfId: string, known: ReadonlyMap<string, string>): Map<string, Quality> {
  const samples = new Map<string, LinkSample>();
  const add = (userId: string, loss: number | null, jitter: number | null, rtt: number | null) => {
    const prev = samples.get(userId) ?? { loss: null, rtt: null, jitter: null };
    samples.set(userId, { loss: worst(prev.loss, loss), jitter: worst(prev.jitter, jitter), rtt: worst(prev.rtt, rtt) });
  };
  const rtt = report.iceCandidatePair?.rtt ?? null;
  for (const stat of report.receivers) {
    const owner = ownerOfTrack(stat.trackId, known);
    if (owner !== undefined && owner !== selfId) add(owner, stat.packetsLostRate, stat.jitter, null);
  }
  for (const stat of report.senders) add(selfId, stat.packetsLostRate, null, rtt);
  if (report.senders.length === 0 && rtt !== null) add(selfId, null, null, rtt);
  const result = new Map<string, Quality>();
  for (const [userId, sample] of samples) result.set(userId, qualityOf(sample));
  return result;
}

/** Audio level (0–1) per user from the report's audio stats. */
export function audioLevelsByUser(report: IRCRTCStateReport, selfId: string, known: ReadonlyMap<string, string>): Map<string, number> {
  const levels = new Map<string, number>();
  for (const stat of report.receivers) {
    if (stat.kind !== 'audio' || typeof stat.audioLevel !== 'number') continue;
    const owner = ownerOfTrack(stat.trackId, known);
    if (owner !== undefined) levels.set(owner, Math.max(levels.get(owner) ?? 0, stat.audioLevel));
  }
  for (const stat of report.senders) {
    if (stat.kind === 'audio' && typeof stat.audioLevel === 'number')
      levels.set(selfId, Math.max(levels.get(selfId) ?? 0, stat.audioLevel));
  }
  return levels;
}
