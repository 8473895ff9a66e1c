/**
 * Server-API request bodies (RongCloud style, form-encoded with repeated keys) and replies.
 * Bodies are validated after form decoding: a repeated key arrives as an array, a single one as a
 * string; `repeated()` accepts both.
 */
import * as z from 'zod/mini';
import { CallId, GroupId, UserId } from './primitives.js';

/** A form field that may be repeated (`userId=a&userId=b`): always an array after parsing. */
export function repeated(item: z.ZodMiniString<string>, max: number) {
  return z.pipe(
    z.pipe(
      z.union([z.string(), z.array(z.string())]),
      z.transform((v: string | string[]) => (Array.isArray(v) ? v : [v])),
    ),
    z.array(item).check(z.minLength(1), z.maxLength(max)),
  );
}

/** Epoch milliseconds (or seconds) given as a decimal string. */
const EpochString = z.string().check(z.regex(/^\d{1,16}$/));

export const GetTokenBody = z.object({
  userId: UserId,
  name: z.optional(z.string().check(z.maxLength(64))),
  portraitUri: z.optional(z.string().check(z.maxLength(1024))),
});
export type GetTokenBody = z.infer<typeof GetTokenBody>;

export const ExpireTokenBody = z.object({ userId: repeated(UserId, 20), time: EpochString });
export type ExpireTokenBody = z.infer<typeof ExpireTokenBody>;

export const GroupCreateBody = z.object({
  userId: repeated(UserId, 1000),
  groupId: GroupId,
  groupName: z.optional(z.string().check(z.maxLength(128))),
});
export type GroupCreateBody = z.infer<typeof GroupCreateBody>;
export const GroupJoinBody = GroupCreateBody;
export type GroupJoinBody = GroupCreateBody;
export const GroupQuitBody = z.object({ userId: repeated(UserId, 1000), groupId: GroupId });
export type GroupQuitBody = z.infer<typeof GroupQuitBody>;
export const GroupDismissBody = z.object({ userId: UserId, groupId: GroupId });
export type GroupDismissBody = z.infer<typeof GroupDismissBody>;
export const GroupUserQueryBody = z.object({ groupId: GroupId });
export type GroupUserQueryBody = z.infer<typeof GroupUserQueryBody>;

/** Reply envelopes. */
export interface ServerApiOk {
  code: 200;
  [field: string]: unknown;
}
export interface ServerApiError {
  code: number;
  errorMessage: string;
}
export interface GetTokenReply extends ServerApiOk {
  userId: string;
  token: string;
}
export interface GroupUserQueryReply extends ServerApiOk {
  users: { id: string }[];
  members: { id: string }[];
}

/** `GET /dev/token?userId=` (development only): a token for the default app. */
export interface DevTokenReply {
  code: 200;
  appKey: string;
  userId: string;
  token: string;
}

/** A user the development helpers list: its id and the name its token was asked for with. */
export interface DevUser {
  userId: string;
  name?: string;
  portraitUri?: string;
}

/** `GET /dev/users` (development only): the default app's users with a live connection (this node). */
export interface DevUsersReply {
  code: 200;
  users: DevUser[];
}

/** `GET /dev/user?userId=` (development only): one user's profile, for call screens. */
export interface DevUserReply extends DevUser {
  code: 200;
}

/** `POST /dev/group` (development only): create a group of the default app, or add members to it. */
export const DevGroupBody = z.object({
  groupId: GroupId,
  name: z.optional(z.string().check(z.maxLength(64))),
  userIds: z.array(UserId).check(z.minLength(1), z.maxLength(16)),
});
export type DevGroupBody = z.infer<typeof DevGroupBody>;

/** An integer field in `[min, max]`, given as a decimal string (forms) or a JSON number. */
export function intField(min: number, max: number) {
  return z.pipe(
    z.pipe(
      z.union([z.string().check(z.regex(/^\d{1,15}$/)), z.number()]),
      z.transform((v: string | number) => Number(v)),
    ),
    z.int().check(z.gte(min), z.lte(max)),
  );
}

