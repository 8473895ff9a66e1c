/**
 * The operator console at `/console` (issue 13): the single-page app (apps/console/public, one layout
 * for every page; the page is chosen from the path, e.g. `/console/calls/<callId>`), uPlot from its
 * package, and the JSON API under `/console/api/*` (session cookie + CSRF, see console-auth.ts).
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { ConsoleErrorCode } from '@opencall/protocol';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppAdminError } from '../../../services/apps/app-admin.js';
import { registerConsoleAppRoutes } from './console-app-routes.js';
import { registerConsoleAuth } from './console-auth.js';
import { registerConsoleCallRoutes } from './console-call-routes.js';
import type { ConsoleDeps } from './console-deps.js';
import { ConsoleFailure, internalFailure, sendConsoleFailure } from './console-failure.js';
import { registerConsoleUserRoutes } from './console-user-routes.js';

export type { ConsoleDeps } from './console-deps.js';

const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

function toConsoleFailure(error: FastifyError | Error): ConsoleFailure | undefined {
  if (error instanceof ConsoleFailure) return error;
  if (error instanceof AppAdminError) {
    return new ConsoleFailure(error.code === 'unknown_app' ? ConsoleErrorCode.NOT_FOUND : ConsoleErrorCode.PARAM_ERROR, error.message);
  }
  const { statusCode } = error as FastifyError;
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500)
    return new ConsoleFailure(ConsoleErrorCode.PARAM_ERROR, error.message);
  return undefined;
}

export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps, defaultAppKey: string): Promise<void> {
  await app.register(
    async (scope) => {
      scope.setErrorHandler((error, request, reply) => {
        const failure = toConsoleFailure(error instanceof Error ? error : new Error(String(error)));
        if (failure) return sendConsoleFailure(reply, failure);
        deps.logger.error({ err: error, url: request.url.split('?')[0] }, 'console request failed');
        return sendConsoleFailure(reply, internalFailure());
      });

      const guard = registerConsoleAuth(scope, deps);
      await scope.register(async (api) => {
        api.addHook('onRequest', guard);
        api.addHook('onSend', async (_request, reply) => {
          reply.header('Cache-Control', 'no-store');
        });
        registerConsoleCallRoutes(api, deps, defaultAppKey);
        registerConsoleUserRoutes(api, deps);
        registerConsoleAppRoutes(api, deps, defaultAppKey);
        api.all('/api/*', async (request) => {
          throw ConsoleFailure.notFound(`${request.method} ${request.url.split('?')[0]}`);
        });
      });

      await scope.register(fastifyStatic, { root: join(deps.publicDir, 'assets'), prefix: '/assets/', decorateReply: false, maxAge: 0 });
      await scope.register(fastifyStatic, { root: deps.uplotDir, prefix: '/vendor/', decorateReply: false, maxAge: 0 });

      const sendShell = (reply: FastifyReply) =>
        reply
          .headers(PAGE_HEADERS)
          .type('text/html; charset=utf-8')
          .send(createReadStream(join(deps.publicDir, 'index.html')));
      scope.get('/', (_request, reply) => sendShell(reply));
      scope.get('/*', (_request, reply) => sendShell(reply));
    },
    { prefix: '/console' },
  );
}
