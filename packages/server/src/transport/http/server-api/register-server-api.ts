/**
 * The RongCloud-style server API: signed form/JSON POSTs answered with `{code:200,...}` or
 * `{code, errorMessage}` (reference/server-api.md §1–3). Routes live in an encapsulated scope
 * with their own body parsers, authentication hook and error envelope.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { DEFAULT_API_RATE_PER_SEC, ServerApiRateLimiter } from './api-rate-limiter.js';
import { registerAppServiceRoutes } from './app-service-routes.js';
import { registerGroupRoutes } from './group-routes.js';
import { registerModerationRoutes } from './moderation-routes.js';
import { BodySyntaxError, parseFormOrJson, parseJsonObject } from './parse-body.js';
import { type ServerApiDeps, setRequestApp } from './server-api-deps.js';
import { ServerApiFailure, sendFailure } from './server-api-failure.js';
import { registerUserRoutes } from './user-routes.js';
import { authenticate } from './verify-signature.js';

export type { ServerApiDeps } from './server-api-deps.js';

/** RongCloud rejects bodies over 100 KB with business code 1508. */
export const SERVER_API_BODY_LIMIT = 100 * 1024;

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

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    const parseOptions = { parseAs: 'string' as const, bodyLimit: SERVER_API_BODY_LIMIT };
    scope.addContentTypeParser('application/json', parseOptions, (_request, text: string, done) => {
      try {
        done(null, text === '' ? undefined : parseJsonObject(text));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    // Form bodies, and anything else (some clients mislabel JSON): decided by the text itself.
    scope.addContentTypeParser('*', parseOptions, (_request, text: string, done) => {
      try {
        done(null, parseFormOrJson(text));
      } catch (error) {
        done(error as Error, undefined);
      }
    });

    // Limited after authentication, so only real App Keys get a bucket (unknown ones are 1001).
    scope.addHook('onRequest', async (request) => {
      const app = await authenticate(request.headers, deps.storage.apps);
      if (!limiter.allow(app.appKey, request.url.split('?')[0] ?? '')) throw ServerApiFailure.rateLimited();
      setRequestApp(request, app);
    });

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
  });
}
