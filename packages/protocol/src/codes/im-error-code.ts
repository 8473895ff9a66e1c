/**
 * IMLib `ErrorCode` values used by OpenCall (RongCloud engine numbering), plus OpenCall's protocol
 * errors in 36001–36099, a range RongCloud's 5.x IM codes do not use.
 */
export enum ErrorCode {
  // RongCloud's engine names and values that OpenCall never produces, so apps that compare against them
  // compile and run unchanged. Listed first: where a value has two names, the reverse mapping
  // (`ErrorCode[code]`) gives the current name below. (RongCloud's 4.x chatroom codes 36001–36004
  // are left out: that range carries OpenCall's protocol errors.)
  UNKNOWN = -2,
  RC_MSG_UNAUTHORIZED = 20406,
  RC_DISCUSSION_GROUP_ID_INVALID = 20407,
  SEND_FREQUENCY_TOO_FAST = 20604,
  NOT_IN_DISCUSSION = 21406,
  FORBIDDEN_IN_GROUP = 22408,
  RECALL_MESSAGE = 25101,
  NOT_IN_CHATROOM = 23406,
  FORBIDDEN_IN_CHATROOM = 23408,
  RC_CHATROOM_USER_KICKED = 23409,
  RC_CHATROOM_NOT_EXIST = 23410,
  RC_CHATROOM_IS_FULL = 23411,
  RC_CHATROOM_PATAMETER_INVALID = 23412,
  CHATROOM_GET_HISTORYMSG_ERROR = 23413,
  CHATROOM_NOT_OPEN_HISTORYMSG_STORE = 23414,
  CHATROOM_KV_EXCEED = 23423,
  CHATROOM_KV_OVERWRITE_INVALID = 23424,
  CHATROOM_KV_STORE_NOT_OPEN = 23426,
  CHATROOM_KEY_NOT_EXIST = 23427,
  SENSITIVE_SHIELD = 21501,
  SENSITIVE_REPLACE = 21502,
  JOIN_IN_DISCUSSION = 21407,
  CREATE_DISCUSSION = 21408,
  INVITE_DICUSSION = 21409,
  GET_USERINFO_ERROR = 23407,
  RC_MSG_RESP_TIMEOUT = 30003,
  RC_HTTP_SEND_FAIL = 30004,
  RC_HTTP_REQ_TIMEOUT = 30005,
  RC_HTTP_RECV_FAIL = 30006,
  RC_NAVI_RESOURCE_ERROR = 30007,
  RC_NODE_NOT_FOUND = 30008,
  RC_DOMAIN_NOT_RESOLVE = 30009,
  RC_SOCKET_NOT_CREATED = 30010,
  RC_SOCKET_DISCONNECTED = 30011,
  RC_PING_SEND_FAIL = 30012,
  RC_PONG_RECV_FAIL = 30013,
  RC_MSG_SEND_FAIL = 30014,
  RC_MSG_CONTENT_EXCEED_LIMIT = 30016,
  RC_CONN_ACK_TIMEOUT = 31000,
  RC_CONN_USER_OR_PASSWD_ERROR = 31004,
  RC_CONN_NOT_AUTHRORIZED = 31005,
  RC_CONN_REDIRECTED = 31006,
  RC_CONN_PACKAGE_NAME_INVALID = 31007,
  RC_DISCONN_EXCEPTION = 31011,
  RC_QUERY_ACK_NO_DATA = 32001,
  RC_MSG_DATA_INCOMPLETE = 32002,
  BIZ_ERROR_CLIENT_NOT_INIT = 33001,
  BIZ_ERROR_DATABASE_ERROR = 33002,
  BIZ_ERROR_INVALID_PARAMETER = 33003,
  BIZ_ERROR_NO_CHANNEL = 33004,
  BIZ_ERROR_RECONNECT_SUCCESS = 33005,
  BIZ_ERROR_CONNECTING = 33006,
  MSG_ROAMING_SERVICE_UNAVAILABLE = 33007,
  MSG_INSERT_ERROR = 33008,
  MSG_DEL_ERROR = 33009,
  CONVER_REMOVE_ERROR = 34001,
  CONVER_GETLIST_ERROR = 34002,
  CONVER_SETOP_ERROR = 34003,
  CONVER_TOTAL_UNREAD_ERROR = 34004,
  CONVER_TYPE_UNREAD_ERROR = 34005,
  CONVER_ID_TYPE_UNREAD_ERROR = 34006,
  CONVER_CLEAR_ERROR = 34007,
  EXPANSION_LIMIT_EXCEET = 34010,
  MESSAGE_KV_NOT_SUPPORT = 34008,
  CLEAR_HIS_TIME_ERROR = 34011,
  CONVER_GET_ERROR = 34009,
  GROUP_SYNC_ERROR = 35001,
  GROUP_MATCH_ERROR = 35002,
  BLACK_ADD_ERROR = 37001,
  BLACK_GETSTATUS_ERROR = 37002,
  BLACK_REMOVE_ERROR = 37003,
  DRAF_GET_ERROR = 38001,
  DRAF_SAVE_ERROR = 38002,
  DRAF_REMOVE_ERROR = 38003,
  SUBSCRIBE_ERROR = 39001,
  NOT_SUPPORT = 39002,
  QNTKN_FILETYPE_ERROR = 41001,
  QNTKN_GET_ERROR = 41002,
  COOKIE_ENABLE = 51001,
  GET_MESSAGE_BY_ID_ERROR = 61001,
  HAVNODEVICEID = 24001,
  DEVICEIDISHAVE = 24002,
  FEILD = 24009,
  VOIPISNULL = 24013,
  NOENGINETYPE = 24010,
  NULLCHANNELNAME = 24011,
  VOIPDYANMICERROR = 24012,
  NOVOIP = 24014,
  INTERNALERRROR = 24015,
  VOIPCLOSE = 24016,
  // biome-ignore lint/suspicious/noDuplicateEnumValues: RongCloud's enum gives this value two names.
  CLOSE_BEFORE_OPEN = 51001,
  ALREADY_IN_USE = 51002,
  INVALID_CHANNEL_NAME = 51003,
  VIDEO_CONTAINER_IS_NULL = 51004,
  DELETE_MESSAGE_ID_IS_NULL = 61001,
  CANCEL = 1,
  REJECT = 2,
  HANGUP = 3,
  BUSYLINE = 4,
  NO_RESPONSE = 5,
  ENGINE_UN_SUPPORTED = 6,
  NETWORK_ERROR = 7,
  REMOTE_CANCEL = 11,
  REMOTE_REJECT = 12,
  REMOTE_HANGUP = 13,
  REMOTE_BUSYLINE = 14,
  REMOTE_NO_RESPONSE = 15,
  REMOTE_ENGINE_UN_SUPPORTED = 16,
  REMOTE_NETWORK_ERROR = 17,
  VOIP_NOT_AVALIABLE = 18,
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
