/**
 * The browser transport: joins the room through the signaling port and, from the join answer's
 * `mode`, runs the room over the SFU (`SfuTransport`) or peer to peer (`P2PTransport`, 1:1 calls and
 * small meshes). Room events that arrive before the SFU transport exists are held for it. Every
 * other call is forwarded to the chosen transport; its events are re-emitted.
 */
import { RCRTCCode, SafeEmitter } from '@opencall/protocol';
import type { IRCRTCStateReport } from '../types.js';
import type {
  LeaveOptions,
  LocalTrackHandle,
  MediaTransport,
  MediaTransportEvents,
  TransportDeps,
  TransportJoinResult,
  TransportPublishResult,
} from './media-transport.js';
import { P2PTransport } from './p2p/p2p-transport.js';
import type { RoomMediaEvent, RoomSignalingPort } from './room-signaling.js';
import { SfuTransport } from './sfu/sfu-transport.js';

export interface ModeSelectingOptions {
  /** Force relay-only ICE (tests of TURN). */
  iceTransportPolicy?: RTCIceTransportPolicy | undefined;
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  /** P2P: makes the local MediaStreams (default `new MediaStream()`). */
  createMediaStream?: () => MediaStream;
}

const EVENTS: (keyof MediaTransportEvents)[] = [
  'peerJoined',
  'peerLeft',
  'remoteTrackPublished',
  'remoteTrackMedia',
  'remoteTrackUnpublished',
  'remoteTrackState',
  'iceStateChange',
  'connectionLost',
];

export class ModeSelectingTransport extends SafeEmitter<MediaTransportEvents> implements MediaTransport {
  readonly #deps: TransportDeps;
  readonly #options: ModeSelectingOptions;
  #inner: MediaTransport | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: TransportDeps, options: ModeSelectingOptions = {}) {
    super();
    this.setListenerErrorHandler((event, error) => deps.logger.error(`transport listener of ${event} threw`, error));
    this.#deps = deps;
    this.#options = options;
  }

  async join(roomId: string): Promise<TransportJoinResult> {
    const { signaling } = this.#deps;
    const buffered: RoomMediaEvent[] = [];
    let sfu: SfuTransport | undefined;
    this.#unsubscribe = signaling.onRoomEvent(roomId, (event) => {
      if (sfu) sfu.handleEvent(event);
      else buffered.push(event);
    });
    const result = await signaling.join(roomId);
    if (result.code !== RCRTCCode.SUCCESS || result.mode !== 'sfu') {
      this.#unsubscribe();
      this.#unsubscribe = undefined;
      if (result.code !== RCRTCCode.SUCCESS) return { code: result.code, userIds: [] };
      const joined: RoomSignalingPort = {
        ...signaling,
        // Already joined: hand the answer to the P2P transport instead of joining twice.
        join: async () => result,
      };
      const createPeerConnection =
        this.#options.createPeerConnection ??
        (this.#options.iceTransportPolicy
          ? (config: RTCConfiguration) => new RTCPeerConnection({ ...config, iceTransportPolicy: this.#options.iceTransportPolicy })
          : undefined);
      const p2p = new P2PTransport(
        { ...this.#deps, signaling: joined },
        { ...(createPeerConnection ? { createPeerConnection } : {}), createMediaStream: this.#options.createMediaStream },
      );
      this.#adopt(p2p);
      return p2p.join(roomId);
    }
    const self = signaling.selfUserId();
    sfu = new SfuTransport({
      signaling,
      logger: this.#deps.logger,
      roomId,
      peers: [...new Set(result.peers.map((p) => p.userId).filter((id) => id !== self))],
      iceTransportPolicy: this.#options.iceTransportPolicy,
      createPeerConnection: this.#options.createPeerConnection,
    });
    this.#adopt(sfu);
    for (const event of buffered.splice(0)) sfu.handleEvent(event);
    return sfu.join(roomId);
  }

  async leave(options?: LeaveOptions): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.#inner?.leave(options);
  }

  publish(tracks: LocalTrackHandle[]): Promise<TransportPublishResult> {
    return this.#need().publish(tracks);
  }

  unpublish(trackIds: string[]): Promise<{ code: number }> {
    return this.#need().unpublish(trackIds);
  }

  subscribe(trackIds: string[]): Promise<{ code: number; failed: string[] }> {
    return this.#need().subscribe(trackIds);
  }

  unsubscribe(trackIds: string[]): Promise<{ code: number }> {
    return this.#need().unsubscribe(trackIds);
  }

  async setTrackMuted(trackId: string, muted: boolean): Promise<void> {
    await this.#inner?.setTrackMuted(trackId, muted);
  }

  async setMaxBitrate(trackId: string, maxKbps: number | undefined): Promise<void> {
    await this.#inner?.setMaxBitrate(trackId, maxKbps);
  }

  async getStateReports(): Promise<IRCRTCStateReport[]> {
    return (await this.#inner?.getStateReports()) ?? [];
  }

  #need(): MediaTransport {
    if (!this.#inner) throw new Error('not joined');
    return this.#inner;
  }

  #adopt(inner: MediaTransport): void {
    this.#inner = inner;
    for (const event of EVENTS) {
      // biome-ignore lint/suspicious/noExplicitAny: re-emits each event with its own arguments
      inner.on(event, ((...args: any[]) => (this.emit as any)(event, ...args)) as never);
    }
  }
}
