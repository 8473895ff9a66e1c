/** `/group/*` endpoints: membership only (the app server owns group business logic). */
import {
  GroupCreateBody,
  GroupDismissBody,
  GroupJoinBody,
  GroupQuitBody,
  GroupUserQueryBody,
  type GroupUserQueryReply,
} from '@opencall/protocol';
import type { FastifyInstance } from 'fastify';
import { requestApp, type ServerApiDeps } from './server-api-deps.js';
import { sendOk } from './server-api-failure.js';
import { validateBody } from './validate-body.js';

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
}