/** `/user/blacklist/add.json` and `/user/blacklist/remove.json` (also the `blocklist` spelling). */
export const BlacklistChangeBody = z.object({ userId: UserId, blackUserId: repeated(UserId, 20) });
export type BlacklistChangeBody = z.infer<typeof BlacklistChangeBody>;
/** `/user/blacklist/query.json`: `size` defaults to 1000 (the maximum). */
export const BlacklistQueryBody = z.object({
  userId: UserId,
  pageToken: z.optional(z.string().check(z.maxLength(256))),
  size: z.optional(intField(1, 1000)),
});
export type BlacklistQueryBody = z.infer<typeof BlacklistQueryBody>;
export interface BlacklistQueryReply extends ServerApiOk {
  users: string[];
  /** Present only when another page exists; pass it back as `pageToken`. */
  next?: string;
}

/** `/user/block.json`: ban up to 20 users for `minute` minutes (1…43200 = 30 days). */
export const UserBlockBody = z.object({ userId: repeated(UserId, 20), minute: intField(1, 43_200) });
export type UserBlockBody = z.infer<typeof UserBlockBody>;
export const UserUnblockBody = z.object({ userId: repeated(UserId, 20) });
export type UserUnblockBody = z.infer<typeof UserUnblockBody>;
/** `/user/block/query.json`: `page` 0/absent = no paging (first 1000); `size` default 50. */
export const UserBlockQueryBody = z.object({
  page: z.optional(intField(0, 1_000_000)),
  size: z.optional(intField(1, 1000)),
});
export type UserBlockQueryBody = z.infer<typeof UserBlockQueryBody>;
export interface UserBlockQueryReply extends ServerApiOk {
  /** `blockEndTime` is `YYYY-MM-DD HH:MM:SS`, UTC. */
  users: { userId: string; blockEndTime: string }[];
}

/** A 0/1 switch, as a form string or a JSON number. */
const Switch01 = intField(0, 1);
/** `/opencall/app/service.json` (OpenCall only): switch the app's audio and/or video call service. */
export const AppServiceBody = z.object({ audio: z.optional(Switch01), video: z.optional(Switch01) });
export type AppServiceBody = z.infer<typeof AppServiceBody>;
export interface AppServiceReply extends ServerApiOk {
  audio: 0 | 1;
  video: 0 | 1;
}

/** `/user/info.json`. */
export const UserInfoBody = z.object({ userId: UserId });
export type UserInfoBody = z.infer<typeof UserInfoBody>;
export interface UserInfoReply extends ServerApiOk {
  userName: string;
  userPortrait: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  createTime: string;
}
/** `/user/refresh.json`: update the push display name and/or portrait of a registered user. */
export const UserRefreshBody = GetTokenBody;
export type UserRefreshBody = GetTokenBody;
/** `/user/checkOnline.json`. */
export const CheckOnlineBody = z.object({ userId: UserId });
export type CheckOnlineBody = z.infer<typeof CheckOnlineBody>;
export interface CheckOnlineReply extends ServerApiOk {
  /** A string, as RongCloud sends it: "1" online (a device connected on any node), "0" offline. */
  status: '0' | '1';
}

/** `/user/group/query.json`: `page` 0/absent = no paging (the first 5000); `size` default 50. */
export const UserGroupQueryBody = z.object({
  userId: UserId,
  page: z.optional(intField(0, 1_000_000)),
  size: z.optional(intField(1, 5000)),
});
export type UserGroupQueryBody = z.infer<typeof UserGroupQueryBody>;
export interface UserGroupQueryReply extends ServerApiOk {
  groups: { id: string; name: string }[];
}
/** A group name as the group endpoints take it. */
export const GroupName = z.string().check(z.maxLength(128));
/** `/group/refresh.json`. */
export const GroupRefreshBody = z.object({ groupId: GroupId, groupName: GroupName });
export type GroupRefreshBody = z.infer<typeof GroupRefreshBody>;
/** `/group/sync.json`: `userId`, plus one `group[<groupId>]=<groupName>` key per group (see `groupSyncEntries`). */
export const GroupSyncBody = z.object({ userId: UserId });
export type GroupSyncBody = z.infer<typeof GroupSyncBody>;
/** At most this many `group[…]` keys in one `/group/sync.json`. */
export const GROUP_SYNC_MAX = 5000;
const GROUP_SYNC_KEY = /^group\[(.*)\]$/s;

