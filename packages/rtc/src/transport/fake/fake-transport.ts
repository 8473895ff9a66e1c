/**
 * Media transport for Node: no RTCPeerConnection, no media. It speaks the same server signaling
 * as the P2P transport (`rtc.join`, `rtc.signal`), but each "SDP" only carries the sender's
 * published track list (see fake-sdp.ts), so call logic runs end to end against a real server.
 * Every description announces the sender's full list; an offer is answered with the receiver's.
 */
import { RCRTCCode, type RtcSignal } from '@opencall/protocol';
import { FakeMediaTrack } from '../../media/fake-media.js';
import type { IRCRTCStateReport, IRCTrackStat } from '../../types.js';
import type { LocalTrackHandle, RemoteTrackInfo, TransportPublishResult } from '../media-transport.js';
import { PeerRoomTransport, type RoomPeer } from '../peer-room-transport.js';
import type { PeerSignalChannel } from '../peer-signal-channel.js';
import { decodeFakeSdp, encodeFakeSdp, type FakeTrackEntry } from './fake-sdp.js';

interface FakePeer extends RoomPeer {
  connected: boolean;
}

export class FakeTransport extends PeerRoomTransport<FakePeer> {
  async publish(tracks: LocalTrackHandle[]): Promise<TransportPublishResult> {
    for (const handle of tracks) {
      this.published.set(handle.trackId, handle);
      this.states.setLocalMuted(handle.trackId, handle.muted);
    }
    await this.#announceToAll();
    return { code: RCRTCCode.SUCCESS, failed: [] };
  }

  async unpublish(trackIds: string[]): Promise<{ code: number }> {
    for (const trackId of trackIds) {
      this.published.delete(trackId);
      this.states.forgetLocal(trackId);
    }
    await this.#announceToAll();
    return { code: RCRTCCode.SUCCESS };
  }

  async setMaxBitrate(): Promise<void> {}

  async getStateReports(): Promise<IRCRTCStateReport[]> {
    const stat = (trackId: string, kind: 'audio' | 'video', remoteResource: boolean): IRCTrackStat => ({
      trackId,
      kind,
      packetsLostRate: 0,
      remoteResource,
      bitrate: 0,
      jitter: 0,
    });
    const senders = [...this.published.values()].map((h) => stat(h.trackId, h.kind, false));
    return [...this.peers.entries()].map(([userId, peer]) => ({
      pcName: userId,
      timestamp: Date.now(),
      senders,
      receivers: [...peer.tracks.values()].map((t) => stat(t.trackId, t.kind, true)),
    }));
  }

  protected onMediaSignal(fromUserId: string, signal: Exclude<RtcSignal, { kind: 'track_state' }>): void {
    if (signal.kind !== 'description') return; // no ICE, nothing to relink
    const entries = decodeFakeSdp(signal.description.sdp);
    if (!entries) {
      this.logger.warn(`fake transport: ${fromUserId} sent a description that is not fake SDP`);
      return;
    }
    const peer = this.peers.get(fromUserId) ?? this.ensurePeer(fromUserId, false, false);
    if (!peer.connected) {
      peer.connected = true;
      this.emit('iceStateChange', 'checking', fromUserId);
      this.emit('iceStateChange', 'connected', fromUserId);
    }
    this.#applyRemoteList(fromUserId, peer, entries);
    if (signal.description.type === 'offer') this.#announce(peer, 'answer');
  }

  #applyRemoteList(userId: string, peer: FakePeer, entries: FakeTrackEntry[]): void {
    const listed = new Map(entries.map((e) => [`${userId}_${e.tag}_${e.kind}`, e]));
    for (const [trackId, info] of [...peer.tracks]) {
      if (listed.has(trackId)) continue;
      peer.tracks.delete(trackId);
      this.emit('remoteTrackUnpublished', info);
    }
    for (const [trackId, entry] of listed) {
      const known = peer.tracks.get(trackId);
      if (known) {
        if (known.muted !== entry.muted) {
          peer.tracks.set(trackId, { ...known, muted: entry.muted });
          this.emit('remoteTrackState', trackId, entry.muted);
        }
        continue;
      }
      const info: RemoteTrackInfo = {
        userId,
        tag: entry.tag,
        kind: entry.kind,
        trackId,
        muted: this.states.takePending(trackId, entry.muted),
      };
      peer.tracks.set(trackId, info);
      this.emit('remoteTrackPublished', info);
      this.emit('remoteTrackMedia', trackId, new FakeMediaTrack(entry.kind, `remote ${trackId}`));
    }
  }

  #localList(): FakeTrackEntry[] {
    return [...this.published.values()].map((h) => ({
      tag: h.tag,
      kind: h.kind,
      trackId: h.trackId,
      muted: this.states.isLocalMuted(h.trackId),
    }));
  }

  #announce(peer: FakePeer, type: 'offer' | 'answer'): Promise<void> {
    return peer.signals.send({ kind: 'description', description: { type, sdp: encodeFakeSdp(this.#localList()) } });
  }

  async #announceToAll(): Promise<void> {
    await Promise.all([...this.peers.values()].map((peer) => this.#announce(peer, 'offer')));
  }

  protected createPeer(_userId: string, signals: PeerSignalChannel, initiator: boolean, announced: boolean): FakePeer {
    const peer: FakePeer = { signals, tracks: new Map(), connected: false, announced };
    if (initiator) void this.#announce(peer, 'offer');
    return peer;
  }

  protected releasePeer(userId: string, peer: FakePeer): void {
    if (peer.connected) this.emit('iceStateChange', 'closed', userId);
  }
}
