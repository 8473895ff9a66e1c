/** The RCRTC types CallLib works with (CallLib sits on RTCLib, as the original). */
import type { IRCRTCStateReport, RCLocalTrack, RCRemoteTrack, RCRTCClient, RCRTCRoom, RCTrack } from '@opencall/rtc';

export type CallTrack = RCTrack;
export type CallLocalTrack = RCLocalTrack;
export type CallRemoteTrack = RCRemoteTrack;
export type CallRoom = RCRTCRoom;
export type CallRtcClient = RCRTCClient;
/** `onRTCStateReport`'s report: one per session, merging every media connection of the call. */
export type CallStateReport = IRCRTCStateReport;
