/** The RCRTC types CallLib works with (CallLib sits on RTCLib, as the original). */
import type { RCLocalTrack, RCRemoteTrack, RCRTCClient, RCRTCRoom, RCTrack } from '@opencall/rtc';

export type CallTrack = RCTrack;
export type CallLocalTrack = RCLocalTrack;
export type CallRemoteTrack = RCRemoteTrack;
export type CallRoom = RCRTCRoom;
export type CallRtcClient = RCRTCClient;
