/**
 * CallPlus enums (`@rongcloud/plugin-call-plus` 2.x, values as its published `index.d.ts` /
 * `index.esm.js`). Not wire protocol: they only exist on the CallPlus API surface, so they live here
 * and not in `@opencall/protocol`.
 */

/** CallPlus media type. Differs from CallLib's `RCCallMediaType` (AUDIO 1, AUDIO_VIDEO 2). */
export enum RCCallPlusMediaType {
  AUDIO = 0,
  AUDIO_VIDEO = 1,
  VIDEO = 2,
}

/** 1:1 or multi-party call. */
export enum RCCallPlusType {
  SINGLE = 0,
  MULTI = 1,
}

/** A CallPlus session's state. */
export enum RCCallPlusCallState {
  IDLE = 0,
  CALLING = 100,
  INVITED = 101,
  RINGING = 102,
  BUSYLINE_RINGING = 103,
  BUSYLINE_WAIT = 104,
  CONNECTING = 200,
  ONCALL = 300,
  ENDED = 1000,
  NOANSWER = 1001,
  MISSED = 1002,
  CANCELED = 1003,
  DECLINED = 1004,
  ERROR = 2000,
}

/** CallPlus result codes (the 80xxx range; `SUCCESS` is 0, unlike CallLib's 10000). */
export enum RCCallPlusCode {
  SUCCESS = 0,
  PARAM_ERROR = 80001,
  SESSION_EXIST = 80002,
  NOT_IN_CALL = 80003,
  MEDIATYPE_INVALID = 80004,
  NOT_VIDEO_CALL = 80005,
  RTC_SERVICE_UNAVAILABLE = 80006,
  USER_LIST_INVAILD = 80007,
  CALL_ID_INVALID = 80008,
  TRANSACTION_ID_INVALID = 80009,
  USER_ID_INVALID = 80010,
  SINGLE_CALL_NOT_SUPPORT_MULTI_PERSON = 80011,
  SIGNAL_DISCONNECTED = 80012,
  CAMERA_CLOSED = 80100,
  MICROPHONE_CLOSED = 80101,
  /** No media of that kind from that user (yet): wait for `onUserMediaAvailable` / `onTrackReady`. */
  MEDIA_RESOURCE_INVALIED = 80102,
  NOT_INSTALL_RTC_PLUGIN = 80103,
  /** Playback failed, or a video was asked for a user without a view (`setVideoView` first). */
  PLAY_MEDIA_FAILED = 80104,
}
