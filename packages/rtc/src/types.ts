/** Public RTCLib 5 shapes (as RongCloud's RTCLib Web 5.x declares them). */
import type { JoinedRoomInfo, LogLevel, RCFrameRate, RCResolution } from '@opencall/protocol';

/** Options of `installPlugin(RCRTC.installer, options)`. */
export interface IRCRTCInitOptions {
  /** Custom MediaServer URL. Accepted for compatibility; the P2P transport does not use it. */
  mediaServer?: string;
  /** MediaServer HTTP timeout in ms (5000–30000, default 5000; out-of-range values are clamped). */
  timeout?: number;
  /** Room ping interval in ms (3000–10000, default 10000; out-of-range values are clamped). */
  pingGap?: number;
  /** OpenCall: ms between two `onStateReport` calls (200–60000, default 1000; out-of-range values are clamped). */
  statsReportInterval?: number;
  /** Engine `LogLevel` (deprecated in RTCLib, still honoured). */
  logLevel?: LogLevel;
  /** Receives every log line at or above `logLevel`. */
  logStdout?: (level: LogLevel, content: string) => void;
  /** Accepted for compatibility; OpenCall always uses unified plan. */
  sdpSemantics?: 'plan-b' | 'unified-plan';
  /** Accepted for compatibility; unused. */
  pullInnerCDNProtocol?: unknown;
  /** Accepted for compatibility; unused. */
  pullInnerCDNUseHttps?: unknown;
}

/** Microphone capture profile (note RTCLib's spelling "micphone"). */
export interface IMicphoneAudioProfile {
  micphoneId?: string;
  sampleRate?: number;
}

export interface IVideoProfile {
  frameRate?: RCFrameRate;
  resolution?: RCResolution;
}

export interface ICameraVideoProfile extends IVideoProfile {
  cameraId?: string;
  faceMode?: 'user' | 'environment';
}

/** Selected ICE candidate pair of a connection. */
export interface IRCCandidatePairStat {
  IP: string;
  port: number;
  networkType: string | null;
  remoteIP: string;
  remotePort: number;
  protocol: string;
  /** kbps */
  bitrateSend: number;
  /** kbps */
  bitrateRecv: number;
  /** ms */
  rtt: number | null;
  /** bit/s */
  availableOutgoingBitrate: number | null;
  /** bit/s; 0 when nothing is received */
  availableIncomingBitrate: number | null;
  /** OpenCall: the local candidate's type (`host`, `srflx`, `prflx`, `relay`), when known. */
  localCandidateType?: string;
}

/** One sent or received track. */
export interface IRCTrackStat {
  id?: string;
  trackId: string;
  kind: 'audio' | 'video';
  /** 0–1 */
  packetsLostRate: number | null;
  remoteResource: boolean;
  audioLevel?: number | null;
  frameHeight?: number | null;
  frameWidth?: number | null;
  frameRate?: number | null;
  /** kbps */
  bitrate: number;
  /** ms */
  jitter: number | null;
  /** OpenCall (sent tracks): round-trip time the receiver reported, ms. */
  rtt?: number | null;
  /** OpenCall (sent video): `qualityLimitationReason` (`none`, `cpu`, `bandwidth`, `other`). */
  qualityLimitationReason?: string | null;
  /** OpenCall (received video): freezes so far and their total duration (ms). */
  freezeCount?: number | null;
  freezeDurationMs?: number | null;
  /** OpenCall (received tracks): video frames decoded so far; seconds of audio played out so far. */
  framesDecoded?: number | null;
  audioPlayedS?: number | null;
}

/** `onStateReport` payload. */
export interface IRCRTCStateReport {
  /** Which connection (OpenCall: the remote user id of a P2P link). */
  pcName?: string;
  timestamp: number;
  iceCandidatePair?: IRCCandidatePairStat;
  senders: IRCTrackStat[];
  receivers: IRCTrackStat[];
}

/** `getJoinedRoomInfo()` items: the protocol's `JoinedRoomInfo`, defined once. */
export type IRTCJoinedInfo = JoinedRoomInfo;
