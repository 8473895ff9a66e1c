/** Types of `window.__e2e`, the page agent defined in page-agent.js (injected into every e2e page). */

/** One entry of the agent's log: a CallLib callback (`onSession`, `onHungup`, ...) or a driver step. */
export interface AgentLogEntry {
  name: string;
  /** `Date.now()` in the page when it was recorded (one clock for every page on the machine). */
  at: number;
  callId?: string;
  sender?: string;
  reason?: number;
  reasonName?: string;
  endReason?: number | null;
  duration?: number | null;
  userId?: string;
  kind?: 'audio' | 'video';
  local?: boolean;
  code?: number;
  [key: string]: unknown;
}

/** Shallow match on log fields, e.g. `{ name: 'onHungup', sender: 'alice' }`. */
export type AgentQuery = Partial<Record<keyof AgentLogEntry, string | number | boolean | null>>;

/** Capture constraints of `call` / `callInGroup` / `accept` (`RCResolution` / `RCFrameRate` values are strings). */
export interface CallConstraintsJson {
  audio?: { micphoneId?: string; sampleRate?: number };
  video?: { resolution: string; frameRate: string; cameraId?: string };
}

/** The session media controls the agent can invoke by name. */
export type MediaControl = 'descendAbility' | 'disableAudioTrack' | 'enableAudioTrack' | 'disableVideoTrack' | 'enableVideoTrack';

/** One sender / receiver of an `onRTCStateReport` entry (the agent keeps only these fields). */
export interface ReportTrackJson {
  trackId: string;
  kind: 'audio' | 'video';
  bitrate: number;
}

export interface SessionDescriptionJson {
  type: 'offer' | 'answer' | 'pranswer' | 'rollback';
  sdp?: string;
}

export interface E2eAgent {
  log: AgentLogEntry[];
  marks: { dialAt?: number; acceptAt?: number };
  record(name: string, detail?: Record<string, unknown>): AgentLogEntry;
  find(query: AgentQuery): AgentLogEntry | null;
  frameCount(selector: string): number;
  firstFrameAt(selector: string): number | null;
  /** `rtcOptions`: more RCRTC installer options (e.g. `statsReportInterval`). */
  connect(options: {
    appKey: string;
    token: string;
    navigators: string[];
    rtcOptions?: Record<string, unknown>;
  }): Promise<{ code: number; userId: string | null }>;
  call(options: {
    targetId: string;
    mediaType: number;
    constraints?: CallConstraintsJson;
  }): Promise<{ code: number; callId: string | null }>;
  callInGroup(options: {
    targetId: string;
    userIds: string[];
    mediaType: number;
    constraints?: CallConstraintsJson;
  }): Promise<{ code: number; callId: string | null }>;
  accept(callId?: string, constraints?: CallConstraintsJson): Promise<{ code: number }>;
  hangup(callId?: string): Promise<{ code: number }>;
  state(callId?: string): number;
  /** `RongIMLib.getConnectionStatus()`: 0 connected, 1 connecting, 2 disconnected, 3 suspended. */
  imStatus(): number;
  invite(callId: string | undefined, userIds: string[]): Promise<{ code: number }>;
  media(callId: string | undefined, control: MediaControl): Promise<{ code: number }>;
  mediaType(callId?: string): number;
  trackReady(trackId: string): boolean | null;
  /** The agent's <video data-e2e-video="slot"> (created on first use, frames counted). */
  videoSlot(slot: string, width?: number, height?: number): HTMLVideoElement;
  /** `setBitrate(maxKbps)` on the local audio or video track; false when there is none. */
  setLocalBitrate(kind: 'audio' | 'video', maxKbps: number): boolean;
  /** RTCPeerConnections created so far, and the selected candidate pair of each open one. */
  peerPaths(): Promise<PeerPaths>;
  bare: {
    offer(trickle?: boolean): Promise<SessionDescriptionJson>;
    answer(offer: SessionDescriptionJson, trickle?: boolean): Promise<SessionDescriptionJson>;
    addCandidate(candidate: RTCIceCandidateInit): Promise<void>;
    accept(answer: SessionDescriptionJson): Promise<void>;
    restartOffer(): Promise<SessionDescriptionJson>;
    reanswer(offer: SessionDescriptionJson): Promise<SessionDescriptionJson>;
    iceState(): string;
    selectedPair(): Promise<{ local: string | null; remote: string | null } | null>;
    close(): void;
  };
}

declare global {
  interface Window {
    __e2e: E2eAgent;
    /** Exposed by `runBareCall(…, { trickle: true })`: relays a local candidate to the other page. */
    __e2eBareTrickle(candidate: RTCIceCandidateInit): Promise<void>;
  }
}

/** `window.__e2e.peerPaths()`: addresses are null until a candidate pair is selected. */
export interface PeerPaths {
  created: number;
  open: Array<{
    ice: string;
    local: string | null;
    remote: string | null;
    /** `maxBitrate` (bps) of the first video sender's first encoding, or null. */
    videoMaxBitrate: number | null;
    /** Inbound video counters (`inbound-rtp` stats), when the connection receives video. */
    videoIn: { packets: number; frames: number; keyFrames: number; pli: number } | null;
  }>;
}
