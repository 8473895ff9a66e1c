/**
 * The telemetry's storage (migration 0008-call-insights): call timelines, setup timings, quality
 * samples and each record's quality summary. Written by services/insights, read by its call detail.
 */
import type { CallEvent, QualitySample, SetupTimings } from './insights.js';

/** A timeline event of one call, as written. */
export interface StoredCallEvent extends CallEvent {
  /** Unique (the dedupe key when a grouped write is retried). */
  id: string;
  appKey: string;
  callId: string;
}

/** One participant device's setup timings, as stored. */
export interface DeviceSetup extends SetupTimings {
  userId: string;
  deviceId: string;
  at: number;
}

/** What one tick of telemetry ingest writes, across calls (services/insights/telemetry-writer.ts). */
export interface TelemetryBatch {
  samples: ReadonlyArray<{ appKey: string; callId: string; sample: QualitySample }>;
  /** At most one per call and device (merged by the writer). */
  setups: ReadonlyArray<{ appKey: string; callId: string; setup: DeviceSetup }>;
}

export interface TelemetryStore {
  /** Insert timeline events (one statement); ids already stored are skipped. */
  addEvents(events: readonly StoredCallEvent[]): Promise<void>;
  /** Store the device's timings; a timing already stored is kept when `setup` lacks it. */
  saveSetup(appKey: string, callId: string, setup: DeviceSetup): Promise<void>;
  /**
   * Insert samples and save setup timings of many calls: one statement each (per 500 rows). A timing
   * already stored is kept when the new one lacks it. Run it in a transaction for one commit.
   */
  addBatch(batch: TelemetryBatch): Promise<void>;
  /** Insert samples of one call (one statement). */
  addSamples(appKey: string, callId: string, samples: readonly QualitySample[]): Promise<void>;
  /** Samples stored for the call, per `userId/deviceId` key. */
  sampleCounts(appKey: string, callId: string): Promise<Map<string, number>>;
  /** The call's timeline, oldest first. */
  events(appKey: string, callId: string): Promise<CallEvent[]>;
  setups(appKey: string, callId: string): Promise<DeviceSetup[]>;
  /** Up to `limit` samples of the call, oldest first. */
  samples(appKey: string, callId: string, limit: number): Promise<QualitySample[]>;
  /** Mean MOS of each user's audio samples in the call. */
  meanMosByUser(appKey: string, callId: string): Promise<Map<string, number>>;
  /** Set `call_records.quality_mos`; false when the call has no record (yet). */
  setRecordMos(appKey: string, callId: string, mos: number): Promise<boolean>;
  /** Delete events, timings and samples older than `before` (ms); returns how many rows went. */
  prune(before: number): Promise<number>;
}
