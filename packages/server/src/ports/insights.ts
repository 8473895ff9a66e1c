/**
 * Contracts between the call telemetry (writes), the console and the signed read API (reads), and
 * the app administration (issues 13 and 14). Tables: migration 0008-call-insights. Each interface is
 * implemented once, in services/insights (telemetry, queries) and services/apps (administration).
 */
import type { RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import type { CallParticipantRecord, CallRecord } from './storage.js';

/** Timeline event kinds, in the order a call usually has them. */
export const CALL_EVENT_KINDS = [
  'invite',
  'ringing',
  'accept',
  'reject',
  'join',
  'leave',
  'media_type',
  'recovery',
  'takeover',
  'end',
] as const;
export type CallEventKind = (typeof CALL_EVENT_KINDS)[number];

export interface CallEvent {
  at: number;
  kind: CallEventKind;
  /** '' when the event is the call's own (e.g. `end`). */
  userId: string;
  deviceId: string;
  /** The kind's details (an end reason, a media type, a recovery cause), JSON-compatible. */
  detail?: Record<string, unknown>;
}

/** How one participant device's setup went (ms); undefined = not measured. */
export interface SetupTimings {
  inviteToRingingMs?: number;
  acceptToIceConnectedMs?: number;
  acceptToFirstFrameMs?: number;
}

export type MediaPath = 'p2p' | 'mesh' | 'sfu';
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** One quality sample of one track, as stored (units in the names). */
export interface QualitySample {
  userId: string;
  deviceId: string;
  at: number;
  kind: 'audio' | 'video';
  direction: 'send' | 'recv';
  /** The remote user of a P2P/mesh link or of an SFU subscription; '' when not known. */
  peerUserId: string;
  bitrateKbps?: number;
  packetLossPct?: number;
  jitterMs?: number;
  rttMs?: number;
  fps?: number;
  width?: number;
  height?: number;
  freezeCount?: number;
  freezeMs?: number;
  /** RTCOutboundRtpStreamStats.qualityLimitationReason ('none', 'cpu', 'bandwidth', 'other'). */
  limitation?: string;
  candidateType?: CandidateType;
  /** E-model style MOS 1–4.5 (services/insights/mos.ts), set on audio samples by the server. */
  mos?: number;
}

/** One participant of a call as the console shows it. */
export interface CallDetailParticipant extends CallParticipantRecord {
  setup: SetupTimings;
  /** Mean MOS of the participant's samples; undefined without telemetry. */
  mos?: number;
  candidateTypes: CandidateType[];
}

/** Everything known about one call: `GET /console/api/calls/<callId>` answers this as JSON. */
export interface CallDetail {
  call: Omit<CallRecord, 'participants'> & {
    /** True while the call is in flight (the record fields are then provisional: endAt 0). */
    live: boolean;
    mediaPath?: MediaPath;
    /** Some participant's media went through TURN. */
    relayed?: boolean;
    /** Mean of the participants' MOS. */
    qualityMos?: number;
  };
  participants: CallDetailParticipant[];
  events: CallEvent[];
  samples: QualitySample[];
}

/** Loads {@link CallDetail} (services/insights/call-detail.ts). */
export type LoadCallDetail = (appKey: string, callId: string) => Promise<CallDetail | undefined>;

/** A call-record search (console and `/call/query.json`). Times are ms; `page` counts from 1. */
export interface CallSearch {
  appKey: string;
  userId?: string;
  from?: number;
  to?: number;
  endReason?: RCCallEndReason;
  minDurationMs?: number;
  maxDurationMs?: number;
  minMos?: number;
  maxMos?: number;
  page: number;
  size: number;
}

export interface CallSummary extends CallRecord {
  qualityMos?: number;
}

export interface UsageDay {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  calls: number;
  /** Connected minutes by kind (sum over calls of duration, not per participant). */
  minutes: { audio1v1: number; video1v1: number; audioGroup: number; videoGroup: number };
  peakConcurrentCalls: number;
}

export interface OverviewRange {
  appKey: string;
  from: number;
  to: number;
}

/** The console overview's stored figures (live figures come from the running server). */
export interface CallOverview {
  callsPerMinute: { minute: number; calls: number }[];
  setupMs: { p50?: number; p95?: number; samples: number };
  /** Calls by quality band of their MOS: ≥4 good, ≥3.6 fair, ≥3.1 poor, below bad; none = no telemetry. */
  qualityBands: { good: number; fair: number; poor: number; bad: number; none: number };
  endReasons: { reason: RCCallEndReason; calls: number }[];
}

/** Read queries over stored calls (services/insights/call-queries.ts). */
export interface CallQueries {
  search(query: CallSearch): Promise<{ total: number; calls: CallSummary[] }>;
  usagePerDay(appKey: string, fromDay: string, toDay: string): Promise<UsageDay[]>;
  overview(range: OverviewRange): Promise<CallOverview>;
}

/** {@link CallQueries} plus one stored call by id (`/call/info.json` when no {@link LoadCallDetail} is wired). */
export interface StoredCallQueries extends CallQueries {
  get(appKey: string, callId: string): Promise<CallSummary | undefined>;
}

export type AppEnvironment = 'development' | 'production';

/** An App Key as the console lists it (never its secret). */
export interface ManagedApp {
  /** The app both keys belong to. */
  projectId: string;
  name: string;
  environment: AppEnvironment;
  appKey: string;
  createdAt: number;
  disabled: boolean;
  audioCallEnabled: boolean;
  videoCallEnabled: boolean;
  /** While set and in the future, the previous secret still signs and verifies. */
  previousSecretValidUntil?: number;
  webhookUrl?: string;
  rtcCallbackUrl?: string;
}

export interface AppCredentials {
  appKey: string;
  appSecret: string;
}

/** App administration (services/apps/app-admin.ts). */
export interface AppAdmin {
  list(): Promise<ManagedApp[]>;
  create(name: string): Promise<{ projectId: string; development: AppCredentials; production: AppCredentials }>;
  /** New secret; the old one stays valid for `graceMs`. */
  rotateSecret(appKey: string, graceMs: number): Promise<{ appSecret: string; previousValidUntil: number }>;
  setServices(appKey: string, services: { audio?: boolean; video?: boolean }): Promise<void>;
  setDisabled(appKey: string, disabled: boolean): Promise<void>;
  setCallbacks(appKey: string, callbacks: { webhookUrl?: string | null; rtcCallbackUrl?: string | null }): Promise<void>;
}

export type DeliveryStatus = 'pending' | 'failed';

/** One webhook (or push) delivery in the outbox, as the console lists it. */
export interface DeliveryView {
  id: string;
  topic: string;
  appKey: string;
  /** `call.ended`, `rtc.room.1`, ... */
  event: string;
  callId: string;
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
  createdAt: number;
  dueAt: number;
  failedAt?: number;
}

/** Deliveries still in the outbox (delivered rows are deleted) (services/webhooks/deliveries.ts). */
export interface WebhookDeliveries {
  list(options: { appKey?: string; status?: DeliveryStatus; page: number; size: number }): Promise<{ total: number; rows: DeliveryView[] }>;
  /** Make a failed (or pending) delivery due now with its attempts reset; false when unknown. */
  replay(id: string): Promise<boolean>;
}

/** Media type of a stored call, for the usage split. */
export type { RCCallMediaType };
