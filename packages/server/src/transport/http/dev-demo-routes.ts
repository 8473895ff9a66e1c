/**
 * Development helpers for the CallKit demo, mounted next to `GET /dev/token` and under the same rule
 * (only with OPENCALL_DEV_TOKENS=1 / `--dev-tokens`, never in production, loopback callers only):
 *
 *   GET  /dev/users           the default app's users connected to this node, with their names
 *   GET  /dev/user?userId=    one user's name and avatar (call screens)
 *   POST /dev/group           { groupId, name?, userIds } creates the group or adds the members
 */
import {
  DevGroupBody,
  type DevUser,
  type DevUserReply,
  type DevUsersReply,
  SERVER_API_HTTP_STATUS,
  ServerApiCode,
  UserId,
} from '@opencall/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import * as z from 'zod/mini';
import type { Storage } from '../../ports/index.js';
import { refuseUnlessLocal } from './loopback-guard.js';

export interface DevDemoRoutesDeps {
  defaultAppKey: string;
  storage: Storage;
  /** User ids of the app with a live connection on this node. */
  onlineUsers: (appKey: string) => string[];
}

/** At most this many users are listed (a demo page shows them as buttons). */
const MAX_LISTED = 200;

const DevUserQuery = z.object({ userId: UserId });

function sendError(reply: FastifyReply, code: ServerApiCode, errorMessage: string): FastifyReply {
  return reply.code(SERVER_API_HTTP_STATUS[code]).send({ code, errorMessage });
}

const firstField = (error: z.core.$ZodError, fallback: string) => String(error.issues[0]?.path[0] ?? fallback);

export function registerDevDemoRoutes(app: FastifyInstance, deps: DevDemoRoutesDeps): void {
  const { defaultAppKey: appKey, storage } = deps;

  const profile = async (userId: string): Promise<DevUser> => {
    const user = await storage.users.get(appKey, userId);
    return { userId, ...(user?.name ? { name: user.name } : {}), ...(user?.portraitUri ? { portraitUri: user.portraitUri } : {}) };
  };

  app.get('/dev/users', { onRequest: refuseUnlessLocal }, async (_request, reply) => {
    const ids = [...new Set(deps.onlineUsers(appKey))].sort().slice(0, MAX_LISTED);
    const body: DevUsersReply = { code: 200, users: await Promise.all(ids.map(profile)) };
    return reply.header('Cache-Control', 'no-store').send(body);
  });

  app.get('/dev/user', { onRequest: refuseUnlessLocal }, async (request, reply) => {
    const parsed = z.safeParse(DevUserQuery, request.query);
    if (!parsed.success) return sendError(reply, ServerApiCode.PARAM_ERROR, 'Parameter error: userId is missing or invalid');
    const body: DevUserReply = { code: 200, ...(await profile(parsed.data.userId)) };
    return reply.header('Cache-Control', 'no-store').send(body);
  });

  app.post('/dev/group', { onRequest: refuseUnlessLocal }, async (request, reply) => {
    const parsed = z.safeParse(DevGroupBody, request.body);
    if (!parsed.success) {
      return sendError(reply, ServerApiCode.PARAM_ERROR, `Parameter error: ${firstField(parsed.error, 'groupId')} is missing or invalid`);
    }
    const { groupId, name, userIds } = parsed.data;
    await storage.groups.addMembers(appKey, groupId, userIds, name);
    return reply.send({ code: 200, groupId, members: await storage.groups.members(appKey, groupId) });
  });
}
