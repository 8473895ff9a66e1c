import * as z from 'zod/mini';

/** A user id: 1–64 characters from RongCloud's set plus `_ - . @ = +`. */
export const UserId = z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_\-.@=+]+$/));
/** A group id: same rules as a user id. */
export const GroupId = UserId;
/** A call id, which is also the RTC room id. */
export const CallId = z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9_-]+$/));
/** What a device id may be: 1–64 characters of `A-Z a-z 0-9 . _ : -` (ids go into logs, keys and records). */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
/** A device id chosen by the client (persisted in its storage); see `DEVICE_ID_PATTERN`. */
export const DeviceId = z.string().check(z.minLength(1), z.maxLength(64), z.regex(DEVICE_ID_PATTERN));
/** A short free-text field (extra, push title…). */
export const ShortText = z.string().check(z.maxLength(1024));
/** A non-negative integer. */
export const Count = z.number().check(z.int(), z.gte(0));

/** Profile a client attaches to its call signals (`registerUserInfo`). */
export const UserProfile = z.object({
  name: z.optional(z.string().check(z.maxLength(64))),
  portraitUri: z.optional(z.string().check(z.maxLength(1024))),
  extra: z.optional(ShortText),
});
export type UserProfile = z.infer<typeof UserProfile>;
