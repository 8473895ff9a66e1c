/**
 * RTC endpoints (reference/server-api.md §4): room query, kick, bans from every room or one room,
 * room destruction. Bodies are JSON whatever the declared content type (register-server-api.ts
 * parses JSON-looking text as JSON). Legacy paths answer `{code:200}`, `/v2/rtc/*` `{code:10000}`;
 * a room that does not exist is `{code:40003}` with HTTP 200.
 */
import {
  RtcBlockBody,
  RtcKickBody,
  RtcRoomBlockBody,
  RtcRoomPathId,
  RtcRoomQueryBody,
  type RtcRoomQueryReply,
  RtcRoomUnblockBody,
  RtcUnblockBody,
} from '@opencall/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod/mini';
import type { RtcRoomView } from '../../../services/call/rtc-room-admin.js';
import { type RtcRoomControl, requestApp, type ServerApiDeps } from './server-api-deps.js';
import { ServerApiFailure, sendOk, sendRestOk } from './server-api-failure.js';
import { validateBody } from './validate-body.js';

function roomReply(room: RtcRoomView): Omit<RtcRoomQueryReply, 'code'> {
  return {
    roomId: room.roomId,
    sessionId: room.sessionId,
    createTime: room.createTime,
    members: room.members.map((m) => ({
      userId: m.userId,
      joinTime: m.joinTime,
      data: { uris: m.published.map((t) => ({ mediaType: t.mediaType, msid: t.msid, uri: t.trackId, tag: t.tag })) },
    })),
  };
}

/** The body, with `roomId` taken from the `Room-Id` header when the body has none. */
function withRoomIdHeader(request: FastifyRequest): unknown {
  const header = request.headers['room-id'];
  const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
  if (body.roomId !== undefined || typeof header !== 'string') return request.body;
  return { ...body, roomId: header };
}

/** The `{room_id}` path segment, validated like a body field. */
function pathRoomId(request: FastifyRequest): string {
  const { roomId } = request.params as { roomId?: string };
  const parsed = z.safeParse(RtcRoomPathId, roomId);
  if (!parsed.success) throw ServerApiFailure.param('room_id', 'is invalid');
  return parsed.data;
}

async function existingRoom(rtc: RtcRoomControl, appKey: string, roomId: string): Promise<RtcRoomView> {
  const room = await rtc.room(appKey, roomId);
  if (!room) throw ServerApiFailure.roomNotFound(roomId);
  return room;
}

export function registerRtcRoutes(scope: FastifyInstance, deps: ServerApiDeps): void {
  const { rtc } = deps;
  if (!rtc) return;
  const { rtcBans } = deps.storage;
  const now = deps.now ?? Date.now;

  scope.post('/rtc/room/query.json', async (request, reply) => {
    const body = validateBody(RtcRoomQueryBody, withRoomIdHeader(request));
    return sendOk(reply, roomReply(await existingRoom(rtc, requestApp(request).appKey, body.roomId)));
  });

  scope.post('/rtc/user/kick.json', async (request, reply) => {
    const body = validateBody(RtcKickBody, request.body);
    const { appKey } = requestApp(request);
    await existingRoom(rtc, appKey, body.roomId);
    rtc.kick(appKey, body.roomId, [body.userId]);
    return sendOk(reply);
  });

  scope.post('/rtc/user/block.json', async (request, reply) => {
    const body = validateBody(RtcBlockBody, request.body);
    const { appKey } = requestApp(request);
    await rtcBans.ban(appKey, [body.userId], undefined, now() + body.minute * 60_000);
    rtc.kickEverywhere(appKey, [body.userId]);
    return sendOk(reply);
  });

  scope.post('/rtc/user/unblock.json', async (request, reply) => {
    const body = validateBody(RtcUnblockBody, request.body);
    await rtcBans.unban(requestApp(request).appKey, [body.userId], undefined);
    return sendOk(reply);
  });

  scope.delete('/v2/rtc/rooms/:roomId', async (request, reply) => {
    const roomId = pathRoomId(request);
    const { appKey } = requestApp(request);
    await existingRoom(rtc, appKey, roomId);
    rtc.destroy(appKey, roomId);
    return sendRestOk(reply);
  });

  // A per-room ban needs no live room: it also refuses later joins of a room with that id.
  scope.post('/v2/rtc/rooms/:roomId/block-users', async (request, reply) => {
    const roomId = pathRoomId(request);
    const body = validateBody(RtcRoomBlockBody, request.body);
    const { appKey } = requestApp(request);
    await rtcBans.ban(appKey, body.user_ids, roomId, now() + body.minute * 60_000);
    rtc.kick(appKey, roomId, body.user_ids);
    return sendRestOk(reply);
  });

  scope.delete('/v2/rtc/rooms/:roomId/block-users', async (request, reply) => {
    const roomId = pathRoomId(request);
    const body = validateBody(RtcRoomUnblockBody, request.body);
    await rtcBans.unban(requestApp(request).appKey, body.user_ids, roomId);
    return sendRestOk(reply);
  });
}
