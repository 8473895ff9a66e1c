/**
 * The browser transport: joins the room on the server and, from the join answer's `mode`, runs the
 * room over the SFU (`SfuTransport`) or peer to peer (`P2PTransport`, 1:1 calls and small meshes).
 * Every other call is forwarded to the chosen transport; its events are re-emitted.
 */
import type { PluginContext } from '@opencall/imlib';
import { RCRTCCode, type RtcEvent, RtcJoinResult, SafeEmitter, type SfuEvent } from '@opencall/protocol';
import type { IRCRTCStateReport } from '../../types.js';
import type {
  LocalTrackHandle,
  MediaTransport,
  MediaTransportEvents,
  TransportDeps,
  TransportJoinResult,
  TransportPublishResult,
} from '../media-transport.js';
import { P2PTransport } from '../p2p/p2p-transport.js';
import type { RoomSignalingPort } from '../room-signaling.js';
import { isRoomMediaEvent, SfuTransport } from './sfu-transport.js';

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
  readonly #context: PluginContext;
  readonly #deps: TransportDeps;
  readonly #options: ModeSelectingOptions;
  #inner: MediaTransport | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(context: PluginContext, deps: TransportDeps, options: ModeSelectingOptions = {}) {
    super();
    this.setListenerErrorHandler((event, error) => deps.logger.error(`transport listener of ${event} threw`, error));
    this.#context = context;
    this.#deps = deps;
    this.#options = options;
  }

  async join(roomId: string): Promise<TransportJoinResult> {
    const buffered: (RtcEvent | SfuEvent)[] = [];
    let sfu: SfuTransport | undefined;
    this.#unsubscribe = this.#context.onEvent((event) => {
      if (!isRoomMediaEvent(event, roomId)) return;
      if (sfu) sfu.handleEvent(event);
      else buffered.push(event);
    });
    const res = await this.#context.request({ t: 'rtc.join', roomId });
    const parsed = RtcJoinResult.safeParse(res.data ?? { peers: [] });
    const result = parsed.success ? parsed.data : { peers: [] };
    if (res.code !== RCRTCCode.SUCCESS || result.mode !== 'sfu') {
      this.#unsubscribe();
      this.#unsubscribe = undefined;
      if (res.code !== RCRTCCode.SUCCESS) return { code: res.code, userIds: [] };
      const signaling: RoomSignalingPort = {
        ...this.#deps.signaling,
        // Already joined: hand the answer to the P2P transport instead of joining twice.
        join: async () => ({ code: res.code, peers: result.peers }),
      };
      const createPeerConnection =
        this.#options.createPeerConnection ??
        (this.#options.iceTransportPolicy
          ? (config: RTCConfiguration) => new RTCPeerConnection({ ...config, iceTransportPolicy: this.#options.iceTransportPolicy })
          : undefined);
      const p2p = new P2PTransport(
        { ...this.#deps, signaling },
        { ...(createPeerConnection ? { createPeerConnection } : {}), createMediaStream: this.#options.createMediaStream },
      );
      this.#adopt(p2p);
      return p2p.join(roomId);
    }
    const self = this.#context.getCurrentId();
    sfu = new SfuTransport({
      context: this.#context,
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

  async leave(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.#inner?.leave();
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
