/** `/group/*` and `/user/group/query.json`: membership and push names only (the app server owns group business logic). */
import {
  GroupCreateBody,
  GroupDismissBody,
  GroupJoinBody,
  GroupQuitBody,
  GroupRefreshBody,
  GroupSyncBody,
  GroupUserQueryBody,
  type GroupUserQueryReply,
  groupSyncEntries,
  UserGroupQueryBody,
  type UserGroupQueryReply,
} from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import { requestApp, type ServerApiDeps } from './server-api-deps.js';
import { ServerApiFailure, sendOk } from './server-api-failure.js';
import { validateBody } from './validate-body.js';

/** `page` 0 / absent on `/user/group/query.json`: no paging, the first this many. */
const UNPAGED_GROUP_LIMIT = 5000;
const DEFAULT_GROUP_PAGE_SIZE = 50;

export function registerGroupRoutes(scope: FastifyInstance, deps: ServerApiDeps): void {
  const { groups } = deps.storage;

  // RongCloud documents create as an alias of join.
  for (const [path, schema] of [
    ['/group/create.json', GroupCreateBody],
    ['/group/join.json', GroupJoinBody],
  ] as const) {
    scope.post(path, async (request, reply) => {
      const body = validateBody(schema, request.body);
      await groups.addMembers(requestApp(request).appKey, body.groupId, body.userId, body.groupName);
      return sendOk(reply);
    });
  }

  scope.post('/group/quit.json', async (request, reply) => {
    const body = validateBody(GroupQuitBody, request.body);
    await groups.removeMembers(requestApp(request).appKey, body.groupId, body.userId);
    return sendOk(reply);
  });

  scope.post('/group/dismiss.json', async (request, reply) => {
    const body = validateBody(GroupDismissBody, request.body);
    await groups.dismiss(requestApp(request).appKey, body.groupId);
    return sendOk(reply);
  });

  scope.post('/group/user/query.json', async (request, reply) => {
    const body = validateBody(GroupUserQueryBody, request.body);
    const ids = (await groups.members(requestApp(request).appKey, body.groupId)).map((id) => ({ id }));
    // `users` is the current key; older SDKs read `members`.
    const fields: Omit<GroupUserQueryReply, 'code'> = { users: ids, members: ids };
    return sendOk(reply, fields);
  });

  scope.post('/group/refresh.json', async (request, reply) => {
    const body = validateBody(GroupRefreshBody, request.body);
    const renamed = await groups.rename(requestApp(request).appKey, body.groupId, body.groupName);
    if (!renamed) throw ServerApiFailure.param('groupId', 'is not a group');
    return sendOk(reply);
  });

  scope.post('/group/sync.json', async (request, reply) => {
    const body = validateBody(GroupSyncBody, request.body);
    const entries = groupSyncEntries(request.body as Record<string, unknown>);
    if (!entries.ok) throw ServerApiFailure.param(entries.field, 'is invalid');
    await groups.syncUserGroups(requestApp(request).appKey, body.userId, entries.groups);
    return sendOk(reply);
  });

  scope.post('/user/group/query.json', async (request, reply) => {
    const body = validateBody(UserGroupQueryBody, request.body);
    const paged = body.page !== undefined && body.page > 0;
    const options = paged ? { page: body.page ?? 1, size: body.size ?? DEFAULT_GROUP_PAGE_SIZE } : { page: 1, size: UNPAGED_GROUP_LIMIT };
    const fields: Omit<UserGroupQueryReply, 'code'> = { groups: await groups.groupsOf(requestApp(request).appKey, body.userId, options) };
    return sendOk(reply, fields);
  });
}
