/**
 * The narrow interfaces between the server's services and its adapters. The embedded default
 * implements them with SQLite (Kysely + better-sqlite3); the scale-out build with Postgres + Redis.
 */
import type { ConversationType, OfflineCallRecord, RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import type { StoredCallQueries } from './insights.js';
import type { TelemetryStore } from './telemetry-store.js';

export interface AppRecord {
  appKey: string;
  appSecret: string;
  name: string;
  createdAt: number;
  /** Per-app call service switches (off → calls end with SERVICE_NOT_OPENED 104). Default on. */
  audioCallEnabled: boolean;
  videoCallEnabled: boolean;
  /** The project (app) this key belongs to; a stored app always has one (default: its own key). */
  projectId?: string;
  /** Default 'production'. */
  environment?: 'development' | 'production';
  /** A disabled app cannot connect (31008) nor call the server API (1006). Default false. */
  disabled?: boolean;
  /** The secret before the last rotation: still signs and verifies until `previousSecretUntil` (ms). */
  previousSecret?: string;
  previousSecretUntil?: number;
  /** Per-app callback URLs (override OPENCALL_WEBHOOK_URL / OPENCALL_RTC_CALLBACK_URL). */
  webhookUrl?: string;
  rtcCallbackUrl?: string;
}

/** Fields an administrator changes on a stored app; `null` clears a nullable one. */
export interface AppPatch {
  name?: string;
  appSecret?: string;
  audioCallEnabled?: boolean;
  videoCallEnabled?: boolean;
  disabled?: boolean;
  previousSecret?: string | null;
  previousSecretUntil?: number | null;
  webhookUrl?: string | null;
  rtcCallbackUrl?: string | null;
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
  /** Create (every field) or update (secret, name, call switches only; the rest through `update`). */
  upsert(app: AppRecord): Promise<void>;
  /** Every app, by creation time. */
  list(): Promise<AppRecord[]>;
  /** Change some fields; false when the app does not exist. */
  update(appKey: string, patch: AppPatch): Promise<boolean>;
}

export interface UserStore {
  get(appKey: string, userId: string): Promise<UserRecord | undefined>;
  /** Create the user or update name/portrait (keeps tokensValidAfter). */
  upsertProfile(appKey: string, userId: string, profile: { name?: string; portraitUri?: string }): Promise<void>;
  /** Raise tokensValidAfter to `before` for each user (creating unknown users); never lowers it. */
  expireTokens(appKey: string, userIds: string[], before: number): Promise<void>;
}

export interface GroupStore {
  /** Add members, creating the group if needed; updates the name when given. */
  addMembers(appKey: string, groupId: string, userIds: string[], groupName?: string): Promise<void>;
  removeMembers(appKey: string, groupId: string, userIds: string[]): Promise<void>;
  dismiss(appKey: string, groupId: string): Promise<void>;
  members(appKey: string, groupId: string): Promise<string[]>;
  isMember(appKey: string, groupId: string, userId: string): Promise<boolean>;
  /** Set the group's (push display) name; false when the group does not exist (nothing changed). */
  rename(appKey: string, groupId: string, name: string): Promise<boolean>;
  /** The user's groups, ordered by group id; `page` counts from 1. */
  groupsOf(appKey: string, userId: string, options: { page: number; size: number }): Promise<{ id: string; name: string }[]>;
  /**
   * Make `groups` the user's whole group set, in one transaction: joins the listed groups (creating
   * them, and setting their names), leaves every other one. An empty list leaves all.
   */
  syncUserGroups(appKey: string, userId: string, groups: readonly { id: string; name: string }[]): Promise<void>;
}

export interface CallRecordStore {
  save(record: CallRecord): Promise<void>;
  /** `save` for many calls at once (the journal's batch of one tick); records are distinct calls. */
  saveMany(records: readonly CallRecord[]): Promise<void>;
  get(appKey: string, callId: string): Promise<CallRecord | undefined>;
  /** Most recent first. */
  list(appKey: string, options: { userId?: string; limit: number }): Promise<CallRecord[]>;
}

/** One-way blacklists: after `add(owner, [other])`, `other` cannot call `owner`. */
export interface BlacklistStore {
  add(appKey: string, ownerId: string, blockedIds: string[]): Promise<void>;
  remove(appKey: string, ownerId: string, blockedIds: string[]): Promise<void>;
  /** Page through an owner's blacklist (ordered by user id). */
  list(appKey: string, ownerId: string, options: { size: number; pageToken?: string }): Promise<{ users: string[]; next?: string }>;
  /** Whether `ownerId` has blacklisted `otherId`. */
  has(appKey: string, ownerId: string, otherId: string): Promise<boolean>;
  /** Every `[ownerId, blockedId]` entry with the owner in `ownerIds` and the blocked user in `otherIds` (one query). */
  entriesAmong(appKey: string, ownerIds: string[], otherIds: string[]): Promise<[ownerId: string, blockedId: string][]>;
}

/** Server bans (`/user/block.json`): a banned user cannot connect or call until the ban ends. */
export interface BanStore {
  ban(appKey: string, userIds: string[], untilMs: number): Promise<void>;
  unban(appKey: string, userIds: string[]): Promise<void>;
  /** Active bans at `now`, ordered by end time descending. */
  list(appKey: string, now: number, options: { page: number; size: number }): Promise<{ userId: string; endsAt: number }[]>;
  /** End time (ms) of the user's active ban, or undefined when not banned at `now`. */
  bannedUntil(appKey: string, userId: string, now: number): Promise<number | undefined>;
}

/** RTC bans: a banned user may not join a media room (one room, or every room) until the ban ends. */
export interface RtcBanStore {
  /** Ban until `untilMs` from `roomId`, or from every room when `roomId` is undefined (replaces an earlier end). */
  ban(appKey: string, userIds: readonly string[], roomId: string | undefined, untilMs: number): Promise<void>;
  /** Lift the ban from `roomId`, or the every-room ban when `roomId` is undefined. */
  unban(appKey: string, userIds: readonly string[], roomId: string | undefined): Promise<void>;
  /** The latest end (ms) of the user's active bans that cover `roomId` (its own, or every room), or undefined. */
  bannedUntil(appKey: string, userId: string, roomId: string, now: number): Promise<number | undefined>;
  /** The user's bans still running at `now`: per room, or every room (`roomId` undefined). */
  activeBans(appKey: string, userId: string, now: number): Promise<{ roomId: string | undefined; endsAt: number }[]>;
}

/** A call a user missed while none of their devices was connected: the protocol's record, defined once. */
export type { OfflineCallRecord };

/**
 * Offline records waiting until a device of their user has acked them (the delivery rule lives in
 * `services/call/offline-records.ts`; the store only keeps, lists and deletes).
 */
export interface OfflineRecordStore {
  /**
   * Store the record (the same call again replaces it, keeping its place), then drop the user's
   * oldest records beyond the newest `keep`.
   */
  add(appKey: string, userId: string, record: OfflineCallRecord, keep: number): Promise<void>;
  /**
   * Up to `limit` of the user's records, oldest first, without deleting them: only records stored at
   * or after `notBefore` (ms), and none whose call id is in `exclude`.
   */
  pending(
    appKey: string,
    userId: string,
    options: { limit: number; notBefore: number; exclude: readonly string[] },
  ): Promise<OfflineCallRecord[]>;
  /** Delete these records of the user (delivered); unknown ids are ignored. */
  remove(appKey: string, userId: string, callIds: readonly string[]): Promise<void>;
  /** Delete every record, of every user, stored before `before` (ms); returns how many. */
  prune(before: number): Promise<number>;
}

/** A snapshot of a call in flight, kept so a restarted or another node can carry the call on. */
export interface ActiveCallSnapshot {
  appKey: string;
  callId: string;
  /** JSON written by the call service (its own format). */
  snapshot: string;
  updatedAt: number;
  /** The node applying the call's transitions ('' in the embedded default). */
  ownerNode: string;
  /** Fencing epoch: raised by one at every takeover; writes must carry the current one. */
  ownerEpoch: number;
}

/** Calls in flight (the call service's journal); empty after a clean shutdown. */
export interface ActiveCallStore {
  /**
   * Insert the snapshot, or update it when the stored row has the same `ownerEpoch`. Returns false
   * when fenced: the row belongs to a later epoch (another node took the call over).
   */
  save(entry: ActiveCallSnapshot): Promise<boolean>;
  /**
   * `save` for many calls in one statement (the journal's batch of one tick); entries are distinct
   * calls. Returns, per entry in order, whether it was written (false: fenced).
   */
  saveMany(entries: readonly ActiveCallSnapshot[]): Promise<boolean[]>;
  /** Delete the row (only at `ownerEpoch` when given); returns false when fenced or already gone. */
  remove(appKey: string, callId: string, ownerEpoch?: number): Promise<boolean>;
  /** `remove` at each entry's epoch for many calls in one statement; per entry, whether it was deleted. */
  removeMany(entries: readonly { appKey: string; callId: string; ownerEpoch: number }[]): Promise<boolean[]>;
  all(): Promise<ActiveCallSnapshot[]>;
  get(appKey: string, callId: string): Promise<ActiveCallSnapshot | undefined>;
  /** Rows owned by none of `liveNodes` (cluster mode: calls whose node died). */
  orphaned(liveNodes: readonly string[], limit: number): Promise<ActiveCallSnapshot[]>;
  /**
   * Take the call over: owner becomes `ownerNode` and the epoch `expectedEpoch + 1`, only if the row is
   * still at `expectedEpoch` (compare-and-set). Returns the row as taken, or undefined.
   */
  claim(appKey: string, callId: string, ownerNode: string, expectedEpoch: number): Promise<ActiveCallSnapshot | undefined>;
}

/** A message to send after the change that caused it has committed (push notices; webhooks later). */
export interface NewOutboxRow {
  /** Unique, stable across nodes and retries: the dedupe key (`push:<appKey>:<callId>:<userId>:<kind>:…`). */
  id: string;
  /** Which handler delivers it (`push`). */
  topic: string;
  /** Rows with the same key are delivered in order (`created_at`, then `id`): one is sent only once the earlier ones are done. */
  orderKey: string;
  /** JSON, the topic's own format. */
  payload: string;
  createdAt: number;
  /** Not delivered before this time (ms). */
  dueAt: number;
}

/** An outbox row as stored. */
export interface OutboxRow extends NewOutboxRow {
  /** Deliveries started so far (a claim counts as one, even if its node dies before it ends). */
  attempts: number;
  lastError: string | undefined;
  /** The node delivering it now, until `claimedUntil` (ms); a lapsed claim can be taken by any node. */
  claimedBy: string | undefined;
  claimedUntil: number | undefined;
  /** Set when given up (a dead letter, kept until pruned); never claimed again. */
  failedAt: number | undefined;
}

/**
 * The transactional outbox: rows are inserted in the transaction of the change that caused them and
 * delivered at least once by a worker on any node (services/outbox/outbox-worker.ts).
 */
export interface OutboxStore {
  /** Insert rows; a row whose id already exists is left as it is (two nodes writing one notice send it once). Returns how many were new. */
  enqueue(rows: readonly NewOutboxRow[]): Promise<number>;
  /**
   * Atomically claim up to `limit` rows of `topics` for `nodeId` until `now + leaseMs`: due, not given
   * up, unclaimed or with a lapsed claim, and first of their order key. Increments their `attempts`.
   * Two nodes claiming at once never get the same row.
   */
  claimDue(nodeId: string, now: number, limit: number, leaseMs: number, topics: readonly string[]): Promise<OutboxRow[]>;
  /** Delivered: delete the row (whoever holds its claim). */
  complete(id: string): Promise<void>;
  /** Failed: due again at `dueAt`, claim released. Only while `nodeId` holds the claim; returns whether it did. */
  retryLater(id: string, nodeId: string, dueAt: number, error: string): Promise<boolean>;
  /** Failed for good: kept as a dead letter (`failedAt` = `at`). Only while `nodeId` holds the claim; returns whether it did. */
  giveUp(id: string, nodeId: string, error: string, at: number): Promise<boolean>;
  /** Delete dead letters given up before `before` (ms); returns how many. */
  prune(before: number): Promise<number>;
  get(id: string): Promise<OutboxRow | undefined>;
  /**
   * Rows of `topics` still in the outbox (delivered ones are deleted), oldest first: pending
   * (`failedAt` unset) or failed (given up), optionally only those whose order key starts with one of
   * `orderKeyPrefixes`. `total` counts every match.
   */
  list(query: OutboxQuery): Promise<{ total: number; rows: OutboxRow[] }>;
  /** Make the row due at `now` with its attempts reset and `failedAt` cleared; false when unknown. */
  replay(id: string, now: number): Promise<boolean>;
}

export interface OutboxQuery {
  topics: readonly string[];
  orderKeyPrefixes?: readonly string[];
  status?: 'pending' | 'failed';
  offset: number;
  limit: number;
}

/** Console settings shared by every node (admin password hash, session signing key). */
export interface ConsoleSettingsStore {
  get(name: string): Promise<string | undefined>;
  /** Store `value` unless the setting exists; returns the stored value (the first writer wins across nodes). */
  putIfAbsent(name: string, value: string): Promise<string>;
  /** A logged-out session: refused on every node until it would have expired. Also drops revocations past their expiry. */
  revokeSession(sessionId: string, expiresAt: number, now: number): Promise<void>;
  isSessionRevoked(sessionId: string): Promise<boolean>;
}

/** A device's Web Push subscription (its browser's push endpoint and keys, RFC 8291). */
export interface WebPushSubscriptionRecord {
  appKey: string;
  userId: string;
  deviceId: string;
  endpoint: string;
  /** The browser's P-256 public key, base64url. */
  p256dh: string;
  /** The 16-byte auth secret, base64url. */
  auth: string;
  /** SHA-256 (hex) of the token the device's service worker declines calls with. */
  capabilityHash: string;
  createdAt: number;
  lastOkAt: number | undefined;
}

/** Web Push (migration 0010): the server's VAPID keys and the devices' subscriptions. */
export interface WebPushStore {
  /** The stored VAPID key pair, or the one given when none is stored yet (first writer wins across nodes). */
  vapidKeys(generate: () => { publicKey: string; privateKey: string }, now: number): Promise<{ publicKey: string; privateKey: string }>;
  /** Store the device's subscription (replacing its earlier one). */
  save(record: Omit<WebPushSubscriptionRecord, 'lastOkAt'>): Promise<void>;
  /** Remove the device's subscription; returns whether there was one. */
  remove(appKey: string, userId: string, deviceId: string): Promise<boolean>;
  /** Remove a subscription by its endpoint (the push service said it is gone: 404 / 410). */
  removeEndpoint(appKey: string, userId: string, endpoint: string): Promise<void>;
  listForUser(appKey: string, userId: string): Promise<WebPushSubscriptionRecord[]>;
  byCapability(capabilityHash: string): Promise<WebPushSubscriptionRecord | undefined>;
  /** The push service took a push for `endpoint` at `at`. */
  markOk(appKey: string, userId: string, endpoint: string, at: number): Promise<void>;
}

/** All storage, opened and migrated by an adapter. */
export interface Storage {
  apps: AppStore;
  users: UserStore;
  groups: GroupStore;
  calls: CallRecordStore;
  blacklists: BlacklistStore;
  bans: BanStore;
  rtcBans: RtcBanStore;
  offlineRecords: OfflineRecordStore;
  activeCalls: ActiveCallStore;
  outbox: OutboxStore;
  consoleSettings: ConsoleSettingsStore;
  webPush: WebPushStore;
  /** Read queries over stored calls (services/insights/call-queries.ts): search, usage, overview. */
  callQueries: StoredCallQueries;
  /** Call timelines, setup timings and quality samples (services/insights). */
  telemetry: TelemetryStore;
  /** Run `work` in one transaction (one commit for many writes). */
  transaction<T>(work: (tx: Storage) => Promise<T>): Promise<T>;
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

/** Notified when users are banned, so their connections close (31009) and their calls end (23 / 33). */
export type UsersBannedListener = (appKey: string, userIds: string[]) => void;

/** Notified when `ownerId` blacklists users, so a call of theirs ringing the owner stops (103). */
export type BlacklistAddedListener = (appKey: string, ownerId: string, blockedIds: string[]) => void;

/** What {@link NonceStore.remember} found: a fresh nonce, one seen before (a replay), or no room left. */
export type NonceVerdict = 'new' | 'replayed' | 'full';

/**
 * Nonces of signed server-API requests, remembered per App Key until their request could no longer
 * be accepted (its timestamp has left the window). In memory for one server; Redis (`SET key 1 NX PX`)
 * when several servers share the API.
 */
export interface NonceStore {
  /**
   * Remember `nonce` of `appKey` until `expiresAt` (ms since epoch). `'replayed'` when it is already
   * remembered and not expired; `'full'` when a bounded store has no room (nothing is evicted).
   */
  remember(appKey: string, nonce: string, expiresAt: number): Promise<NonceVerdict>;
}
