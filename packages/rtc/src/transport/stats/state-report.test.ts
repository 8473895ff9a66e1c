import { describe, expect, it } from 'vitest';
import { buildStateReport, type RawStat } from './state-report.js';

const stat = (id: string, type: string, timestamp: number, fields: Record<string, unknown>): RawStat => ({
  id,
  type,
  timestamp,
  ...fields,
});

function sample(t: number, bytes: number, received: number, lost: number): Map<string, RawStat> {
  const list = [
    stat('T', 'transport', t, { selectedCandidatePairId: 'CP' }),
    stat('CP', 'candidate-pair', t, {
      localCandidateId: 'L',
      remoteCandidateId: 'R',
      bytesSent: bytes,
      bytesReceived: bytes * 2,
      currentRoundTripTime: 0.012,
      availableOutgoingBitrate: 1_500_000,
    }),
    stat('L', 'local-candidate', t, { address: '127.0.0.1', port: 5000, protocol: 'udp', networkType: 'ethernet' }),
    stat('R', 'remote-candidate', t, { address: '127.0.0.1', port: 6000 }),
    stat('MS', 'media-source', t, { kind: 'audio', trackIdentifier: 'local-ms-track', audioLevel: 0.3 }),
    stat('OUT', 'outbound-rtp', t, { kind: 'audio', mediaSourceId: 'MS', bytesSent: bytes }),
    stat('RIN', 'remote-inbound-rtp', t, { localId: 'OUT', fractionLost: 0.02, jitter: 0.004 }),
    stat('IN', 'inbound-rtp', t, {
      kind: 'video',
      trackIdentifier: 'remote-ms-track',
      bytesReceived: bytes,
      packetsReceived: received,
      packetsLost: lost,
      jitter: 0.01,
      frameWidth: 640,
      frameHeight: 480,
      framesPerSecond: 15,
    }),
  ];
  return new Map(list.map((s) => [s.id, s]));
}

const names = {
  local: new Map([['local-ms-track', 'alice_RongCloudRTC_audio']]),
  remote: new Map([['remote-ms-track', 'bob_RongCloudRTC_video']]),
};

describe('buildStateReport', () => {
  it('maps the selected pair and tracks; rates need a previous sample', () => {
    const first = buildStateReport(sample(1000, 0, 0, 0), undefined, names, 'bob', 1);
    expect(first.report.iceCandidatePair).toMatchObject({
      IP: '127.0.0.1',
      port: 5000,
      remotePort: 6000,
      protocol: 'udp',
      rtt: 12,
      bitrateSend: 0,
    });
    expect(first.report.receivers[0]).toMatchObject({ trackId: 'bob_RongCloudRTC_video', packetsLostRate: null, remoteResource: true });

    const second = buildStateReport(sample(2000, 125_000, 90, 10), first.snapshot, names, 'bob', 2);
    expect(second.report.pcName).toBe('bob');
    expect(second.report.iceCandidatePair).toMatchObject({ bitrateSend: 1000, bitrateRecv: 2000, availableIncomingBitrate: 0 });
    expect(second.report.senders).toEqual([
      {
        id: 'OUT',
        trackId: 'alice_RongCloudRTC_audio',
        kind: 'audio',
        packetsLostRate: 0.02,
        remoteResource: false,
        audioLevel: 0.3,
        bitrate: 1000,
        jitter: 4,
      },
    ]);
    expect(second.report.receivers[0]).toMatchObject({
      bitrate: 1000,
      packetsLostRate: 0.1,
      jitter: 10,
      frameWidth: 640,
      frameHeight: 480,
      frameRate: 15,
    });
  });
});
