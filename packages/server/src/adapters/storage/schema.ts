/**
 * Row types of the OpenCall database, shared by every Kysely dialect (SQLite, Postgres).
 * Times are epoch milliseconds in BIGINT columns; booleans are 0/1 integers so the same
 * queries run on both engines.
 */
import type { Generated } from 'kysely';

export interface AppsTable {
  app_key: string;
  app_secret: string;
  name: string;
  created_at: number;
  /** Call service switches (0/1), added by migration 0002 with default 1. */
  audio_call_enabled: Generated<number>;
  video_call_enabled: Generated<number>;
  /** App administration (migration 0009): the project both keys belong to (null = the app key itself). */
  project_id: string | null;
  /** 'development' | 'production' (default 'production'). */
  environment: Generated<string>;
  /** 0/1: a disabled app cannot connect nor call the server API. */
  disabled: Generated<number>;
  /** The secret before the last rotation, valid until `previous_secret_until` (ms). */
  previous_secret: string | null;
  previous_secret_until: number | null;
  /** Per-app callback URLs, overriding OPENCALL_WEBHOOK_URL / OPENCALL_RTC_CALLBACK_URL. */
  webhook_url: string | null;
  rtc_callback_url: string | null;
}

export interface UsersTable {
  app_key: string;
  user_id: string;
  name: string;
  portrait_uri: string;
  tokens_valid_after: Generated<number>;
  created_at: number;
}

export interface GroupsTable {
  app_key: string;
  group_id: string;
  name: string;
  created_at: number;
}

export interface GroupMembersTable {
  app_key: string;
  group_id: string;
  user_id: string;
  joined_at: number;
}

export interface CallRecordsTable {
  app_key: string;
  call_id: string;
  conversation_type: number;
  target_id: string;
  channel_id: string;
  caller_id: string;
  media_type: number;
  extra: string;
  created_at: number;
  begin_at: number;
  end_at: number;
  duration_ms: number;
  end_reason: number;
  /** Mean MOS of the participants (migration 0008), null until telemetry arrived. */
  quality_mos: number | null;
}

export interface CallParticipantsTable {
  app_key: string;
  call_id: string;
  /** Order of the participant in the record (0 = first). */
  position: number;
  user_id: string;
  device_id: string;
  is_caller: number;
  joined_at: number;
  left_at: number;
  end_reason: number;
}

/** One-way blacklist entries: `blocked_id` may not call `owner_id`. */
export interface BlacklistsTable {
  app_key: string;
  owner_id: string;
  blocked_id: string;
  created_at: number;
}

/** Server bans; a row whose `ends_at` has passed is inert (and replaced by the next ban). */
export interface BansTable {
  app_key: string;
  user_id: string;
  ends_at: number;
}

/** RTC bans; `room_id` '' = every room. */
export interface RtcBansTable {
  app_key: string;
  user_id: string;
  room_id: string;
  ends_at: number;
}

/**
 * Missed calls, kept until a device of their user acks the event carrying them. Indexed by
 * (app_key, user_id, added_at) for delivery and, from migration 0004, by added_at for retention.
 */
export interface OfflineRecordsTable {
  app_key: string;
  user_id: string;
  call_id: string;
  /** Server time (ms) the record was stored: delivery order and retention age. */
  added_at: number;
  conversation_type: number;
  target_id: string;
  channel_id: string;
  inviter_id: string;
  media_type: number;
  end_reason: number;
  begin_timestamp: number;
  end_timestamp: number;
  duration: number;
}

export interface ActiveCallsTable {
  app_key: string;
  call_id: string;
  snapshot: string;
  updated_at: number;
  owner_node: Generated<string>;
  owner_epoch: Generated<number>;
}

/** The transactional outbox (migration 0005); see `OutboxStore` in ports.ts. */
export interface OutboxTable {
  id: string;
  topic: string;
  order_key: string;
  payload: string;
  created_at: number;
  due_at: number;
  attempts: Generated<number>;
  last_error: string | null;
  claimed_by: string | null;
  claimed_until: number | null;
  /** Set when given up: a dead letter, never claimed again, pruned after a retention period. */
  failed_at: number | null;
}

/** A call's timeline (migration 0008); `kind` is a {@link CallEventKind} in ports/insights.ts. */
export interface CallEventsTable {
  id: string;
  app_key: string;
  call_id: string;
  at: number;
  kind: string;
  user_id: string;
  device_id: string;
  /** JSON or '' (the kind's own details, e.g. an end reason). */
  detail: string;
}

/** Setup timings per participant device (migration 0008); null = not measured. */
export interface CallSetupTimingsTable {
  app_key: string;
  call_id: string;
  user_id: string;
  device_id: string;
  at: number;
  invite_to_ringing_ms: number | null;
  accept_to_ice_connected_ms: number | null;
  accept_to_first_frame_ms: number | null;
}

/** SDK quality samples (migration 0008): one per participant device, track and sample time. */
export interface QualitySamplesTable {
  app_key: string;
  call_id: string;
  user_id: string;
  device_id: string;
  at: number;
  kind: string;
  direction: string;
  peer_user_id: string;
  bitrate_kbps: number | null;
  packet_loss_pct: number | null;
  jitter_ms: number | null;
  rtt_ms: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  freeze_count: number | null;
  freeze_ms: number | null;
  limitation: string | null;
  candidate_type: string | null;
  mos: number | null;
}

export interface ConsoleSettingsTable {
  name: string;
  value: string;
  created_at: number;
}

export interface ConsoleRevokedSessionsTable {
  session_id: string;
  expires_at: number;
}

/** The VAPID key pair (migration 0010): one row, id 'vapid'; keys base64url as the `web-push` package writes them. */
export interface WebPushKeysTable {
  id: string;
  public_key: string;
  private_key: string;
  created_at: number;
}

/** Web Push subscriptions (migration 0010), one per device; `capability_hash` = SHA-256 (hex) of the decline token. */
export interface WebPushSubscriptionsTable {
  app_key: string;
  user_id: string;
  device_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  capability_hash: string;
  created_at: number;
  last_ok_at: number | null;
}

export interface Database {
  apps: AppsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  call_records: CallRecordsTable;
  call_participants: CallParticipantsTable;
  blacklists: BlacklistsTable;
  bans: BansTable;
  rtc_bans: RtcBansTable;
  offline_records: OfflineRecordsTable;
  active_calls: ActiveCallsTable;
  outbox: OutboxTable;
  call_events: CallEventsTable;
  call_setup_timings: CallSetupTimingsTable;
  quality_samples: QualitySamplesTable;
  console_settings: ConsoleSettingsTable;
  console_revoked_sessions: ConsoleRevokedSessionsTable;
  web_push_keys: WebPushKeysTable;
  web_push_subscriptions: WebPushSubscriptionsTable;
}
