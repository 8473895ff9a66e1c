/**
 * `getStats()` → `IRCRTCStateReport`. Pure: rates come from the difference with the previous
 * sample of the same connection (`StatsSnapshot`), so the first report has zero bitrates.
 */
import type { IRCCandidatePairStat, IRCRTCStateReport, IRCTrackStat } from '../../types.js';

/** One entry of an `RTCStatsReport`, loosely typed (browsers differ in which fields they fill). */
export type RawStat = { id: string; type: string; timestamp: number } & Record<string, unknown>;

/** Counters kept from one sample to the next, by stat id. */
export type StatsSnapshot = ReadonlyMap<
  string,
  { timestamp: number; bytesSent: number; bytesReceived: number; packetsLost: number; packetsReceived: number }
>;

/** MediaStreamTrack id → RTCLib track id, for local (sent) and remote (received) tracks. */
export interface TrackNames {
  local: ReadonlyMap<string, string>;
  remote: ReadonlyMap<string, string>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** kbps from a byte counter difference over a stats timestamp difference (ms). */
function kbps(bytesNow: number | undefined, bytesBefore: number | undefined, msNow: number, msBefore: number | undefined): number {
  if (bytesNow === undefined || bytesBefore === undefined || msBefore === undefined || msNow <= msBefore) return 0;
  return Math.max(0, Math.round(((bytesNow - bytesBefore) * 8) / (msNow - msBefore)));
}

function selectedPair(stats: ReadonlyMap<string, RawStat>): RawStat | undefined {
  for (const s of stats.values()) {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
      const pair = stats.get(s.selectedCandidatePairId);
      if (pair) return pair;
    }
  }
  for (const s of stats.values()) {
    if (s.type === 'candidate-pair' && (s.selected === true || (s.nominated === true && s.state === 'succeeded'))) return s;
  }
  return undefined;
}

function candidatePair(stats: ReadonlyMap<string, RawStat>, previous: StatsSnapshot | undefined): IRCCandidatePairStat | undefined {
  const pair = selectedPair(stats);
  if (!pair) return undefined;
  const local = stats.get(str(pair.localCandidateId) ?? '');
  const remote = stats.get(str(pair.remoteCandidateId) ?? '');
  const before = previous?.get(pair.id);
  const rtt = num(pair.currentRoundTripTime);
  return {
    IP: str(local?.address) ?? str(local?.ip) ?? '',
    port: num(local?.port) ?? 0,
    networkType: str(local?.networkType) ?? null,
    remoteIP: str(remote?.address) ?? str(remote?.ip) ?? '',
    remotePort: num(remote?.port) ?? 0,
    protocol: str(local?.protocol) ?? '',
    bitrateSend: kbps(num(pair.bytesSent), before?.bytesSent, pair.timestamp, before?.timestamp),
    bitrateRecv: kbps(num(pair.bytesReceived), before?.bytesReceived, pair.timestamp, before?.timestamp),
    rtt: rtt === undefined ? null : Math.round(rtt * 1000),
    availableOutgoingBitrate: num(pair.availableOutgoingBitrate) ?? null,
    availableIncomingBitrate: num(pair.availableIncomingBitrate) ?? 0,
    ...(str(local?.candidateType) ? { localCandidateType: str(local?.candidateType) } : {}),
  };
}

function kindOf(s: RawStat): 'audio' | 'video' | undefined {
  const kind = s.kind ?? s.mediaType;
  return kind === 'audio' || kind === 'video' ? kind : undefined;
}

function videoFields(s: RawStat, kind: 'audio' | 'video'): Partial<IRCTrackStat> {
  if (kind !== 'video') return {};
  return {
    frameWidth: num(s.frameWidth) ?? null,
    frameHeight: num(s.frameHeight) ?? null,
    frameRate: num(s.framesPerSecond) ?? null,
  };
}

function sender(
  s: RawStat,
  stats: ReadonlyMap<string, RawStat>,
  previous: StatsSnapshot | undefined,
  names: TrackNames,
): IRCTrackStat | undefined {
  const kind = kindOf(s);
  if (!kind) return undefined;
  const source = stats.get(str(s.mediaSourceId) ?? '');
  const msTrackId = str(source?.trackIdentifier);
  const remoteInbound = [...stats.values()].find((r) => r.type === 'remote-inbound-rtp' && r.localId === s.id);
  const before = previous?.get(s.id);
  const jitter = num(remoteInbound?.jitter);
  const rtt = num(remoteInbound?.roundTripTime);
  return {
    id: s.id,
    trackId: (msTrackId && names.local.get(msTrackId)) ?? msTrackId ?? s.id,
    kind,
    packetsLostRate: num(remoteInbound?.fractionLost) ?? null,
    remoteResource: false,
    audioLevel: kind === 'audio' ? (num(source?.audioLevel) ?? null) : undefined,
    ...videoFields(s, kind),
    bitrate: kbps(num(s.bytesSent), before?.bytesSent, s.timestamp, before?.timestamp),
    jitter: jitter === undefined ? null : Math.round(jitter * 1000),
    ...(rtt === undefined ? {} : { rtt: Math.round(rtt * 1000) }),
    ...(kind === 'video' && str(s.qualityLimitationReason) ? { qualityLimitationReason: str(s.qualityLimitationReason) } : {}),
  };
}

