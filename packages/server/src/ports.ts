/**
 * The narrow interfaces between the server's services and its adapters. The embedded default
 * implements them with SQLite (Kysely + better-sqlite3); the scale-out build with Postgres + Redis.
 */
import type { ConversationType, RCCallEndReason, RCCallMediaType } from '@opencall/protocol';

export interface AppRecord {
  appKey: string;
  appSecret: string;
  name: string;
  createdAt: number;
}

export interface UserRecord {
  appKey: string;
  userId: string;
  name: string;
  portraitUri: string;
  /** Tokens issued before this time (ms) are expired (`/user/token/expire.json`); 0 = none. */
  tokensValidAfter: number;
  createdAt: number;
}

/** One participant's view of a finished call. */
export interface CallParticipantRecord {
  userId: string;
  /** Device that answered (or called), '' if none. */
  deviceId: string;
  isCaller: boolean;
  /** Server time (ms) the user joined the conversation (answered / called), 0 if never. */
  joinedAt: number;
  /** Server time (ms) the user left. */
  leftAt: number;
  /** The user's own end reason. */
  endReason: RCCallEndReason;
}

/** The stored record of a finished call. */
export interface CallRecord {
  appKey: string;
  callId: string;
  conversationType: ConversationType;
  targetId: string;
  channelId: string;
  callerId: string;
  mediaType: RCCallMediaType;
  extra: string;
  /** Server time (ms) of the invite. */
  createdAt: number;
  /** Server time (ms) the call connected (first accept), 0 if never. */
  beginAt: number;
  /** Server time (ms) the call ended. */
  endAt: number;
  /** endAt - beginAt when it connected, else 0. */
  durationMs: number;
  /** Reason the call as a whole ended, from the caller's side. */
  endReason: RCCallEndReason;
  participants: CallParticipantRecord[];
}

export interface AppStore {
  get(appKey: string): Promise<AppRecord | undefined>;
  /** Create or update (secret, name). */
  upsert(app: AppRecord): Promise<void>;
}

export interface UserStore {
  get(appKey: string, userId: string): Promise<UserRecord | undefined>;
  /** Create the user or update name/portrait (keeps tokensValidAfter). */
  upsertProfile(appKey: string, userId: string, profile: { name?: string; portraitUri?: string }): Promise<void>;
  /** Set tokensValidAfter for each user (creating unknown users). */
  expireTokens(appKey: string, userIds: string[], before: number): Promise<void>;
}

export interface GroupStore {
  /** Add members, creating the group if needed; updates the name when given. */
  addMembers(appKey: string, groupId: string, userIds: string[], groupName?: string): Promise<void>;
  removeMembers(appKey: string, groupId: string, userIds: string[]): Promise<void>;
  dismiss(appKey: string, groupId: string): Promise<void>;
  members(appKey: string, groupId: string): Promise<string[]>;
  isMember(appKey: string, groupId: string, userId: string): Promise<boolean>;
}

export interface CallRecordStore {
  save(record: CallRecord): Promise<void>;
  get(appKey: string, callId: string): Promise<CallRecord | undefined>;
  /** Most recent first. */
  list(appKey: string, options: { userId?: string; limit: number }): Promise<CallRecord[]>;
}

/** All storage, opened and migrated by an adapter. */
export interface Storage {
  apps: AppStore;
  users: UserStore;
  groups: GroupStore;
  calls: CallRecordStore;
  close(): Promise<void>;
}

/** Result of checking a token at connect. `code` is an IM ErrorCode on failure. */
export type TokenCheck = { ok: true; appKey: string; userId: string; issuedAt: number } | { ok: false; code: number; message: string };

export interface TokenService {
  /** Issue a token bound to app + user + issue time. */
  issue(appKey: string, userId: string): Promise<string>;
  /** Check signature, app, user and revocation (31004 bad, 31020 expired/revoked, 31002 unknown app). */
  verify(token: string, appKey?: string): Promise<TokenCheck>;
}

/** Notified when a user's tokens are revoked, so live connections can be closed. */
export type TokensRevokedListener = (appKey: string, userIds: string[], before: number) => void;
