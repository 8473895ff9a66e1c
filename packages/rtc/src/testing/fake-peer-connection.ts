/**
 * WebRTC test kit: an `RTCPeerConnection` stand-in for Node unit tests of the transports, with the
 * browser's signaling rules and scripted network.
 *
 * What it does as a browser does: the offer/answer state machine (`have-local-offer`,
 * `have-remote-offer`, implicit rollback when a remote offer meets a local one, InvalidStateError on
 * an answer in `stable`); `negotiationneeded` after `addTrack` / `removeTrack` / `createDataChannel` /
 * `restartIce`, coalesced and held while not `stable`; SDP with one section per transceiver and msid
 * lines (see fake-sdp-media.ts), new ICE credentials after `restartIce`; `track` events (and
 * `removetrack` on the stream) from the remote description's msid lines; `setConfiguration` refusing a
 * `bundlePolicy` change (InvalidModificationError); `addIceCandidate` refused before a remote
 * description.
 *
 * What the test scripts (`script`): ICE and connection (DTLS) state changes with their events,
 * gathered local candidates, inbound packet counters (`getStats`), extra stats entries.
 */
import { FakeMediaTrack } from '../media/fake-media.js';
import type { MediaTrackLike } from '../media/media-track-like.js';
import { FakeMediaStream } from './fake-media-stream.js';
import { type FakeMediaSection, readFakeSdp, writeFakeSdp } from './fake-sdp-media.js';

export class FakeSender {
  constructor(public track: MediaTrackLike | null) {}
  /** Every `setParameters` call, in order. */
  readonly parameters: RTCRtpSendParameters[] = [];
  /** A fresh copy each time, as in browsers (changing it changes nothing until `setParameters`). */
  getParameters(): RTCRtpSendParameters {
    return structuredClone(
      this.parameters.at(-1) ?? {
        encodings: [{}],
        transactionId: '',
        codecs: [],
        headerExtensions: [],
        rtcp: {},
      },
    ) as RTCRtpSendParameters;
  }
  async setParameters(parameters: RTCRtpSendParameters): Promise<void> {
    this.parameters.push(structuredClone(parameters));
  }
  async replaceTrack(track: MediaTrackLike | null): Promise<void> {
    this.track = track;
  }
}

interface Transceiver {
  mid: string;
  kind: 'audio' | 'video';
  direction: RTCRtpTransceiverDirection;
  sender: FakeSender;
  streamId: string | undefined;
}

/** A remote track raised by a remote description, by mid. */
interface RemoteEntry {
  track: MediaTrackLike;
  stream: FakeMediaStream;
  msidTrackId: string;
}

type CandidateEvent = { candidate: (RTCIceCandidateInit & { candidate: string; toJSON(): RTCIceCandidateInit }) | null };

let ufragCounter = 0;

