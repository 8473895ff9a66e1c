/**
 * Users (online state, devices, ban/unban, revoke tokens) and groups (members). Bans and revocations
 * store what the server API stores and call the same listeners (app.ts), so devices close and calls
 * end on every node exactly as for `/user/block.json` and `/user/token/expire.json`.
 */
import { ConsoleBanBody, ConsoleGroupQuery, ConsoleUserBody, ConsoleUserQuery } from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from './console-deps.js';
import { ConsoleFailure, parseInput } from './console-failure.js';

export function registerConsoleUserRoutes(scope: FastifyInstance, deps: ConsoleDeps): void {
  const now = deps.now ?? Date.now;
  const notify = (what: string, listener: () => void) => {
    try {
      listener();
    } catch (error) {
      deps.logger.error({ err: error }, `console: ${what} listener failed`);
    }
  };

  scope.get('/api/users', async (request) => {
    const { appKey, userId } = parseInput(ConsoleUserQuery, request.query);
    const user = await deps.storage.users.get(appKey, userId);
    const devices = deps.live.devicesOf(appKey, userId);
    if (!user && devices.length === 0) throw ConsoleFailure.notFound(`user ${userId}`);
    const bannedUntil = await deps.storage.bans.bannedUntil(appKey, userId, now());
    const groups = await deps.storage.groups.groupsOf(appKey, userId, { page: 1, size: 100 });
    return {
      userId,
      name: user?.name ?? '',
      createdAt: user?.createdAt ?? 0,
      tokensValidAfter: user?.tokensValidAfter ?? 0,
      online: devices.some((d) => d.attached),
      devices,
      bannedUntil: bannedUntil ?? null,
      groups,
    };
  });

  scope.post('/api/users/ban', async (request) => {
    const { appKey, userId, minutes } = parseInput(ConsoleBanBody, request.body);
    await deps.storage.bans.ban(appKey, [userId], now() + minutes * 60_000);
    notify('onUsersBanned', () => deps.onUsersBanned(appKey, [userId]));
    return { ok: true };
  });

  scope.post('/api/users/unban', async (request) => {
    const { appKey, userId } = parseInput(ConsoleUserBody, request.body);
    await deps.storage.bans.unban(appKey, [userId]);
    return { ok: true };
  });

  scope.post('/api/users/revoke-tokens', async (request) => {
    const { appKey, userId } = parseInput(ConsoleUserBody, request.body);
    const before = now();
    await deps.storage.users.expireTokens(appKey, [userId], before);
    notify('onTokensRevoked', () => deps.onTokensRevoked(appKey, [userId], before));
    return { ok: true, before };
  });

  scope.get('/api/groups', async (request) => {
    const { appKey, groupId } = parseInput(ConsoleGroupQuery, request.query);
    const members = await deps.storage.groups.members(appKey, groupId);
    if (members.length === 0) throw ConsoleFailure.notFound(`group ${groupId}`);
    const online = new Set(members.filter((userId) => deps.live.devicesOf(appKey, userId).some((d) => d.attached)));
    return { groupId, members: members.map((userId) => ({ userId, online: online.has(userId) })) };
  });
}
