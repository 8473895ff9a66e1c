/** Server-API failures and the RongCloud reply envelope (`{code, errorMessage}` + HTTP status). */
import { SERVER_API_HTTP_STATUS, ServerApiCode, type ServerApiError } from '@opencall/protocol';
import type { FastifyReply } from 'fastify';

/** A failed server-API request, answered with its business code and the matching HTTP status. */
export class ServerApiFailure extends Error {
  constructor(
    readonly code: ServerApiCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServerApiFailure';
  }

  get httpStatus(): number {
    return SERVER_API_HTTP_STATUS[this.code];
  }

  /** A wrong signature and an unknown App Key both get `signature('signature mismatch')`. */
  static signature(detail: string): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.SIGNATURE_FAILED, `Signature verification failed: ${detail}`);
  }
  static param(field: string, detail: string): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.PARAM_ERROR, `Parameter error: ${field} ${detail}`);
  }
  static badBody(detail: string): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.PARAM_ERROR, `Parameter error: ${detail}`);
  }
  static noPostData(): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.NO_POST_DATA, 'No POST data');
  }
  static bodyTooLarge(): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.BODY_TOO_LARGE, 'Request body is larger than 100 KB');
  }
  static notFound(method: string, url: string): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.NOT_FOUND, `Not found: ${method} ${url.split('?')[0]}`);
  }
  static rateLimited(): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.RATE_LIMITED, 'Too many requests: rate limit of this App Key exceeded');
  }
  /** The nonce store of the replay protection has no room left (nothing is evicted): retry later. */
  static replayMemoryFull(): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.RATE_LIMITED, 'Too many requests: replay protection is at capacity, retry later');
  }
  /** Sent with HTTP 200, as RongCloud does. */
  static roomNotFound(roomId: string): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.RTC_ROOM_NOT_FOUND, `RTC room ${roomId} does not exist`);
  }
  /** Sent with HTTP 200, like {@link roomNotFound}. */
  static callNotFound(callId: string): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.CALL_NOT_FOUND, `Call ${callId} does not exist`);
  }
  /** The app is disabled by its operator (RongCloud: "App locked or deleted"). */
  static appDisabled(): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.APP_LOCKED, 'App locked or deleted: this App Key is disabled');
  }
  static internal(): ServerApiFailure {
    return new ServerApiFailure(ServerApiCode.INTERNAL_ERROR, 'Internal server error');
  }
}

/** Sends the error envelope for `failure`. */
export function sendFailure(reply: FastifyReply, failure: ServerApiFailure): FastifyReply {
  const body: ServerApiError = { code: failure.code, errorMessage: failure.message };
  return reply.code(failure.httpStatus).type('application/json; charset=utf-8').send(body);
}

/** Sends a success envelope `{code:200, ...fields}`. */
export function sendOk(reply: FastifyReply, fields: Record<string, unknown> = {}): FastifyReply {
  return reply
    .code(200)
    .type('application/json; charset=utf-8')
    .send({ code: ServerApiCode.OK, ...fields });
}

/** Sends the success envelope of the REST-style `/v2/rtc/*` endpoints, `{code:10000}`. */
export function sendRestOk(reply: FastifyReply): FastifyReply {
  return reply.code(200).type('application/json; charset=utf-8').send({ code: ServerApiCode.REST_OK });
}
