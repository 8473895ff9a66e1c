import { describe, expect, it } from 'vitest';
import type { IRCCandidatePairStat, IRCRTCStateReport, IRCTrackStat } from '../../types.js';
import { mergeStateReports } from './merge-state-reports.js';

const track = (trackId: string, remoteResource: boolean): IRCTrackStat => ({
  trackId,
  kind: 'video',
  packetsLostRate: 0,
  remoteResource,
  bitrate: 100,
  jitter: null,
});

const pair = (IP: string, bitrateSend: number, bitrateRecv: number, rtt: number): IRCCandidatePairStat => ({
  IP,
  port: 1,
  networkType: null,
  remoteIP: '10.0.0.9',
  remotePort: 2,
  protocol: 'udp',
  bitrateSend,
  bitrateRecv,
  rtt,
  availableOutgoingBitrate: 1000,
  availableIncomingBitrate: 0,
});

describe('mergeStateReports', () => {
  it('no connection, no report', () => {
    expect(mergeStateReports([], 5)).toBeUndefined();
  });

  it('one report with every connection’s tracks, the busiest pair and summed bitrates', () => {
    const reports: IRCRTCStateReport[] = [
      {
        pcName: 'bob',
        timestamp: 1,
        senders: [track('s1', false)],
        receivers: [track('r1', true)],
        iceCandidatePair: pair('10.0.0.1', 10, 20, 5),
      },
      {
        pcName: 'carol',
        timestamp: 2,
        senders: [track('s2', false)],
        receivers: [track('r2', true)],
        iceCandidatePair: pair('10.0.0.2', 300, 400, 9),
      },
      { pcName: 'dave', timestamp: 3, senders: [], receivers: [track('r3', true)] },
    ];
    const merged = mergeStateReports(reports, 42);
    expect(merged).toMatchObject({ pcName: 'bob,carol,dave', timestamp: 42 });
    expect(merged?.senders.map((s) => s.trackId)).toEqual(['s1', 's2']);
    expect(merged?.receivers.map((r) => r.trackId)).toEqual(['r1', 'r2', 'r3']);
    expect(merged?.iceCandidatePair).toEqual({ ...pair('10.0.0.2', 310, 420, 9) });
  });

  it('no pair until a connection has one', () => {
    const merged = mergeStateReports([{ pcName: 'bob', timestamp: 1, senders: [], receivers: [] }], 7);
    expect(merged).toEqual({ pcName: 'bob', timestamp: 7, senders: [], receivers: [] });
  });
});
