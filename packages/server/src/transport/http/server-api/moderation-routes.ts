/**
 * `/user/blacklist/*` (also spelled `/user/blocklist/*`) and `/user/block*` (server bans):
 * the RongCloud server API's moderation routes.
 */
import {
  BlacklistChangeBody,
  BlacklistQueryBody,
  type BlacklistQueryReply,
  UserBlockBody,
  UserBlockQueryBody,
  type UserBlockQueryReply,
  UserUnblockBody,
} from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import { formatUtcDateTime } from './format-time.js';
import { requestApp, type ServerApiDeps } from './server-api-deps.js';
import { sendOk } from './server-api-failure.js';
import { validateBody, validateOptionalBody } from './validate-body.js';

/** `page` 0 / absent on `/user/block/query.json`: no paging, the first this many. */
const UNPAGED_BAN_LIMIT = 1000;
const DEFAULT_BAN_PAGE_SIZE = 50;
const BLACKLIST_SPELLINGS = ['blacklist', 'blocklist'] as const;

export function registerModerationRoutes(scope: FastifyInstance, deps: ServerApiDeps): void {
  const { blacklists, bans } = deps.storage;
  const now = deps.now ?? Date.now;

  for (const spelling of BLACKLIST_SPELLINGS) {
    scope.post(`/user/${spelling}/add.json`, async (request, reply) => {
      const body = validateBody(BlacklistChangeBody, request.body);
      const { appKey } = requestApp(request);
      await blacklists.add(appKey, body.userId, body.blackUserId);
      try {
        deps.onBlacklistAdded?.(appKey, body.userId, body.blackUserId);
      } catch (error) {
        deps.logger.error({ err: error, appKey }, 'onBlacklistAdded listener failed');
      }
      return sendOk(reply);
    });

    scope.post(`/user/${spelling}/remove.json`, async (request, reply) => {
      const body = validateBody(BlacklistChangeBody, request.body);
      await blacklists.remove(requestApp(request).appKey, body.userId, body.blackUserId);
      return sendOk(reply);
    });

    scope.post(`/user/${spelling}/query.json`, async (request, reply) => {
      const body = validateBody(BlacklistQueryBody, request.body);
      const page = await blacklists.list(requestApp(request).appKey, body.userId, {
        size: body.size ?? 1000,
        ...(body.pageToken ? { pageToken: body.pageToken } : {}),
      });
      const fields: Omit<BlacklistQueryReply, 'code'> = page.next === undefined ? { users: page.users } : page;
      return sendOk(reply, fields);
    });
  }

  scope.post('/user/block.json', async (request, reply) => {
    const body = validateBody(UserBlockBody, request.body);
    const { appKey } = requestApp(request);
    const userIds = [...new Set(body.userId)];
    await bans.ban(appKey, userIds, now() + body.minute * 60_000);
    try {
      deps.onUsersBanned(appKey, userIds);
    } catch (error) {
      deps.logger.error({ err: error, appKey }, 'onUsersBanned listener failed');
    }
    return sendOk(reply);
  });

  scope.post('/user/unblock.json', async (request, reply) => {
    const body = validateBody(UserUnblockBody, request.body);
    await bans.unban(requestApp(request).appKey, body.userId);
    return sendOk(reply);
  });

  scope.post('/user/block/query.json', async (request, reply) => {
    const body = validateOptionalBody(UserBlockQueryBody, request.body);
    const paged = body.page !== undefined && body.page > 0;
    const options = paged ? { page: body.page ?? 1, size: body.size ?? DEFAULT_BAN_PAGE_SIZE } : { page: 1, size: UNPAGED_BAN_LIMIT };
    const active = await bans.list(requestApp(request).appKey, now(), options);
    const fields: Omit<UserBlockQueryReply, 'code'> = {
      users: active.map((b) => ({ userId: b.userId, blockEndTime: formatUtcDateTime(b.endsAt) })),
    };
    return sendOk(reply, fields);
  });
}