/**
 * The `group[<groupId>]=<groupName>` entries of a decoded `/group/sync.json` body, validated.
 * Returns the first bad key instead when one has a bad id, a repeated or too long name, or there are too many.
 */
export function groupSyncEntries(
  body: Record<string, unknown>,
): { ok: true; groups: { id: string; name: string }[] } | { ok: false; field: string } {
  const groups: { id: string; name: string }[] = [];
  for (const [key, value] of Object.entries(body)) {
    const id = GROUP_SYNC_KEY.exec(key)?.[1];
    if (id === undefined) continue;
    if (!z.safeParse(GroupId, id).success || !z.safeParse(GroupName, value).success) return { ok: false, field: key };
    if (groups.length === GROUP_SYNC_MAX) return { ok: false, field: 'group' };
    groups.push({ id, name: value as string });
  }
  return { ok: true, groups };
}

// RTC (reference/server-api.md §4): JSON bodies. An RTC room id is a call id.

/** `/rtc/room/query.json`: `roomId` in the body (or the `Room-Id` header). */
export const RtcRoomQueryBody = z.object({ roomId: CallId });
export type RtcRoomQueryBody = z.infer<typeof RtcRoomQueryBody>;
/** One published track of a room member. */
export interface RtcPublishedUri {
  /** 0 audio, 1 video. */
  mediaType: 0 | 1;
  /** The stream id (`<userId>_<tag>`). */
  msid: string;
  /** OpenCall has no media URIs: the track id (`<msid>_audio|video`). */
  uri: string;
  tag: string;
}
export interface RtcRoomMember {
  userId: string;
  /** Server ms. */
  joinTime: number;
  data: { uris: RtcPublishedUri[] };
}
export interface RtcRoomQueryReply extends ServerApiOk {
  roomId: string;
  sessionId: string;
  /** Server ms. */
  createTime: number;
  members: RtcRoomMember[];
}
/** `/rtc/user/kick.json`. */
export const RtcKickBody = z.object({ userId: UserId, roomId: CallId });
export type RtcKickBody = z.infer<typeof RtcKickBody>;
/** `/rtc/user/block.json`: ban from every room for `minute` minutes (1…43200). */
export const RtcBlockBody = z.object({ userId: UserId, minute: intField(1, 43_200) });
export type RtcBlockBody = z.infer<typeof RtcBlockBody>;
/** `/rtc/user/unblock.json`. */
export const RtcUnblockBody = z.object({ userId: UserId });
export type RtcUnblockBody = z.infer<typeof RtcUnblockBody>;
/** The `{room_id}` of `/v2/rtc/rooms/{room_id}…`. */
export const RtcRoomPathId = CallId;
/** `POST /v2/rtc/rooms/{room_id}/block-users` (snake_case, as RongCloud documents it). */
export const RtcRoomBlockBody = z.object({
  user_ids: z.array(UserId).check(z.minLength(1), z.maxLength(20)),
  minute: intField(1, 43_200),
});
export type RtcRoomBlockBody = z.infer<typeof RtcRoomBlockBody>;
/** `DELETE /v2/rtc/rooms/{room_id}/block-users`. */
export const RtcRoomUnblockBody = z.object({ user_ids: z.array(UserId).check(z.minLength(1), z.maxLength(20)) });
export type RtcRoomUnblockBody = z.infer<typeof RtcRoomUnblockBody>;
