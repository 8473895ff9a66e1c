/**
 * Start-up after a crash (`kill -9`) or a restart: every call the journal holds is either carried on
 * or closed.
 * - Carried on (restored): its last change is recent (within `restoreWithinMs`) and its media never went
 *   through a room that died with the process (1:1 and mesh calls are P2P between the browsers; a
 *   room on a remote Janus outlives it and is taken over, `call.sfuRoom`). The call service re-arms its ring timers and gives each chosen
 *   device the reconnect grace to come back.
 * - Closed: NETWORK_ERROR for whoever was still in it, its record, and an offline record for each
 *   invitee it never reached (one transaction per call); participants' devices are told on connect.
 */
import { RCCallEndReason } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { NewOutboxRow, Storage } from '../../ports/index.js';
import type { Call } from './call.js';
import { callFromSnapshot } from './call-snapshot.js';
import { missedCalls, storeMissedCalls } from './offline-records.js';

/** A call closed at start-up: who was still in it. */
export interface RecoveredCall {
  appKey: string;
  callId: string;
  beginAt: number;
  endAt: number;
  /** Participants still in the call that had seen it (invitees it never reached get an offline record). */
  userIds: string[];
}

export interface StartupRecovery {
  /** Calls carried on: their snapshot rows stay (the call service adopts them). */
  restored: Call[];
  /** Calls closed with NETWORK_ERROR. */
  closed: RecoveredCall[];
}

export interface RecoveryOptions {
  /** Snapshots older than this (ms) are closed, not restored; 0 restores nothing. */
  restoreWithinMs: number;
  /** Outbox rows a closed call's end causes (its `call.ended` webhook), stored in the transaction that closes it. */
  endRows?: (call: Call, now: number) => NewOutboxRow[];
}

/** The call's media went through an SFU room that died with the process that drove it (no hand-over state: a local Janus). */
export function usedProcessSfuRoom(call: Call): boolean {
  return call.roomMode === 'sfu' && call.sfuRoom === undefined && call.present().some((p) => p.inRoom);
}

/** The call's media goes through an SFU room that outlives its node: the next owner takes it over. */
export function heldSfuRoom(call: Call): boolean {
  return call.roomMode === 'sfu' && call.sfuRoom !== undefined && call.present().some((p) => p.inRoom);
}

function restorable(call: Call, updatedAt: number, now: number, options: RecoveryOptions): boolean {
  if (options.restoreWithinMs <= 0 || now - updatedAt > options.restoreWithinMs) return false;
  return !usedProcessSfuRoom(call) && call.present().length > 0;
}

async function close(storage: Storage, appKey: string, call: Call, now: number, options: RecoveryOptions): Promise<RecoveredCall> {
  const present: string[] = [];
  for (const participant of call.present()) {
    participant.leave(now, RCCallEndReason.NETWORK_ERROR);
    if (participant.reached) present.push(participant.userId);
  }
  await storage.transaction(async (tx) => {
    await tx.calls.save(call.toRecord(now));
    await storeMissedCalls(tx, appKey, missedCalls(call, now));
    await tx.activeCalls.remove(appKey, call.callId, call.ownerEpoch);
    const rows = options.endRows?.(call, now) ?? [];
    if (rows.length > 0) await tx.outbox.enqueue(rows);
  });
  return { appKey, callId: call.callId, beginAt: call.beginAt, endAt: now, userIds: present };
}

/** Reads the journal once at start-up: restores what can go on, closes the rest. */
export async function recoverInterruptedCalls(
  storage: Storage,
  logger: Logger,
  now: number,
  options: RecoveryOptions,
): Promise<StartupRecovery> {
  const result: StartupRecovery = { restored: [], closed: [] };
  for (const entry of await storage.activeCalls.all()) {
    try {
      const { call } = callFromSnapshot(entry.snapshot);
      call.ownerEpoch = entry.ownerEpoch;
      if (restorable(call, entry.updatedAt, now, options)) result.restored.push(call);
      else result.closed.push(await close(storage, entry.appKey, call, now, options));
    } catch (error) {
      logger.error({ err: error, callId: entry.callId }, 'could not recover an interrupted call');
      await storage.activeCalls.remove(entry.appKey, entry.callId);
    }
  }
  if (result.restored.length > 0) logger.warn({ calls: result.restored.length }, 'carrying on calls interrupted by the previous shutdown');
  if (result.closed.length > 0) logger.warn({ calls: result.closed.length }, 'closed calls interrupted by the previous shutdown');
  return result;
}
