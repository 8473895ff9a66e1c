/**
 * CallLib `RCCallErrorCode` (CallLib Web 5.x, same names and values), plus OpenCall's server-side call errors
 * in the Web CallEngine range 53200–53299 that RongCloud leaves unused.
 */
export enum RCCallErrorCode {
  /** Success. */
  SUCCESS = 10000,
  /** A call that has not ended already exists. */
  STATE_MACHINE_EXIT = 53200,
  /** Sending the call signal failed. */
  SEND_MSG_ERROR = 53201,
  /** The other side has blacklisted you. */
  REJECTED_BY_BLACKLIST = 53202,
  /** The current user is not a member of the group. */
  NOT_IN_GROUP = 53203,
  /** OpenCall: the call id is unknown or the call has ended. */
  CALL_NOT_FOUND = 53210,
  /** OpenCall: the user or device is not a participant of the call. */
  NOT_IN_CALL = 53211,
  /** OpenCall: the intent is not allowed in the call's current state. */
  INVALID_CALL_STATE = 53212,
  /** OpenCall: another device of the same user already answered. */
  ANSWERED_ON_OTHER_DEVICE = 53213,
  /** OpenCall: the call id is already used by another call. */
  DUPLICATE_CALL_ID = 53214,
  /** OpenCall: the target user does not exist or cannot be called. */
  TARGET_NOT_CALLABLE = 53215,
  /**
   * OpenCall, internal to the SDK: the callee is calling you at the same moment (glare). The SDK
   * answers that call instead and `call()` resolves SUCCESS with its session; apps never see this code.
   */
  GLARE_ANSWER_INSTEAD = 53216,
  /** OpenCall: the server is shutting down and takes no new calls. */
  SERVER_DRAINING = 53217,
  /**
   * OpenCall: the group call would exceed its capacity — `OPENCALL_MAX_CALL_PARTICIPANTS` (16) with an
   * SFU, 4 on a P2P mesh without one.
   */
  PARTICIPANT_LIMIT = 53218,
  /** OpenCall: this user placed too many calls in the last minute (`OPENCALL_CALLS_PER_MINUTE`). */
  CALL_RATE_LIMITED = 53219,
  /**
   * OpenCall: the server could not store the intent's effect (its database is unavailable), so it
   * was not acknowledged; a new call is refused with this code.
   */
  STORAGE_UNAVAILABLE = 53220,
  /**
   * OpenCall, cluster mode: the servers cannot reach each other right now (Redis is unavailable), so
   * a call that spans them cannot be placed or changed; calls in progress go on.
   */
  CLUSTER_UNAVAILABLE = 53221,
  /** Capturing local audio failed. */
  GET_LOCAL_AUDIO_TRACK_ERROR = 53301,
  /** Capturing local video failed. */
  GET_LOCAL_VIDEO_TRACK_ERROR = 53302,
  /** Capturing local audio and video failed. */
  GET_LOCAL_AUDIO_AND_VIDEO_TRACK_ERROR = 53303,
  /** Joining the RTC room failed. */
  JOIN_ROOM_ERROR = 53304,
  /** Publishing audio failed. */
  AUDIO_PUBLISH_ERROR = 53305,
  /** Publishing video failed. */
  VIDEO_PUBLISH_ERROR = 53306,
  /** Publishing audio and video failed. */
  AUDIO_AND_VIDEO_PUBLISH_ERROR = 53307,
  /** Querying joined-user info failed. */
  QUERY_JOINED_USER_INFO_ERROR = 53308,
  /** No video track to disable or enable. */
  MISSING_VIDEO_TRACK_ERROR = 53309,
  /** Unpublishing video failed. */
  UNPUBLISH_VIDEO_ERROR = 53310,
  /** `invite` used outside a group call. */
  CONVERSATION_NOT_GROUP_ERROR = 53311,
  /** Bad parameter: calling yourself, or yourself in `userIds` (CallLib 5.2.7; value chosen by OpenCall). */
  PARAM_ERROR = 53312,
}
