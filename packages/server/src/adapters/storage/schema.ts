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

export interface Database {
  apps: AppsTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  call_records: CallRecordsTable;
  call_participants: CallParticipantsTable;
}
