/**
 * Server-API request bodies (RongCloud style, form-encoded with repeated keys) and replies.
 * Bodies are validated after form decoding: a repeated key arrives as an array, a single one as a
 * string; `repeated()` accepts both.
 */
import * as z from 'zod/mini';
import { GroupId, UserId } from './primitives.js';

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
