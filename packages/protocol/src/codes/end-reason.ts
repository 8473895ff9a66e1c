/** CallLib `RCCallEndReason` (CallLib Web 5.x, same names and values). */
export enum RCCallEndReason {
  /** I cancelled my outgoing call. */
  CANCEL = 1,
  /** I rejected an incoming call. */
  REJECT = 2,
  /** I hung up. */
  HANGUP = 3,
  /** I was busy (in another call). */
  BUSY_LINE = 4,
  /** I did not answer in time. */
  NO_RESPONSE = 5,
  /** My engine is not supported. */
  ENGINE_UNSUPPORTED = 6,
  /** My network failed. */
  NETWORK_ERROR = 7,
  /** Capturing my camera or microphone failed. */
  GET_MEDIA_RESOURCES_ERROR = 8,
  /** Publishing my media failed. */
  PUBLISH_ERROR = 9,
  /** Subscribing to remote media failed. */
  SUBSCRIBE_ERROR = 10,
  /** The other side cancelled. */
  REMOTE_CANCEL = 11,
  /** The other side rejected. */
  REMOTE_REJECT = 12,
  /** The other side hung up. */
  REMOTE_HANGUP = 13,
  /** The other side was busy. */
  REMOTE_BUSY_LINE = 14,
  /** The other side did not answer. */
  REMOTE_NO_RESPONSE = 15,
  /** The other side's engine is not supported. */
  REMOTE_ENGINE_UNSUPPORTED = 16,
  /** The other side's network failed. */
  REMOTE_NETWORK_ERROR = 17,
  /** The other side could not capture media. */
  REMOTE_GET_MEDIA_RESOURCE_ERROR = 18,
  /** The other side could not publish. */
  REMOTE_PUBLISH_ERROR = 19,
  /** The other side could not subscribe. */
  REMOTE_SUBSCRIBE_ERROR = 20,
  /** Another device of mine joined a new call. */
  OTHER_CLIENT_JOINED_CALL = 21,
  /** Another device of mine is in a call. */
  OTHER_CLIENT_IN_CALL = 22,
  /** I was banned or kicked by the server. */
  KICKED_BY_SERVER = 23,
  /** I answered a system (phone) call. */
  ACCEPT_SYSTEM_CALL = 24,
  /** Another device of the other side joined a new call. */
  REMOTE_OTHER_CLIENT_JOINED_CALL = 31,
  /** Another device of the other side is in a call. */
  REMOTE_OTHER_CLIENT_IN_CALL = 32,
  /** The other side was banned or kicked by the server. */
  REMOTE_KICKED_BY_SERVER = 33,
  /** The other side answered a system call (34 per the seed; the 5.0.1 bundle duplicated 24). */
  REMOTE_ACCEPT_SYSTEM_CALL = 34,
  /** Answered on another device of mine. */
  ACCEPT_BY_OTHER_CLIENT = 101,
  /** Hung up on another device of mine. */
  HANGUP_BY_OTHER_CLIENT = 102,
  /** I am on the other side's blacklist. */
  ADDED_TO_BLACKLIST = 103,
  /** The audio/video service is not enabled for the app. */
  SERVICE_NOT_OPENED = 104,
}

/**
 * How a reason reported by the user who left is seen by the others (CallLib G.5):
 * 1→11 … 10→20, 21→31, 22→32, 23→33, 24→34, and 15→5. Other values have no remote form.
 */
export const REMOTE_END_REASON: Readonly<Partial<Record<RCCallEndReason, RCCallEndReason>>> = {
  [RCCallEndReason.CANCEL]: RCCallEndReason.REMOTE_CANCEL,
  [RCCallEndReason.REJECT]: RCCallEndReason.REMOTE_REJECT,
  [RCCallEndReason.HANGUP]: RCCallEndReason.REMOTE_HANGUP,
  [RCCallEndReason.BUSY_LINE]: RCCallEndReason.REMOTE_BUSY_LINE,
  [RCCallEndReason.NO_RESPONSE]: RCCallEndReason.REMOTE_NO_RESPONSE,
  [RCCallEndReason.ENGINE_UNSUPPORTED]: RCCallEndReason.REMOTE_ENGINE_UNSUPPORTED,
  [RCCallEndReason.NETWORK_ERROR]: RCCallEndReason.REMOTE_NETWORK_ERROR,
  [RCCallEndReason.GET_MEDIA_RESOURCES_ERROR]: RCCallEndReason.REMOTE_GET_MEDIA_RESOURCE_ERROR,
  [RCCallEndReason.PUBLISH_ERROR]: RCCallEndReason.REMOTE_PUBLISH_ERROR,
  [RCCallEndReason.SUBSCRIBE_ERROR]: RCCallEndReason.REMOTE_SUBSCRIBE_ERROR,
  [RCCallEndReason.OTHER_CLIENT_JOINED_CALL]: RCCallEndReason.REMOTE_OTHER_CLIENT_JOINED_CALL,
  [RCCallEndReason.OTHER_CLIENT_IN_CALL]: RCCallEndReason.REMOTE_OTHER_CLIENT_IN_CALL,
  [RCCallEndReason.KICKED_BY_SERVER]: RCCallEndReason.REMOTE_KICKED_BY_SERVER,
  [RCCallEndReason.ACCEPT_SYSTEM_CALL]: RCCallEndReason.REMOTE_ACCEPT_SYSTEM_CALL,
  [RCCallEndReason.REMOTE_NO_RESPONSE]: RCCallEndReason.NO_RESPONSE,
};

/** The reason a receiver reports for a leaver's own `reason` (identity when there is no remote form). */
export function toRemoteEndReason(reason: RCCallEndReason): RCCallEndReason {
  return REMOTE_END_REASON[reason] ?? reason;
}

/** Reasons a client may state itself when it leaves a call (the rest are decided by the server). */
export const CLIENT_STATED_END_REASONS: readonly RCCallEndReason[] = [
  RCCallEndReason.CANCEL,
  RCCallEndReason.REJECT,
  RCCallEndReason.HANGUP,
  RCCallEndReason.BUSY_LINE,
  RCCallEndReason.NO_RESPONSE,
  RCCallEndReason.ENGINE_UNSUPPORTED,
  RCCallEndReason.NETWORK_ERROR,
  RCCallEndReason.GET_MEDIA_RESOURCES_ERROR,
  RCCallEndReason.PUBLISH_ERROR,
  RCCallEndReason.SUBSCRIBE_ERROR,
  RCCallEndReason.ACCEPT_SYSTEM_CALL,
  RCCallEndReason.SERVICE_NOT_OPENED,
];
