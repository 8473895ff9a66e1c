/**
 * Test double of `RTCPeerConnection` for Node unit tests of the transports: records the
 * configuration it was made with and every `setConfiguration`, answers offers with a stub SDP, and
 * refuses a configuration change of `bundlePolicy` as browsers do (InvalidModificationError) — so a
 * caller that forgets to keep the rest of the configuration fails here too. No media, no ICE.
 */

const STUB_SDP = 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

class FakeSender {
  constructor(public track: unknown) {}
  getParameters(): RTCRtpSendParameters {
    return { encodings: [{}], transactionId: '', codecs: [], headerExtensions: [], rtcp: {} } as RTCRtpSendParameters;
  }
  async setParameters(): Promise<void> {}
  async replaceTrack(track: unknown): Promise<void> {
    this.track = track;
  }
}

export class FakePeerConnection {
  configuration: RTCConfiguration;
  /** Every configuration passed to `setConfiguration`, in order. */
  readonly reconfigurations: RTCConfiguration[] = [];
  signalingState: RTCSignalingState = 'stable';
  iceConnectionState: RTCIceConnectionState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  onicecandidate: ((event: { candidate: null }) => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  onnegotiationneeded: (() => void) | null = null;
  ontrack: ((event: unknown) => void) | null = null;
  readonly #senders: FakeSender[] = [];

  constructor(configuration: RTCConfiguration = {}) {
    this.configuration = { ...configuration };
  }

  getConfiguration(): RTCConfiguration {
    return { ...this.configuration };
  }

  setConfiguration(configuration: RTCConfiguration): void {
    if (this.signalingState === 'closed') throw new DOMException('the connection is closed', 'InvalidStateError');
    if ((configuration.bundlePolicy ?? 'balanced') !== (this.configuration.bundlePolicy ?? 'balanced')) {
      throw new DOMException('bundlePolicy cannot change', 'InvalidModificationError');
    }
    this.configuration = { ...configuration };
    this.reconfigurations.push({ ...configuration });
  }

  createDataChannel(label: string): { label: string } {
    return { label };
  }

  addTrack(track: unknown): FakeSender {
    const sender = new FakeSender(track);
    this.#senders.push(sender);
    return sender;
  }

  addTransceiver(track: unknown): { sender: FakeSender } {
    return { sender: this.addTrack(track) };
  }

  removeTrack(sender: FakeSender): void {
    sender.track = null;
  }

  getSenders(): FakeSender[] {
    return [...this.#senders];
  }

  async createOffer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'offer', sdp: STUB_SDP };
  }

  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'answer', sdp: STUB_SDP };
  }

  async setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = description ?? { type: 'offer', sdp: STUB_SDP };
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.remoteDescription = description;
  }

  async addIceCandidate(): Promise<void> {}

  async getStats(): Promise<Map<string, unknown>> {
    return new Map();
  }

  restartIce(): void {}

  close(): void {
    this.signalingState = 'closed';
    this.connectionState = 'closed';
    this.iceConnectionState = 'closed';
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