export class FakePeerConnection {
  configuration: RTCConfiguration;
  /** Every configuration passed to `setConfiguration`, in order. */
  readonly reconfigurations: RTCConfiguration[] = [];
  signalingState: RTCSignalingState = 'stable';
  iceConnectionState: RTCIceConnectionState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  onicecandidate: ((event: CandidateEvent) => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  onnegotiationneeded: (() => void) | null = null;
  ontrack: ((event: { track: MediaTrackLike; streams: FakeMediaStream[] }) => void) | null = null;
  /** Labels of the data channels made. */
  readonly dataChannels: string[] = [];
  /** Remote candidates added (`null`: end of candidates), in order. */
  readonly remoteCandidates: (RTCIceCandidateInit | null)[] = [];
  /** How often `restartIce` was called. */
  restartIceCalls = 0;
  /** How often `getStats` was called (health sampling, reports). */
  getStatsCalls = 0;
  /** Extra `getStats` entries a test adds (by id). */
  readonly extraStats = new Map<string, Record<string, unknown>>();
  /** The scripted network of this connection. */
  readonly script: FakeNetworkScript;

  readonly #transceivers: Transceiver[] = [];
  readonly #remote = new Map<string, RemoteEntry>();
  #ufrag = `u${++ufragCounter}`;
  #version = 0;
  #needsNegotiation = false;
  #negotiationQueued = false;
  /** What `stable` looked like before a local offer (restored by a rollback). */
  #stableLocal: RTCSessionDescriptionInit | null = null;

  constructor(configuration: RTCConfiguration = {}) {
    this.configuration = { ...configuration };
    this.script = new FakeNetworkScript(this);
  }

  getConfiguration(): RTCConfiguration {
    return { ...this.configuration };
  }

  setConfiguration(configuration: RTCConfiguration): void {
    this.#assertOpen();
    if ((configuration.bundlePolicy ?? 'balanced') !== (this.configuration.bundlePolicy ?? 'balanced')) {
      throw new DOMException('bundlePolicy cannot change', 'InvalidModificationError');
    }
    this.configuration = { ...configuration };
    this.reconfigurations.push({ ...configuration });
  }

  createDataChannel(label: string): { label: string } {
    this.#assertOpen();
    const first = this.dataChannels.length === 0;
    this.dataChannels.push(label);
    if (first) this.#negotiationNeeded();
    return { label };
  }

  addTrack(track: MediaTrackLike, ...streams: { id: string }[]): FakeSender {
    return this.#addTransceiver(track, 'sendrecv', streams[0]?.id).sender;
  }

  addTransceiver(track: MediaTrackLike, init: { direction?: RTCRtpTransceiverDirection } = {}): { sender: FakeSender; mid: string } {
    return this.#addTransceiver(track, init.direction ?? 'sendrecv', undefined);
  }

  removeTrack(sender: FakeSender): void {
    this.#assertOpen();
    const transceiver = this.#transceivers.find((t) => t.sender === sender);
    if (!transceiver || sender.track === null) return;
    sender.track = null;
    transceiver.direction = 'recvonly';
    this.#negotiationNeeded();
  }

  getSenders(): FakeSender[] {
    return this.#transceivers.map((t) => t.sender);
  }

  /** The tracks currently received, by the sender's msid track id. */
  remoteTracks(): Map<string, MediaTrackLike> {
    return new Map([...this.#remote.values()].map((entry) => [entry.msidTrackId, entry.track]));
  }

  async createOffer(options: RTCOfferOptions = {}): Promise<RTCSessionDescriptionInit> {
    this.#assertOpen();
    if (options.iceRestart) this.#ufrag = `u${++ufragCounter}`;
    return { type: 'offer', sdp: this.#localSdp() };
  }

  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    this.#assertOpen();
    if (this.signalingState !== 'have-remote-offer') throw new DOMException('no remote offer', 'InvalidStateError');
    return { type: 'answer', sdp: this.#answerSdp() };
  }

  async setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void> {
    this.#assertOpen();
    const type = description?.type ?? (this.signalingState === 'have-remote-offer' ? 'answer' : 'offer');
    if (type === 'rollback') {
      this.#rollback();
      return;
    }
    if (type === 'offer') {
      if (this.signalingState === 'have-remote-offer') throw new DOMException('an offer in have-remote-offer', 'InvalidStateError');
      if (this.signalingState === 'stable') this.#stableLocal = this.localDescription;
      this.localDescription = { type, sdp: description?.sdp ?? this.#localSdp() };
      this.#needsNegotiation = false;
      this.signalingState = 'have-local-offer';
      return;
    }
    if (this.signalingState !== 'have-remote-offer') throw new DOMException(`an answer in ${this.signalingState}`, 'InvalidStateError');
    this.localDescription = { type: 'answer', sdp: description?.sdp ?? this.#answerSdp() };
    this.#becomeStable();
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.#assertOpen();
    if (description.type === 'rollback') {
      this.#rollback();
      return;
    }
    if (description.type === 'offer') {
      if (this.signalingState === 'have-local-offer') this.#rollback(); // implicit rollback, as browsers
      this.remoteDescription = { type: 'offer', sdp: description.sdp ?? '' };
      this.signalingState = 'have-remote-offer';
      this.#applyRemoteTracks(description.sdp ?? '');
      return;
    }
    if (this.signalingState !== 'have-local-offer') throw new DOMException(`an answer in ${this.signalingState}`, 'InvalidStateError');
    this.remoteDescription = { type: 'answer', sdp: description.sdp ?? '' };
    this.#applyRemoteTracks(description.sdp ?? '');
    this.#becomeStable();
  }

  async addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
    this.#assertOpen();
    if (!this.remoteDescription) throw new DOMException('no remote description', 'InvalidStateError');
    this.remoteCandidates.push(candidate ?? null);
  }

  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    this.getStatsCalls += 1;
    const stats = new Map<string, Record<string, unknown>>();
    for (const [kind, packetsReceived] of this.script.inboundPackets) {
      stats.set(`inbound-${kind}`, { id: `inbound-${kind}`, type: 'inbound-rtp', kind, timestamp: Date.now(), packetsReceived });
    }
    for (const [id, stat] of this.extraStats) stats.set(id, { ...stat, id });
    return stats;
  }

  restartIce(): void {
    this.#assertOpen();
    this.restartIceCalls += 1;
    this.#ufrag = `u${++ufragCounter}`;
    this.#negotiationNeeded();
  }

  /** The ICE username fragment the next offer carries. */
  get iceUfrag(): string {
    return this.#ufrag;
  }

  close(): void {
    this.signalingState = 'closed';
    this.connectionState = 'closed';
    this.iceConnectionState = 'closed';
  }

  #assertOpen(): void {
    if (this.signalingState === 'closed') throw new DOMException('the connection is closed', 'InvalidStateError');
  }

  #addTransceiver(track: MediaTrackLike, direction: RTCRtpTransceiverDirection, streamId: string | undefined): Transceiver {
    this.#assertOpen();
    const kind = track.kind === 'video' ? 'video' : 'audio';
    const transceiver: Transceiver = { mid: String(this.#transceivers.length), kind, direction, sender: new FakeSender(track), streamId };
    this.#transceivers.push(transceiver);
    this.#negotiationNeeded();
    return transceiver;
  }

  #localSdp(): string {
    const sections: FakeMediaSection[] = this.#transceivers.map((t) => ({
      mid: t.mid,
      kind: t.kind,
      direction: t.direction,
      msid: t.sender.track ? { streamId: t.streamId ?? '-', trackId: t.sender.track.id } : undefined,
    }));
    if (this.dataChannels.length > 0) sections.push({ mid: String(sections.length), kind: 'application', direction: 'sendrecv' });
    this.#version += 1;
    return writeFakeSdp({ ufrag: this.#ufrag, sections }, this.#version);
  }

  /** Mirrors the remote offer's sections; this side's tracks travel in its own offers. */
  #answerSdp(): string {
    const offer = readFakeSdp(this.remoteDescription?.sdp ?? '');
    const flip: Record<RTCRtpTransceiverDirection, RTCRtpTransceiverDirection> = {
      sendrecv: 'recvonly',
      sendonly: 'recvonly',
      recvonly: 'inactive',
      inactive: 'inactive',
      stopped: 'inactive',
    };
    const sections = offer.sections.map((s) => ({ mid: s.mid, kind: s.kind, direction: flip[s.direction] }));
    this.#version += 1;
    return writeFakeSdp({ ufrag: this.#ufrag, sections }, this.#version);
  }

  /** Raises `track` for each section that starts carrying a track, `removetrack` for each that stops. */
  #applyRemoteTracks(sdp: string): void {
    for (const section of readFakeSdp(sdp).sections) {
      if (section.kind === 'application') continue;
      const existing = this.#remote.get(section.mid);
      const sending = section.msid !== undefined && (section.direction === 'sendrecv' || section.direction === 'sendonly');
      if (existing && (!sending || existing.msidTrackId !== section.msid?.trackId)) {
        this.#remote.delete(section.mid);
        existing.stream.removeTrack(existing.track);
      }
      if (!sending || !section.msid || this.#remote.has(section.mid)) continue;
      const track = new FakeMediaTrack(section.kind);
      const stream = this.#streamFor(section.msid.streamId);
      stream.addTrack(track);
      this.#remote.set(section.mid, { track, stream, msidTrackId: section.msid.trackId });
      this.ontrack?.({ track, streams: [stream] });
    }
  }

  #streamFor(streamId: string): FakeMediaStream {
    for (const entry of this.#remote.values()) if (entry.stream.id === streamId) return entry.stream;
    return new FakeMediaStream(streamId);
  }

  #rollback(): void {
    if (this.signalingState === 'have-local-offer') {
      this.localDescription = this.#stableLocal;
      this.#needsNegotiation = true; // the rolled-back offer's changes are still to negotiate
    }
    this.signalingState = 'stable';
  }

  #becomeStable(): void {
    this.signalingState = 'stable';
    if (this.#needsNegotiation) this.#fireNegotiationNeeded();
  }

  #negotiationNeeded(): void {
    this.#needsNegotiation = true;
    if (this.signalingState === 'stable') this.#fireNegotiationNeeded();
  }

  /**
   * Queued as a task (not a microtask: the answer being set must reach its sender first) and
   * coalesced, as browsers do; dropped if no longer needed or not stable by then.
   */
  #fireNegotiationNeeded(): void {
    if (this.#negotiationQueued) return;
    this.#negotiationQueued = true;
    setTimeout(() => {
      this.#negotiationQueued = false;
      if (this.signalingState !== 'stable' || !this.#needsNegotiation) return;
      this.onnegotiationneeded?.();
    }, 0);
  }
}

/** The network under one `FakePeerConnection`, driven by the test. */
export class FakeNetworkScript {
  /** Inbound RTP packets received so far, by kind (`getStats` reports them). */
  readonly inboundPackets = new Map<string, number>();
  #candidates = 0;

  constructor(private readonly pc: FakePeerConnection) {}

  /** Sets the ICE connection state and fires `iceconnectionstatechange` (no event when unchanged). */
  ice(state: RTCIceConnectionState): this {
    if (this.pc.iceConnectionState === state || this.pc.signalingState === 'closed') return this;
    this.pc.iceConnectionState = state;
    this.pc.oniceconnectionstatechange?.();
    return this;
  }

  /** Sets the connection (ICE + DTLS) state and fires `connectionstatechange` (no event when unchanged). */
  connection(state: RTCPeerConnectionState): this {
    if (this.pc.connectionState === state || this.pc.signalingState === 'closed') return this;
    this.pc.connectionState = state;
    this.pc.onconnectionstatechange?.();
    return this;
  }

  /** ICE checks, then ICE and DTLS up. */
  connect(): this {
    return this.ice('checking').connection('connecting').ice('connected').connection('connected');
  }

  /** The path broke: ICE `disconnected` (the connection state follows, as in Chrome). */
  disconnect(): this {
    return this.ice('disconnected').connection('disconnected');
  }

  /** ICE gave up: `failed` for both. */
  fail(): this {
    return this.ice('failed').connection('failed');
  }

  /** Media arrives: `count` more inbound packets of `kind`. */
  receive(count: number, kind: 'audio' | 'video' = 'audio'): this {
    this.inboundPackets.set(kind, (this.inboundPackets.get(kind) ?? 0) + count);
    return this;
  }

  /** A local host candidate is gathered (`onicecandidate`). Returns its candidate line. */
  gather(): string {
    const n = ++this.#candidates;
    const init = { candidate: `candidate:${n} 1 udp 2122260223 127.0.0.1 ${50000 + n} typ host`, sdpMid: '0', sdpMLineIndex: 0 };
    this.pc.onicecandidate?.({ candidate: { ...init, usernameFragment: null, toJSON: () => ({ ...init, usernameFragment: null }) } });
    return init.candidate;
  }

  /** Gathering is complete (`onicecandidate` with `null`). */
  endOfCandidates(): void {
    this.pc.onicecandidate?.({ candidate: null });
  }
}

/** A `createPeerConnection` option that makes fake connections and keeps them for assertions. */
export function fakePeerConnections(): { created: FakePeerConnection[]; create: (config: RTCConfiguration) => RTCPeerConnection } {
  const created: FakePeerConnection[] = [];
  return {
    created,
    create: (config) => {
      const pc = new FakePeerConnection(config);
      created.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
  };
}
