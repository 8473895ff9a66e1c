/**
 * Calls across restarts, node failures and fresh event streams: a call restored from the journal (or
 * taken over from a dead node) goes on here (`carryOn`); a call lost to another node is dropped here
 * without a word (`forget`); at a cluster node's shutdown every call is handed over (`handOver`);
 * after a Redis outage the user call index is written again (`retrackAll`); a device with a fresh
 * event stream learns which of its calls go on (`resync`).
 */
import { type CallResyncReply, type CallResyncState, RCCallEndReason } from '@opencall/protocol';
import type { ImConnection } from '../im/im-connection.js';
import type { Call } from './call.js';
import type { CallContext, CallCore } from './call-core.js';
import { heldSfuRoom, usedProcessSfuRoom } from './call-recovery.js';
import type { DevicePresence } from './device-presence.js';
import { type IntentResult, ok } from './intent-result.js';

/** Carries calls on across restarts and takeovers, and lets go of those another node owns. */
export class CallContinuity {
  constructor(
    private readonly core: Pick<CallCore, 'end' | 'armRingTimer' | 'drain'>,
    private readonly ctx: Pick<CallContext, 'storage' | 'logger' | 'now' | 'calls' | 'mediaRooms' | 'journal' | 'timeline' | 'cluster'>,
    private readonly presence: Pick<DevicePresence, 'awaitReturn' | 'close'>,
  ) {}

  /**
   * A call restored from the journal (after a restart, or taken over from a dead node) goes on: ring
   * timers re-armed at their deadlines (overdue ones fire now), and every chosen device gets the
   * reconnect grace to come back. A call whose SFU room outlived its node (remote Janus) takes the room
   * over (its media never stopped); it ends with NETWORK_ERROR if the room cannot be had. A call whose
   * room died with its node (a local Janus) ends with NETWORK_ERROR at once.
   */
  carryOn(call: Call): void {
    const { calls, cluster } = this.ctx;
    calls.add(call);
    this.ctx.journal.adopt(call);
    if (usedProcessSfuRoom(call)) {
      for (const participant of call.present()) calls.link(call, participant.userId);
      this.core.end(call, RCCallEndReason.NETWORK_ERROR);
      return;
    }
    this.ctx.mediaRooms.restoreP2pRoom(call);
    if (heldSfuRoom(call)) this.takeOverSfuRoom(call);
    const now = this.ctx.now();
    if (cluster) this.ctx.timeline.takenOver(call, cluster.deps.bus.nodeId);
    for (const participant of call.present()) {
      if (!cluster && participant.deviceId !== undefined)
        this.ctx.timeline.recovered(call, participant.userId, participant.deviceId, 'restart');
      calls.link(call, participant.userId);
      cluster?.track(call, participant);
      if (!participant.isCaller && participant.state === 'waiting')
        this.core.armRingTimer(call, participant, participant.ringDeadline - now);
      if (participant.deviceId !== undefined) this.presence.awaitReturn(call, participant.userId, participant.deviceId);
    }
  }

  /** Claims the call's SFU room; if the SFU no longer has it, the call cannot keep its media and ends. */
  private takeOverSfuRoom(call: Call): void {
    const startedAt = this.ctx.now();
    void this.ctx.mediaRooms.resumeSfuRoom(call).then((resumed) => {
      if (resumed) {
        this.ctx.logger.info({ callId: call.callId, claimMs: this.ctx.now() - startedAt }, 'SFU room taken over: the call goes on');
        return;
      }
      if (call.state === 'ended' || this.ctx.calls.get(call.appKey, call.callId) !== call) return;
      this.core.end(call, RCCallEndReason.NETWORK_ERROR);
    });
  }

  /**
   * Calls this node lost to another (fenced journal write, or a lease found taken after a pause):
   * dropped here without a word to anyone — their new owner carries them on.
   */
  forget(lost: Call[], why: string): void {
    for (const call of lost) {
      if (this.ctx.calls.get(call.appKey, call.callId) !== call) continue;
      for (const participant of call.participants.values()) participant.stopRinging();
      this.ctx.calls.drop(call);
      this.ctx.mediaRooms.forgetRoom(call);
      this.ctx.logger.warn({ callId: call.callId }, `call dropped on this node (${why})`);
    }
  }

  /**
   * Cluster mode's shutdown: every call stays journaled (written now) and is dropped here without a
   * word, for another node to take over; nothing ends.
   */
  async handOver(): Promise<void> {
    this.core.drain();
    await this.ctx.journal.flushed();
    this.forget(this.ctx.calls.all(), 'handed over: this node is shutting down');
    this.presence.close();
  }

  /** Cluster mode, after Redis came back (maybe without its data): every local call is indexed again. */
  retrackAll(): void {
    for (const call of this.ctx.calls.all()) for (const participant of call.present()) this.ctx.cluster?.track(call, participant);
  }

  /**
   * `call.resync` after a fresh event stream: which of the device's calls go on; for the others this
   * device's end reason (from the live call, else from the stored record; unknown → NETWORK_ERROR).
   */
  async resync(from: ImConnection, callIds: string[]): Promise<IntentResult> {
    const calls: CallResyncState[] = [];
    for (const callId of new Set(callIds)) calls.push(await this.resyncState(from, callId));
    return { ...ok, data: { calls } satisfies CallResyncReply };
  }

  private async resyncState(from: ImConnection, callId: string): Promise<CallResyncState> {
    const call = this.ctx.calls.get(from.appKey, callId);
    const participant = call?.participants.get(from.userId);
    if (call && participant && call.state !== 'ended') {
      const mine = participant.deviceId === from.deviceId || (participant.deviceId === undefined && participant.state === 'waiting');
      if (participant.state !== 'left' && mine) return { callId, live: true };
      const reason =
        participant.state === 'left' ? (participant.endReason ?? RCCallEndReason.NETWORK_ERROR) : RCCallEndReason.ACCEPT_BY_OTHER_CLIENT;
      return { callId, live: false, reason, beginTime: call.beginAt, endTime: participant.leftAt || this.ctx.now() };
    }
    await this.ctx.journal.durable().catch(() => undefined);
    const record = await this.ctx.storage.calls.get(from.appKey, callId);
    const own = record?.participants.find((p) => p.userId === from.userId);
    if (record && own) return { callId, live: false, reason: own.endReason, beginTime: record.beginAt, endTime: own.leftAt };
    return { callId, live: false, reason: RCCallEndReason.NETWORK_ERROR, beginTime: 0, endTime: this.ctx.now() };
  }
}
