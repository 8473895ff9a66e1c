/** `/user/*` endpoints: token issue and expiry, profile (info, refresh) and online status. */
import {
  CheckOnlineBody,
  type CheckOnlineReply,
  ExpireTokenBody,
  GetTokenBody,
  type GetTokenReply,
  UserInfoBody,
  type UserInfoReply,
  UserRefreshBody,
} from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import { formatUtcDateTime } from './format-time.js';
import { requestApp, type ServerApiDeps } from './server-api-deps.js';
import { ServerApiFailure, sendOk } from './server-api-failure.js';
import { validateBody } from './validate-body.js';

/** Epoch values below this are seconds (10^11 s is year 5138; 10^11 ms is 1973). */
const SECONDS_LIMIT = 100_000_000_000;

/** `time` of `/user/token/expire.json`, in seconds or milliseconds, as milliseconds. */
export function epochToMs(value: string): number {
  const n = Number(value);
  return n < SECONDS_LIMIT ? n * 1000 : n;
}

export function registerUserRoutes(scope: FastifyInstance, deps: ServerApiDeps): void {
  scope.post('/user/getToken.json', async (request, reply) => {
    const body = validateBody(GetTokenBody, request.body);
    const { appKey } = requestApp(request);
    await deps.storage.users.upsertProfile(appKey, body.userId, { name: body.name, portraitUri: body.portraitUri });
    const token = await deps.tokens.issue(appKey, body.userId);
    const fields: Omit<GetTokenReply, 'code'> = { userId: body.userId, token };
    return sendOk(reply, fields);
  });

  scope.post('/user/token/expire.json', async (request, reply) => {
    const body = validateBody(ExpireTokenBody, request.body);
    const { appKey } = requestApp(request);
    const before = epochToMs(body.time);
    await deps.storage.users.expireTokens(appKey, body.userId, before);
    try {
      deps.onTokensRevoked(appKey, body.userId, before);
    } catch (error) {
      deps.logger.error({ err: error, appKey }, 'onTokensRevoked listener failed');
    }
    return sendOk(reply);
  });

  scope.post('/user/info.json', async (request, reply) => {
    const body = validateBody(UserInfoBody, request.body);
    const user = await deps.storage.users.get(requestApp(request).appKey, body.userId);
    if (!user) throw ServerApiFailure.param('userId', 'is not a registered user');
    const fields: Omit<UserInfoReply, 'code'> = {
      userName: user.name,
      userPortrait: user.portraitUri,
      createTime: formatUtcDateTime(user.createdAt),
    };
    return sendOk(reply, fields);
  });

  scope.post('/user/refresh.json', async (request, reply) => {
    const body = validateBody(UserRefreshBody, request.body);
    const { appKey } = requestApp(request);
    // Refresh never registers: an unknown user is a caller's mistake, not a new account.
    if (!(await deps.storage.users.get(appKey, body.userId))) throw ServerApiFailure.param('userId', 'is not a registered user');
    await deps.storage.users.upsertProfile(appKey, body.userId, { name: body.name, portraitUri: body.portraitUri });
    return sendOk(reply);
  });

  const { isOnline } = deps;
  if (isOnline) {
    scope.post('/user/checkOnline.json', async (request, reply) => {
      const body = validateBody(CheckOnlineBody, request.body);
      const fields: Omit<CheckOnlineReply, 'code'> = { status: isOnline(requestApp(request).appKey, body.userId) ? '1' : '0' };
      return sendOk(reply, fields);
    });
  }
}
