/** RongCloud server-API business codes, as RongCloud documents them, with their HTTP status. */
export enum ServerApiCode {
  /** Success. */
  OK = 200,
  /** Endpoint not found. */
  NOT_FOUND = 404,
  /** OpenCall: a development helper refused a request that is not local (proxy header, foreign Host or address). */
  FORBIDDEN = 403,
  /** Internal server error. */
  INTERNAL_ERROR = 1000,
  /** App Key / App Secret mismatch (RongCloud: unknown App Key). OpenCall answers an unknown App Key with SIGNATURE_FAILED instead, so keys cannot be probed. */
  APP_KEY_MISMATCH = 1001,
  /** Parameter error; the message names the parameter. */
  PARAM_ERROR = 1002,
  /** No POST data. */
  NO_POST_DATA = 1003,
  /** Signature verification failed: wrong signature or unknown App Key, missing header, stale timestamp, reused nonce. */
  SIGNATURE_FAILED = 1004,
  /** A parameter is too long. */
  PARAM_TOO_LONG = 1005,
  /** App locked or deleted: the App Key is disabled by the operator (sent only to a caller whose signature verified). */
  APP_LOCKED = 1006,
  /** Rate limit exceeded (also: the replay protection's nonce memory is full, retry later). */
  RATE_LIMITED = 1008,
  /** Body larger than 100 KB. */
  BODY_TOO_LARGE = 1508,
  /** Success of the REST-style `/v2/rtc/*` endpoints. */
  REST_OK = 10000,
  /** The RTC room does not exist (sent with HTTP 200, as RongCloud does). */
  RTC_ROOM_NOT_FOUND = 40003,
  /** OpenCall: no stored call with this callId for the App Key (`/call/info.json`; HTTP 200, like 40003). */
  CALL_NOT_FOUND = 40004,
}

/** HTTP status for each server-API business code. */
export const SERVER_API_HTTP_STATUS: Readonly<Record<ServerApiCode, number>> = {
  [ServerApiCode.OK]: 200,
  [ServerApiCode.NOT_FOUND]: 404,
  [ServerApiCode.FORBIDDEN]: 403,
  [ServerApiCode.INTERNAL_ERROR]: 500,
  [ServerApiCode.APP_KEY_MISMATCH]: 401,
  [ServerApiCode.PARAM_ERROR]: 400,
  [ServerApiCode.NO_POST_DATA]: 400,
  [ServerApiCode.SIGNATURE_FAILED]: 401,
  [ServerApiCode.PARAM_TOO_LONG]: 400,
  [ServerApiCode.APP_LOCKED]: 401,
  [ServerApiCode.RATE_LIMITED]: 429,
  [ServerApiCode.BODY_TOO_LARGE]: 413,
  [ServerApiCode.REST_OK]: 200,
  [ServerApiCode.RTC_ROOM_NOT_FOUND]: 200,
  [ServerApiCode.CALL_NOT_FOUND]: 200,
};
