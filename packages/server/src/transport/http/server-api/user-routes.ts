/** `/user/*` endpoints: token issue and token expiry. */
import { ExpireTokenBody, GetTokenBody, type GetTokenReply } from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import { requestApp, type ServerApiDeps } from './server-api-deps.js';
import { sendOk } from './server-api-failure.js';
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
}
