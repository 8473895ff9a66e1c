/**
 * Plain HTTP routes: the demo app at `/` (the plain CallLib page at `/plain/`), the SDK bundles under
 * `/sdk/`, `/healthz`, and the development-only token helper `GET /dev/token` with the demo's
 * `/dev/users`, `/dev/user`, `/dev/group` (only with OPENCALL_DEV_TOKENS=1, never in production, and
 * for local callers only: see loopback-guard.ts).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { type DevTokenReply, SERVER_API_HTTP_STATUS, ServerApiCode, UserId } from '@opencall/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as z from 'zod/mini';
import type { Storage, TokenService } from '../../ports/index.js';
import { registerDevDemoRoutes } from './dev-demo-routes.js';
import { refuseUnlessLocal } from './loopback-guard.js';
import { sdkFileFor } from './sdk-file-names.js';

export interface StaticRoutesDeps {
  /** Folder with the built IIFE bundles (`npm run build`). */
  sdkDir: string;
  /** Folder with the demo app (index.html and assets). */
  demoDir: string;
  /** Mount `GET /dev/token` (config `devTokens`). */
  devTokenEnabled: boolean;
  defaultAppKey: string;
  storage: Storage;
  tokens: TokenService;
  /** With `devTokenEnabled`: users connected to this node, for the demo's `GET /dev/users`. */
  onlineUsers?: (appKey: string) => string[];
}

export { SDK_BUNDLES } from './sdk-file-names.js';

const DevTokenQuery = z.object({ userId: UserId, name: z.optional(z.string().check(z.maxLength(64))) });

function sendError(reply: FastifyReply, code: ServerApiCode, errorMessage: string): FastifyReply {
  return reply.code(SERVER_API_HTTP_STATUS[code]).send({ code, errorMessage });
}

async function sendSdkFile(reply: FastifyReply, sdkDir: string, file: string): Promise<FastifyReply> {
  const path = join(sdkDir, file);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    return sendError(reply, ServerApiCode.NOT_FOUND, `SDK bundle /sdk/${file} is not built: run \`npm run build\``);
  }
  // The Web Push service worker may control the whole origin (README "Web Push").
  if (file === 'opencall-sw.js') reply.header('Service-Worker-Allowed', '/');
  return reply
    .code(200)
    .type(file.endsWith('.map') ? 'application/json; charset=utf-8' : 'application/javascript; charset=utf-8')
    .header('Cache-Control', 'no-cache')
    .header('Content-Length', info.size)
    .send(createReadStream(path));
}

export async function registerStaticRoutes(app: FastifyInstance, deps: StaticRoutesDeps): Promise<void> {
  app.get('/healthz', async () => ({ ok: true }));

  // Every name of every bundle (see sdk-file-names.ts), e.g. /sdk/RCRTC-5.7.2.prod.js → RCRTC.js.
  app.get<{ Params: { file: string } }>('/sdk/:file', (request, reply) => {
    const file = sdkFileFor(request.params.file);
    if (file === undefined) {
      return sendError(reply, ServerApiCode.NOT_FOUND, `No SDK bundle is named /sdk/${request.params.file}`);
    }
    return sendSdkFile(reply, deps.sdkDir, file);
  });

  if (deps.devTokenEnabled) {
    app.get('/dev/token', { onRequest: refuseUnlessLocal }, async (request, reply) => {
      const parsed = z.safeParse(DevTokenQuery, request.query);
      if (!parsed.success) {
        const field = String(parsed.error.issues[0]?.path[0] ?? 'userId');
        return sendError(reply, ServerApiCode.PARAM_ERROR, `Parameter error: ${field} is missing or invalid`);
      }
      const { userId, name } = parsed.data;
      await deps.storage.users.upsertProfile(deps.defaultAppKey, userId, name === undefined ? {} : { name });
      const token = await deps.tokens.issue(deps.defaultAppKey, userId);
      const body: DevTokenReply = { code: 200, appKey: deps.defaultAppKey, userId, token };
      return reply.header('Cache-Control', 'no-store').send(body);
    });
    registerDevDemoRoutes(app, { defaultAppKey: deps.defaultAppKey, storage: deps.storage, onlineUsers: deps.onlineUsers ?? (() => []) });
  }

  await app.register(fastifyStatic, {
    root: deps.demoDir,
    prefix: '/',
    index: ['index.html'],
    redirect: true,
    cacheControl: true,
    maxAge: 0,
  });
}
