/**
 * IMLib `ErrorCode` values used by OpenCall (RongCloud engine numbering), plus OpenCall's protocol
 * errors in 36001–36099, a range RongCloud's IM codes do not use.
 */
export enum ErrorCode {
  /** Success. */
  SUCCESS = 0,
  /** Timed out waiting for the server. */
  TIMEOUT = 30003,
  /** The WebSocket could not be opened or closed unexpectedly. */
  RC_NET_UNAVAILABLE = 30002,
  /** The server did not answer a heartbeat. */
  RC_PING_TIMEOUT = 30004,
  /** Not connected (call `connect` first). */
  RC_NET_CHANNEL_INVALID = 30001,
  /** The other side has blacklisted the sender. */
  REJECTED_BY_BLACKLIST = 405,
  /** The sender is not a member of the group. */
  NOT_IN_GROUP = 22406,
  /** Protocol version not supported by the server. */
  RC_CONN_PROTO_VERSION_ERROR = 31001,
  /** The App Key is unknown. */
  RC_CONN_ID_REJECT = 31002,
  /** Server unavailable. */
  RC_CONN_SERVER_UNAVAILABLE = 31003,
  /** The token is malformed, forged or belongs to another app. */
  RC_CONN_TOKEN_INCORRECT = 31004,
  /** The app is blocked or deleted. */
  RC_CONN_APP_BLOCKED_OR_DELETED = 31008,
  /** The user is banned. */
  RC_CONN_USER_BLOCKED = 31009,
  /** Kicked: the same user logged in elsewhere (unused: OpenCall allows several devices). */
  RC_DISCONN_KICK = 31010,
  /** Connection closed by the client. */
  RC_CONN_USER_LOGOUT = 31011,
  /** The token has expired or was revoked. */
  RC_CONN_TOKEN_EXPIRED = 31020,
  /** `connect` called before `init`. */
  RC_CONN_NOT_INIT = 34001,
  /** A parameter passed to the SDK is invalid. */
  PARAMETER_ERROR = 34201,
  /** OpenCall: the frame is not valid JSON or not an object. */
  OC_MALFORMED_FRAME = 36001,
  /** OpenCall: the frame type is unknown. */
  OC_UNKNOWN_FRAME = 36002,
  /** OpenCall: the frame is larger than MAX_FRAME_BYTES. */
  OC_FRAME_TOO_LARGE = 36003,
  /** OpenCall: a field of the frame is missing or invalid. */
  OC_INVALID_FIELD = 36004,
  /** OpenCall: the first frame must be `hello`. */
  OC_NOT_AUTHENTICATED = 36005,
  /** OpenCall: too many frames in a short time. */
  OC_RATE_LIMITED = 36006,
  /** OpenCall: internal server error while handling the frame. */
  OC_INTERNAL = 36007,
  /** OpenCall: the server is shutting down. */
  OC_SERVER_SHUTDOWN = 36008,
  /** OpenCall: the user already has `OPENCALL_MAX_DEVICES_PER_USER` devices connected. */
  OC_TOO_MANY_DEVICES = 36009,
}