function receiver(s: RawStat, previous: StatsSnapshot | undefined, names: TrackNames): IRCTrackStat | undefined {
  const kind = kindOf(s);
  if (!kind) return undefined;
  const msTrackId = str(s.trackIdentifier);
  const before = previous?.get(s.id);
  const lost = num(s.packetsLost) ?? 0;
  const received = num(s.packetsReceived) ?? 0;
  let packetsLostRate: number | null = null;
  if (before) {
    const dLost = Math.max(0, lost - before.packetsLost);
    const dTotal = dLost + Math.max(0, received - before.packetsReceived);
    packetsLostRate = dTotal === 0 ? 0 : dLost / dTotal;
  }
  const jitter = num(s.jitter);
  return {
    id: s.id,
    trackId: (msTrackId && names.remote.get(msTrackId)) ?? msTrackId ?? s.id,
    kind,
    packetsLostRate,
    remoteResource: true,
    audioLevel: kind === 'audio' ? (num(s.audioLevel) ?? null) : undefined,
    ...videoFields(s, kind),
    bitrate: kbps(num(s.bytesReceived), before?.bytesReceived, s.timestamp, before?.timestamp),
    jitter: jitter === undefined ? null : Math.round(jitter * 1000),
    ...receivedExtras(s, kind),
  };
}

/** OpenCall's extra receiver figures (freezes, frames decoded, audio played), only those the browser gives. */
function receivedExtras(s: RawStat, kind: 'audio' | 'video'): Partial<IRCTrackStat> {
  const extras: Partial<IRCTrackStat> = {};
  if (kind === 'audio') {
    const played = num(s.totalSamplesDuration);
    if (played !== undefined) extras.audioPlayedS = played;
    return extras;
  }
  const freezes = num(s.freezeCount);
  const freezeSeconds = num(s.totalFreezesDuration);
  const decoded = num(s.framesDecoded);
  if (freezes !== undefined) extras.freezeCount = freezes;
  if (freezeSeconds !== undefined) extras.freezeDurationMs = Math.round(freezeSeconds * 1000);
  if (decoded !== undefined) extras.framesDecoded = decoded;
  return extras;
}

function snapshotOf(stats: ReadonlyMap<string, RawStat>): StatsSnapshot {
  const snapshot = new Map<
    string,
    { timestamp: number; bytesSent: number; bytesReceived: number; packetsLost: number; packetsReceived: number }
  >();
  for (const s of stats.values()) {
    if (s.type !== 'candidate-pair' && s.type !== 'outbound-rtp' && s.type !== 'inbound-rtp') continue;
    snapshot.set(s.id, {
      timestamp: s.timestamp,
      bytesSent: num(s.bytesSent) ?? 0,
      bytesReceived: num(s.bytesReceived) ?? 0,
      packetsLost: num(s.packetsLost) ?? 0,
      packetsReceived: num(s.packetsReceived) ?? 0,
    });
  }
  return snapshot;
}

/** Builds one connection's report and the snapshot to pass next time. */
export function buildStateReport(
  stats: ReadonlyMap<string, RawStat>,
  previous: StatsSnapshot | undefined,
  names: TrackNames,
  pcName: string,
  timestamp: number,
): { report: IRCRTCStateReport; snapshot: StatsSnapshot } {
  const senders: IRCTrackStat[] = [];
  const receivers: IRCTrackStat[] = [];
  for (const s of stats.values()) {
    if (s.type === 'outbound-rtp') {
      const stat = sender(s, stats, previous, names);
      if (stat) senders.push(stat);
    } else if (s.type === 'inbound-rtp') {
      const stat = receiver(s, previous, names);
      if (stat) receivers.push(stat);
    }
  }
  const report: IRCRTCStateReport = { pcName, timestamp, senders, receivers };
  const pair = candidatePair(stats, previous);
  if (pair) report.iceCandidatePair = pair;
  return { report, snapshot: snapshotOf(stats) };
}

/** An `RTCStatsReport` as a map of loosely typed entries. */
export function toRawStats(report: RTCStatsReport): Map<string, RawStat> {
  const map = new Map<string, RawStat>();
  report.forEach((value: RawStat) => {
    map.set(value.id, value);
  });
  return map;
}
