/** Enums shared by the SDK facades and the server, with CallLib / IMLib / RTCLib values (reference D). */

/** Engine `ConversationType`; CallLib uses PRIVATE (1) and GROUP (3). */
export enum ConversationType {
  NONE = 0,
  PRIVATE = 1,
  DISCUSSION = 2,
  GROUP = 3,
  CHATROOM = 4,
  CUSTOMER_SERVICE = 5,
  SYSTEM = 6,
  APP_PUBLIC_SERVICE = 7,
  PUBLIC_SERVICE = 8,
  ULTRA_GROUP = 10,
  RTC_ROOM = 12,
}

/** `RCCallMediaType`. */
export enum RCCallMediaType {
  /** Audio only. */
  AUDIO = 1,
  /** Audio and video. */
  AUDIO_VIDEO = 2,
}

/** `RCCallSessionState`. */
export enum RCCallSessionState {
  /** Waiting to connect. */
  WAITING = 0,
  /** In progress. */
  KEEPING = 1,
  /** Ended. */
  END = 2,
}

/** `RCCallUserState`. */
export enum RCCallUserState {
  /** Not in the call. */
  NONE = 0,
  /** Invited, not answered yet. */
  WAITING = 1,
  /** In the call. */
  KEEPING = 2,
}

/** `RCCallLanguage`: language of default push titles. */
export enum RCCallLanguage {
  ZH = 'zh',
  EN = 'en',
}

/** `RCFrameRate`. */
export enum RCFrameRate {
  FPS_10 = 'FPS_10',
  FPS_15 = 'FPS_15',
  FPS_24 = 'FPS_24',
  FPS_30 = 'FPS_30',
}

/** `RCResolution`: each value equals its name. */
export enum RCResolution {
  W176_H132 = 'W176_H132',
  W176_H144 = 'W176_H144',
  W256_H144 = 'W256_H144',
  W320_H180 = 'W320_H180',
  W240_H240 = 'W240_H240',
  W320_H240 = 'W320_H240',
  W480_H360 = 'W480_H360',
  W640_H360 = 'W640_H360',
  W480_H480 = 'W480_H480',
  W640_H480 = 'W640_H480',
  W720_H480 = 'W720_H480',
  W1280_H720 = 'W1280_H720',
  W1920_H1080 = 'W1920_H1080',
}

/** `RTCJoinType`. */
export enum RTCJoinType {
  KICK = 0,
  REFUSE = 1,
  COEXIST = 2,
}

/** `RCKickReason`. */
export enum RCKickReason {
  SERVER_KICK = 1,
  OTHER_KICK = 2,
}

/** `RCRTCPingResult`. */
export enum RCRTCPingResult {
  SUCCESS = 'Success',
  FAIL = 'Fail',
}

/** `RCMediaType` (RTCLib). */
export enum RCMediaType {
  AUDIO_ONLY = 0,
  VIDEO_ONLY = 1,
  AUDIO_VIDEO = 2,
}

/** Engine `LogLevel` (deprecated; `LOG` is an alias of `DEBUG`, as in RongCloud's engine). */
export enum LogLevel {
  LOG = 0,
  // biome-ignore lint/suspicious/noDuplicateEnumValues: RongCloud's enum gives this value two names.
  DEBUG = 0,
  INFO = 1,
  WARN = 2,
  ERROR = 3,
  FATAL = 4,
  STATISTICS = 6,
  NONE = 1000,
}

/** Engine `LogL`. */
export enum LogL {
  STATISTICS = -2,
  RECORD = -1,
  FATAL = 0,
  ERROR = 1,
  WARN = 2,
  INFO = 3,
  DEBUG = 4,
}

/** Engine `RCConnectionStatus`. */
export enum RCConnectionStatus {
  CONNECTED = 0,
  CONNECTING = 1,
  DISCONNECTED = 2,
  SUSPENDED = 3,
}

/** `RCRTCCode` (RTCLib 5.4.1). */
export enum RCRTCCode {
  SUCCESS = 10000,
  SIGNAL_DISCONNECTED = 50000,
  PARAMS_ERROR = 50001,
  REPERT_JOIN_ROOM = 50002,
  NOT_IN_ROOM = 50003,
  SERVICE_INVALID = 50004,
  RTC_TOKEN_INVALID = 50006,
  SIGNAL_ERROR = 53001,
  CREATE_OFFER_FAILED = 53003,
  REQUEST_FAILED = 53004,
  MCU_SERVER_NOT_FOUND = 53005,
  BROADCAST_SUB_LIST_NOT_EMPTY = 53007,
  ROOM_HAS_BEEN_DESTROYED = 53008,
  NOT_OPEN_VIDEO_AUDIO_SERVER = 53009,
  GET_USER_MEDIA_FAILED = 53010,
  GET_DISPLAY_MEDIA_FAILED = 53011,
  PERMISSION_DENIED = 53012,
  CREATE_CUSTOM_TRACK_FAILED = 53013,
  INVALID_TAGS = 53014,
  INVALID_USER_ID = 53015,
  CREATE_FILE_TRACK_FAILED = 53016,
  INVALID_FILE_INSTANCE = 53017,
  SET_REMOTE_DESCRIPTION_FAILED = 53018,
  BROWSER_NOT_SUPPORT = 53019,
  TRACK_NOT_READY = 53020,
  VIDEO_TRACK_MISS_MEDIA_ELEMENT = 53021,
  TRACK_PLAY_ERROR = 53022,
  SIGNAL_AUDIENCE_JOIN_ROOM_FAILED = 53023,
  SIGNAL_ROOM_CHANGE_IDENTITY_FAILED = 53024,
  PACKAGE_ENVIRONMENT_ERROR = 53025,
  PUBLISH_TRACK_LIMIT_EXCEEDED = 53026,
  CDN_RESOURCE_IS_EMPTY = 53027,
  SIGNAL_JOIN_RTC_ROOM_REFUSED = 53028,
  NO_PERMISSION_TO_USE_REQUESTED_DEVICE = 53029,
  THE_FUNCTION_IS_DISABLED_IN_PKROOM = 53030,
  SOME_TRACKS_PUBLISH_FAILED = 53031,
}
