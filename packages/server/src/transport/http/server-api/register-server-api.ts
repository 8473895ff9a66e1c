/**
 * The RongCloud-style server API: signed form/JSON POSTs answered with `{code:200,...}` or
 * `{code, errorMessage}` (README "Server API (RongCloud style)"). Routes live in an encapsulated scope
 * with their own body parsers, authentication hook and error envelope.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { MemoryNonceStore } from '../../../adapters/nonce/memory-nonce-store.js';
import type { AppRecord } from '../../../ports/index.js';
import { SecurityCounters } from '../../../services/security/security-counters.js';
import { SecurityEventLog } from '../../../services/security/security-event-log.js';
import { DEFAULT_API_RATE_PER_SEC, ServerApiRateLimiter } from './api-rate-limiter.js';
import { registerAppServiceRoutes } from './app-service-routes.js';
import { registerCallQueryRoutes } from './call-query-routes.js';
import { registerGroupRoutes } from './group-routes.js';
import { registerModerationRoutes } from './moderation-routes.js';
import { BodySyntaxError, parseFormOrJson, parseJsonObject } from './parse-body.js';
import { DEFAULT_SIGNATURE_WINDOW_S, RequestAuthenticator, type SignatureClaim } from './request-authenticator.js';
import { registerRtcRoutes } from './rtc-routes.js';
import { type ServerApiDeps, setRequestApp } from './server-api-deps.js';
import { ServerApiFailure, sendFailure } from './server-api-failure.js';
import { registerUserRoutes } from './user-routes.js';

export type { ServerApiDeps } from './server-api-deps.js';

/** RongCloud rejects bodies over 100 KB with business code 1508. */
export const SERVER_API_BODY_LIMIT = 100 * 1024;
const NO_BODY = new Uint8Array();

function toFailure(error: FastifyError | Error): ServerApiFailure | undefined {
  if (error instanceof ServerApiFailure) return error;
  if (error instanceof BodySyntaxError) return ServerApiFailure.badBody(error.message);
  const { code, statusCode } = error as FastifyError;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || statusCode === 413) return ServerApiFailure.bodyTooLarge();
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return ServerApiFailure.noPostData();
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return ServerApiFailure.badBody('Content-Length does not match the body');
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) return ServerApiFailure.badBody(error.message);
  return undefined;
}

/** Mounts the server API on `app` and makes unknown routes answer with a 404 envelope. */
export async function registerServerApi(app: FastifyInstance, deps: ServerApiDeps): Promise<void> {
  app.setNotFoundHandler((request, reply) => sendFailure(reply, ServerApiFailure.notFound(request.method, request.url)));
  // Outside the API scope Fastify parses bodies before it knows a route is missing: an unknown path
  // with a bad or oversized body is still a 404, and other errors get the same envelope.
  app.setErrorHandler((error, request, reply) => {
    if (request.routeOptions.url === undefined) return sendFailure(reply, ServerApiFailure.notFound(request.method, request.url));
    const failure = toFailure(error instanceof Error ? error : new Error(String(error)));
    if (failure) return sendFailure(reply, failure);
    deps.logger.error({ err: error, url: request.url.split('?')[0] }, 'request failed');
    return sendFailure(reply, ServerApiFailure.internal());
  });
  const limiter = new ServerApiRateLimiter(deps.apiRatePerSec ?? DEFAULT_API_RATE_PER_SEC);
  const auth = new RequestAuthenticator({
    apps: deps.apps ?? deps.storage.apps,
    nonces: deps.signature?.nonces ?? new MemoryNonceStore(),
    windowS: deps.signature?.windowS ?? DEFAULT_SIGNATURE_WINDOW_S,
    requireV2: deps.signature?.requireV2 ?? false,
    legacyReusedV1: deps.signature?.legacyReusedV1 ?? false,
    security: deps.security ?? new SecurityEventLog(deps.logger, new SecurityCounters()),
    ...(deps.signature?.now ? { now: deps.signature.now } : {}),
  });
  /** Version-2 claims waiting for the raw body. */
  const pendingV2 = new WeakMap<FastifyRequest, SignatureClaim>();

  // Limited after the signature, so forged requests use no bucket; the nonce after both, so neither
  // forged nor over-limit requests fill the nonce store.
  const admit = async (request: FastifyRequest, claim: SignatureClaim, app: AppRecord): Promise<void> => {
    if (!limiter.allow(app.appKey, request.url.split('?')[0] ?? '')) throw ServerApiFailure.rateLimited();
    await auth.consumeNonce(claim);
    setRequestApp(request, app);
  };
  const verifyV2 = async (request: FastifyRequest, body: Uint8Array): Promise<void> => {
    const claim = pendingV2.get(request);
    if (claim === undefined) return;
    pendingV2.delete(request);
    await admit(request, claim, await auth.verify(claim, { method: request.method, url: request.url, body }));
  };
  /** A body parser that first verifies a version-2 signature over the raw bytes, then parses the text. */
  const parser =
    (parse: (text: string) => unknown) => (request: FastifyRequest, raw: Buffer, done: (error: Error | null, body?: unknown) => void) => {
      verifyV2(request, raw)
        .then(() => parse(raw.toString('utf8')))
        .then(
          (body) => done(null, body),
          (error: Error) => done(error, undefined),
        );
    };

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    const parseOptions = { parseAs: 'buffer' as const, bodyLimit: SERVER_API_BODY_LIMIT };
    scope.addContentTypeParser(
      'application/json',
      parseOptions,
      parser((text) => (text === '' ? undefined : parseJsonObject(text))),
    );
    // Form bodies, and anything else (some clients mislabel JSON): decided by the text itself.
    scope.addContentTypeParser('*', parseOptions, parser(parseFormOrJson));

    // Version 1 is checked before the body is read; version 2 once it is (or here, when there was none).
    scope.addHook('onRequest', async (request) => {
      const claim = auth.claim(request.headers, request.ip);
      if (claim.version === 1) await admit(request, claim, await auth.verify(claim));
      else pendingV2.set(request, claim);
    });
    scope.addHook('preValidation', (request) => verifyV2(request, NO_BODY));

    scope.setErrorHandler((error, request, reply) => {
      const failure = toFailure(error instanceof Error ? error : new Error(String(error)));
      if (failure) return sendFailure(reply, failure);
      deps.logger.error({ err: error, url: request.url.split('?')[0] }, 'server API request failed');
      return sendFailure(reply, ServerApiFailure.internal());
    });

    registerUserRoutes(scope, deps);
    registerGroupRoutes(scope, deps);
    registerModerationRoutes(scope, deps);
    registerAppServiceRoutes(scope, deps);
    registerRtcRoutes(scope, deps);
    registerCallQueryRoutes(scope, deps);
  });
}
