/**
 * Cluster mode: the calls of a user that other nodes own, for the rules that span calls (busy, glare,
 * one call per user, ringing stops elsewhere). The owner of each call keeps the user call index up to
 * date; a node asks the owner of another call to stop ringing through the node bus.
 */
import { ConversationType } from '@opencall/protocol';
import type { CallLeases, NodeBus, UserCallEntry, UserCallIndex } from '../../ports/index.js';
import type { Call, Participant } from './call.js';
import type { CallDirectory } from './call-directory.js';

export interface ClusterCallsDeps {
  index: UserCallIndex;
  leases: CallLeases;
  bus: NodeBus;
}

export class ClusterCalls {
  constructor(
    readonly deps: ClusterCallsDeps,
    private readonly directory: CallDirectory,
  ) {}

  /** The user's calls owned by other nodes. */
  elsewhere(appKey: string, userId: string): Promise<UserCallEntry[]> {
    const own = new Set(this.directory.callsOf(appKey, userId).map((call) => call.callId));
    return this.deps.index.elsewhere(appKey, userId, own);
  }

  /** The participant's place in the call, as other nodes see it. */
  track(call: Call, participant: Participant): void {
    if (participant.state === 'left') return;
    this.deps.index.put(call.appKey, participant.userId, {
      callId: call.callId,
      state: participant.state,
      isCaller: participant.isCaller,
      callerId: call.init.callerId,
      targetId: call.init.targetId,
      conversationType: call.init.conversationType,
      ...(participant.deviceId === undefined ? {} : { deviceId: participant.deviceId }),
    });
  }

  untrack(call: Call, userId: string): void {
    this.deps.index.remove(call.appKey, userId, call.callId);
  }

  /** Asks the owners of the calls ringing for `userId` to stop (the user answered or placed a call). */
  stopRinging(appKey: string, userId: string, entries: readonly UserCallEntry[]): void {
    for (const entry of entries) {
      if (entry.isCaller || entry.state !== 'waiting') continue;
      void this.deps.leases.holder(appKey, entry.callId).then(
        (holder) => {
          if (holder)
            this.deps.bus.send(holder, { t: 'call_command', appKey, callId: entry.callId, command: { op: 'stop_ringing', userId } });
        },
        () => undefined,
      );
    }
  }
}

/** Glare with a call owned elsewhere: `calleeId` is calling `callerId` 1:1 and it still rings for them. */
export function crossingEntry(entries: readonly UserCallEntry[], calleeId: string): UserCallEntry | undefined {
  return entries.find(
    (e) =>
      e.conversationType === ConversationType.PRIVATE &&
      !e.isCaller &&
      e.state === 'waiting' &&
      e.deviceId === undefined &&
      e.callerId === calleeId,
  );
}

/** A call owned elsewhere that the user is engaged in (answered, or placing). */
export function engagedEntry(entries: readonly UserCallEntry[]): UserCallEntry | undefined {
  return entries.find((e) => e.isCaller || e.state === 'keeping');
}
