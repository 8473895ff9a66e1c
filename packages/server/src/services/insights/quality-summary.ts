/**
 * The `call.quality` summary of one participant (pure): MOS mean/min over their audio samples, and the
 * means of received packet loss, jitter and RTT, the mean sent and received bitrate, the freezes of
 * their received video (each track's counters are cumulative: the last value of each track counts),
 * and the candidate types their media used.
 */
import type { CandidateType, QualitySample } from '../../ports/index.js';

export interface ParticipantQuality {
  userId: string;
  samples: number;
  mosMean: number | null;
  mosMin: number | null;
  packetLossPct: number | null;
  jitterMs: number | null;
  rttMs: number | null;
  sendKbps: number | null;
  recvKbps: number | null;
  freezeCount: number;
  freezeMs: number;
  candidateTypes: CandidateType[];
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

function meanOf(values: readonly (number | undefined)[]): number | null {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? null : round2(present.reduce((a, b) => a + b, 0) / present.length);
}

export function participantQuality(userId: string, all: readonly QualitySample[]): ParticipantQuality {
  const own = all.filter((s) => s.userId === userId);
  const recv = own.filter((s) => s.direction === 'recv');
  const mos = own.flatMap((s) => (s.mos === undefined ? [] : [s.mos]));
  // Freezes: the last counters of each received video track (peer + device).
  const lastFreeze = new Map<string, { count: number; ms: number }>();
  for (const s of recv) {
    if (s.kind !== 'video' || (s.freezeCount === undefined && s.freezeMs === undefined)) continue;
    lastFreeze.set(`${s.deviceId}/${s.peerUserId}`, { count: s.freezeCount ?? 0, ms: s.freezeMs ?? 0 });
  }
  const freezes = [...lastFreeze.values()];
  const types = new Set<CandidateType>();
  for (const s of own) if (s.candidateType) types.add(s.candidateType);
  return {
    userId,
    samples: own.length,
    mosMean: meanOf(mos),
    mosMin: mos.length === 0 ? null : Math.min(...mos),
    packetLossPct: meanOf(recv.map((s) => s.packetLossPct)),
    jitterMs: meanOf(recv.map((s) => s.jitterMs)),
    rttMs: meanOf(own.map((s) => s.rttMs)),
    sendKbps: meanOf(own.filter((s) => s.direction === 'send').map((s) => s.bitrateKbps)),
    recvKbps: meanOf(recv.map((s) => s.bitrateKbps)),
    freezeCount: freezes.reduce((a, f) => a + f.count, 0),
    freezeMs: freezes.reduce((a, f) => a + f.ms, 0),
    candidateTypes: [...types].sort(),
  };
}
