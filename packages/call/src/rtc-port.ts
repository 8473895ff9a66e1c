/**
 * The part of RCRTC (RTCLib 5 API) that CallLib uses. Structural, so CallLib runs over our RCRTC
 * with either the P2P or the fake transport.
 */

export interface CallTrack {
  getTrackId(): string;
  getStreamId(): string;
  getUserId(): string;
  isLocalTrack(): boolean;
  isAudioTrack(): boolean;
  isVideoTrack(): boolean;
  isOwnerMuted(): boolean;
  mute(): unknown;
  unmute(): unknown;
}

export interface CallLocalTrack extends CallTrack {
  destroy(): void;
}

export interface CallRoomEventListener {
  onTrackPublish?(tracks: CallTrack[]): void;
  onTrackUnpublish?(tracks: CallTrack[]): void;
  onTrackReady?(track: CallTrack): void;
  onUserJoin?(userIds: string[]): void;
  onUserLeave?(userIds: string[]): void;
  onAudioMuteChange?(track: CallTrack): void;
  onVideoMuteChange?(track: CallTrack): void;
  onKickOff?(byServer: boolean, state?: number): void;
  onPing?(result: string): void;
}

export interface CallReportListener {
  onStateReport?(report: unknown): void;
  onICEConnectionStateChange?(state: string, pcName?: string): void;
}

export interface CallRoom {
  getRoomId(): string;
  getSessionId(): string;
  getRemoteTracks(): CallTrack[];
  publish(tracks: CallLocalTrack[]): Promise<{ code: number }>;
  unpublish(tracks: CallLocalTrack[]): Promise<{ code: number }>;
  subscribe(tracks: CallTrack[]): Promise<{ code: number }>;
  registerRoomEventListener(listener: CallRoomEventListener | null): void;
  registerReportListener(listener: CallReportListener | null): void;
}

export interface CallRtcClient {
  createMicrophoneAudioTrack(tag?: string, profile?: object): Promise<{ code: number; track?: CallLocalTrack }>;
  createMicrophoneAndCameraTracks(
    tag?: string,
    profile?: { audio?: object; video?: object },
  ): Promise<{ code: number; tracks: CallLocalTrack[] }>;
  joinRTCRoom(roomId: string, joinType?: number): Promise<{ code: number; room?: CallRoom }>;
  leaveRoom(room: CallRoom): Promise<{ code: number }>;
}
