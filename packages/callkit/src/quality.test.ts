import type { IRCRTCStateReport, IRCTrackStat } from '@opencall/rtc';
import { describe, expect, it } from 'vitest';
import { pickActiveSpeaker } from './active-speaker.js';
import { audioLevelsByUser, ownerOfTrack, qualityByUser, qualityOf } from './quality.js';

const stat = (trackId: string, kind: 'audio' | 'video', extra: Partial<IRCTrackStat> = {}): IRCTrackStat => ({
  trackId,
  kind,
  packetsLostRate: 0,
  remoteResource: true,
  bitrate: 100,
  jitter: 5,
  ...extra,
});

const report = (receivers: IRCTrackStat[], senders: IRCTrackStat[] = [], rtt: number | null = 40): IRCRTCStateReport => ({
  timestamp: 1,
  receivers,
  senders,
  iceCandidatePair: {
    IP: '127.0.0.1',
    port: 1,
    networkType: null,
    remoteIP: '127.0.0.1',
    remotePort: 2,
    protocol: 'udp',
    bitrateSend: 1,
    bitrateRecv: 1,
    rtt,
    availableOutgoingBitrate: null,
    availableIncomingBitrate: null,
  },
});

describe('network quality', () => {
  it('grades loss, rtt and jitter', () => {
    expect(qualityOf({ loss: 0, rtt: 50, jitter: 5 })).toBe('good');
    expect(qualityOf({ loss: 0.03, rtt: 50, jitter: 5 })).toBe('fair');
    expect(qualityOf({ loss: 0, rtt: 350, jitter: 5 })).toBe('fair');
    expect(qualityOf({ loss: 0.1, rtt: 50, jitter: 5 })).toBe('poor');
    expect(qualityOf({ loss: null, rtt: null, jitter: 120 })).toBe('poor');
    expect(qualityOf({ loss: null, rtt: null, jitter: null })).toBe('unknown');
  });

  it('finds track owners, also for user ids with underscores', () => {
    expect(ownerOfTrack('bob_RongCloudRTC_audio', new Map())).toBe('bob');
    expect(ownerOfTrack('a_b_RongCloudRTC_video', new Map())).toBe('a_b');
    expect(ownerOfTrack('x', new Map([['x', 'carol']]))).toBe('carol');
    expect(ownerOfTrack('x', new Map())).toBeUndefined();
  });

  it('grades each remote user by its worst track and self by send stats and rtt', () => {
    const byUser = qualityByUser(
      report(
        [
          stat('bob_RongCloudRTC_audio', 'audio'),
          stat('bob_RongCloudRTC_video', 'video', { packetsLostRate: 0.2 }),
          stat('carol_RongCloudRTC_video', 'video'),
        ],
        [stat('alice_RongCloudRTC_audio', 'audio', { remoteResource: false })],
        800,
      ),
      'alice',
      new Map(),
    );
    expect(Object.fromEntries(byUser)).toEqual({ bob: 'poor', carol: 'good', alice: 'poor' });
  });

  it('reads audio levels per user', () => {
    const levels = audioLevelsByUser(
      report(
        [stat('bob_t_audio', 'audio', { audioLevel: 0.4 }), stat('bob_t_video', 'video')],
        [stat('alice_t_audio', 'audio', { audioLevel: 0.1 })],
      ),
      'alice',
      new Map(),
    );
    expect(Object.fromEntries(levels)).toEqual({ bob: 0.4, alice: 0.1 });
  });
});

describe('active speaker', () => {
  const levels = (entries: Record<string, number>) => new Map(Object.entries(entries));

  it('is the loudest above the threshold, nobody in silence', () => {
    expect(pickActiveSpeaker(levels({ a: 0.3, b: 0.1 }), undefined)).toBe('a');
    expect(pickActiveSpeaker(levels({ a: 0.01, b: 0.0 }), undefined)).toBeUndefined();
  });

  it('keeps the current speaker unless another is clearly louder', () => {
    expect(pickActiveSpeaker(levels({ a: 0.3, b: 0.33 }), 'a')).toBe('a');
    expect(pickActiveSpeaker(levels({ a: 0.3, b: 0.5 }), 'a')).toBe('b');
    expect(pickActiveSpeaker(levels({ a: 0.0, b: 0.1 }), 'a')).toBe('b');
  });
});
