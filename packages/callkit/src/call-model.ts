/** What the CallKit screens show: one plain object, changed only by `CallKitController`. */
import type { Quality } from './quality.js';
import type { RCCallSession, RCTrack } from './sdk.js';
import type { ViewState } from './view-machine.js';

export interface ParticipantView {
  userId: string;
  name?: string;
  portraitUri?: string;
  /** Still ringing (invited, not yet in the call). */
  waiting: boolean;
  audioMuted: boolean;
  videoMuted: boolean;
  quality: Quality;
  videoTrack?: RCTrack;
  /** Counts `onTrackReady` for the video: the same track object may come back with new media (camera switch). */
  videoVersion: number;
  audioTrack?: RCTrack;
}

export interface CallModel {
  view: ViewState;
  session?: RCCallSession;
  selfId: string;
  callerId: string;
  group: boolean;
  video: boolean;
  /** Remote users, in the order they appeared. */
  participants: Map<string, ParticipantView>;
  localVideo?: RCTrack;
  localVideoVersion: number;
  micMuted: boolean;
  cameraOff: boolean;
  localQuality: Quality;
  connectedAt?: number;
  activeSpeaker?: string;
  reconnecting: boolean;
  endReason?: number | null;
  duration: number;
}

/** A model with nothing in it; every optional field is present (undefined) so `Object.assign` clears it. */
export function emptyModel(selfId = ''): CallModel {
  return {
    view: 'idle',
    session: undefined,
    localVideo: undefined,
    connectedAt: undefined,
    activeSpeaker: undefined,
    endReason: undefined,
    selfId,
    callerId: '',
    group: false,
    video: false,
    participants: new Map(),
    localVideoVersion: 0,
    micMuted: false,
    cameraOff: false,
    localQuality: 'unknown',
    reconnecting: false,
    duration: 0,
  };
}

/** What changed, so the element patches only that part (a new screen is rebuilt whole). */
export type ModelChange = 'screen' | 'participants' | 'controls' | 'quality' | 'speaker' | 'banner' | 'media';
