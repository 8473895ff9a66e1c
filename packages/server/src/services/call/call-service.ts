/**
 * The server-authoritative call service (DESIGN.md §2): validates intents, drives the call and
 * participant machines, runs ring timers, fans out events, stores the record.
 *
 * Reasons: a leaver's own reason goes to the others in `call.member_left` (they map it with
 * `toRemoteEndReason`); when the call ends, each remaining participant gets `call.ended` with the
 * remote form of the reason of the leave that ended it.
 *
 * Multi-device rules (README "Calls and devices"): a user is in at most one call. Inviting a user who
 * is in another call ends the invite for them at once — BUSY_LINE (4) when no other device of theirs
 * is connected, else OTHER_CLIENT_IN_CALL (22). A user who answers or places a call stops ringing for
 * every other call with OTHER_CLIENT_JOINED_CALL (21).
 */
import {
  type CallInviteRequest,
  CLIENT_STATED_END_REASONS,
  ConversationType,
  defaultPushTitle,
  ErrorCode,
  RCCallEndReason,
  RCCallErrorCode,
  RCCallMediaType,
  RCRTCCode,
  type UserProfile,
} from '@opencall/protocol';
import type { Logger } from 'pino';
import type { CallCommand, Storage, UserCallEntry } from '../../ports/index.js';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import type { ImConnection } from '../im/im-connection.js';
import { isRemoteDevice } from '../im/remote-devices.js';
import { AttemptCounter } from './attempt-counter.js';
import { Call, type Participant } from './call.js';
import { inviteBlocks } from './call-blacklist.js';
import { CallContinuity } from './call-continuity.js';
import { CallCore } from './call-core.js';
import { CallDirectory } from './call-directory.js';
import { CallFanout } from './call-fanout.js';
import { CallJournal } from './call-journal.js';
import { CallPush, type PushText } from './call-push.js';
import { automaticReason, joinedRooms } from './call-queries.js';
import type { RecoveredCall } from './call-recovery.js';
import { CallRules } from './call-rules.js';
import { ClusterCalls, type ClusterCallsDeps } from './cluster-calls.js';
import { DevicePresence } from './device-presence.js';
import { fail, type IntentResult, ok } from './intent-result.js';
import { invitedEventFor } from './invited-event.js';
import { MediaRelay } from './media-relay.js';
import { OfflineRecords } from './offline-records.js';
import { RecoveredCallNotices } from './recovered-notices.js';

export type { IntentResult } from './intent-result.js';

export interface CallServiceOptions {
  storage: Storage;
  registry: ConnectionRegistry;
  logger: Logger;
  ringTimeoutMs: number;
  /** How long a participant's chosen device may be disconnected before it leaves with NETWORK_ERROR. */
  reconnectGraceMs?: number;
  /** Set when push is configured: notices are written to the outbox with the call change, and this is nudged after each commit that added some. */
  outbox?: { nudge(): void };
  /** Participants a group call may hold with an SFU (default 16; without one the mesh limit applies). */
  maxCallParticipants?: number;
  /** Calls one user may place per minute (default 30). */
  callsPerMinute?: number;
  /** Calls a previous process left in flight, already closed: their participants' devices are told on connect. */
  recovered?: RecoveredCall[];
  /** Calls a previous process left in flight that go on here (from their journal snapshots). */
  restored?: Call[];
  /** Cluster mode: this node's id, call leases, the user call index and the node bus. */
  cluster?: ClusterCallsDeps;
  now?: () => number;
}

type InviteBody = Omit<CallInviteRequest, 't' | 'rid'>;

export class CallService {
  readonly calls: CallDirectory;
  readonly media: MediaRelay;
  private readonly fanout: CallFanout;
  private readonly presence: DevicePresence;
  private readonly offline: OfflineRecords;
  private readonly push: CallPush;
  private readonly journal: CallJournal;
  private readonly now: () => number;
  private readonly attempts: AttemptCounter;
  private readonly core: CallCore;
  private readonly rules: CallRules;
  private readonly continuity: CallContinuity;
  /** Cluster mode only: the calls other nodes own. */
  private readonly cluster: ClusterCalls | undefined;

  constructor(private readonly options: CallServiceOptions) {
    this.now = options.now ?? Date.now;
    this.calls = new CallDirectory(this.now);
    this.push = new CallPush(
      options.outbox ? { enqueue: (call, rows) => this.journal.enqueue(call, rows) } : undefined,
      options.registry,
      this.now,
    );
    this.fanout = new CallFanout(options.registry);
    this.journal = new CallJournal(options.storage, options.logger, this.now, options.cluster?.bus.nodeId ?? '', () =>
      options.outbox?.nudge(),
    );
    this.cluster = options.cluster ? new ClusterCalls(options.cluster, this.calls) : undefined;
    this.journal.onFenced((calls) => this.continuity.forget(calls, 'fenced: another node owns the call now'));
    options.cluster?.leases.onLost((lost) =>
      this.continuity.forget(
        lost.flatMap(({ appKey, callId }) => this.calls.get(appKey, callId) ?? []),
        'lease lost',
      ),
    );
    this.media = new MediaRelay(this.calls, options.registry, (call) => this.journal.record(call));
    this.core = new CallCore({
      logger: options.logger,
      now: this.now,
      calls: this.calls,
      media: this.media,
      fanout: this.fanout,
      journal: this.journal,
      push: this.push,
      cluster: this.cluster,
    });
    this.rules = new CallRules(this.core, {
      storage: options.storage,
      registry: options.registry,
      now: this.now,
      calls: this.calls,
      cluster: this.cluster,
    });
    // Reads wait for the journal, so a record stored by a call that just ended is not missed.
    this.offline = new OfflineRecords(options.storage, options.logger, this.now, () => this.journal.flushed());
    this.attempts = new AttemptCounter(options.callsPerMinute ?? 30, 60_000, this.now);
    this.presence = new DevicePresence(
      this.calls,
      {
        isDeviceOnline: (appKey, userId, deviceId) => options.registry.deviceConnection(appKey, userId, deviceId) !== undefined,
        replayInvite: (connection, call) => {
          connection.sendEvent(invitedEventFor(call, call.participants.get(connection.userId)!, this.now()));
          this.journal.record(call); // the invitee is now reached: no offline record if recovery ends it
        },
        // Offline records go out from the node that holds the device's stream (it tracks the acks).
        deliverOfflineRecords: (connection) => {
          if (!isRemoteDevice(connection)) this.offline.deliver(connection);
        },
        graceExpired: (call, userId, deviceId) => {
          if (!this.core.owns(call)) return; // another node carries the call on, or this one is checking its lease
          const participant = call.participants.get(userId);
          if (call.state !== 'ended' && participant && participant.state !== 'left' && participant.deviceId === deviceId) {
            this.core.leave(call, participant, RCCallEndReason.NETWORK_ERROR, undefined);
          }
        },
      },
      options.reconnectGraceMs ?? 20_000,
    );
    this.continuity = new CallContinuity(
      this.core,
      {
        storage: options.storage,
        logger: options.logger,
        now: this.now,
        calls: this.calls,
        media: this.media,
        journal: this.journal,
        cluster: this.cluster,
      },
      this.presence,
    );
    options.registry.onConnected((connection, resumed) => this.presence.connected(connection, resumed));
    const recovered = options.recovered ?? [];
    if (recovered.length > 0) {
      const notices = new RecoveredCallNotices(recovered, this.now);
      options.registry.onConnected((connection, resumed) => {
        if (resumed) return;
        for (const event of notices.take(connection.appKey, connection.userId, connection.deviceId)) connection.sendEvent(event);
      });
    }
    options.registry.onDisconnected((connection) => this.presence.disconnected(connection));
    for (const call of options.restored ?? []) this.carryOn(call);
  }

  /**
   * A call restored from the journal (after a restart, or taken over from a dead node) goes on: ring
   * timers re-armed at their deadlines (overdue ones fire now), and every chosen device gets the
   * reconnect grace to come back. A call whose media went through an SFU room ends with
   * NETWORK_ERROR instead: the room was driven by the process that is gone.
   */
  carryOn(call: Call): void {
    this.continuity.carryOn(call);
  }

  async invite(from: ImConnection, request: InviteBody): Promise<IntentResult> {
    const { appKey, userId } = from;
    const invitees = [...new Set(request.userIds)];
    if (invitees.includes(userId) || request.targetId === userId) return fail(RCCallErrorCode.PARAM_ERROR, 'cannot call yourself');
    const isGroup = request.conversationType === ConversationType.GROUP;
    if (!isGroup && (invitees.length !== 1 || invitees[0] !== request.targetId)) {
      return fail(RCCallErrorCode.PARAM_ERROR, 'a private call invites exactly its targetId');
    }
    if (isGroup) {
      const refused = await this.rules.groupRefusal(appKey, request.targetId, userId, invitees);
      if (refused) return refused;
    } else if (await this.options.storage.blacklists.has(appKey, request.targetId, userId)) {
      return fail(RCCallErrorCode.REJECTED_BY_BLACKLIST, 'the callee has blacklisted you');
    }
    const existing = this.calls.get(appKey, request.callId);
    // The same device sending its invite again (its answer was lost in a signaling pause): already placed.
    if (existing?.init.callerId === userId && existing.init.callerDeviceId === from.deviceId) return this.core.stored();
    if (existing || this.calls.endedRecently(appKey, request.callId)) return fail(RCCallErrorCode.DUPLICATE_CALL_ID, 'callId already used');
    if (this.core.isDraining()) return fail(RCCallErrorCode.SERVER_DRAINING, 'the server is shutting down');
    if (isGroup && invitees.length + 1 > this.groupCapacity())
      return fail(RCCallErrorCode.PARTICIPANT_LIMIT, `a group call holds at most ${this.groupCapacity()}`);
    if (!this.attempts.take(`${appKey}\u0000${userId}`))
      return fail(RCCallErrorCode.CALL_RATE_LIMITED, 'too many calls placed in the last minute');
    const callerElsewhere = (await this.cluster?.elsewhere(appKey, userId)) ?? [];
    const refused = this.rules.callerRefusal(appKey, userId, request.targetId, isGroup, callerElsewhere);
    if (refused) return refused;
    if (this.cluster && !(await this.cluster.deps.leases.acquireNew(appKey, request.callId)))
      return fail(RCCallErrorCode.DUPLICATE_CALL_ID, 'callId already used');
    if (this.calls.get(appKey, request.callId)) return fail(RCCallErrorCode.DUPLICATE_CALL_ID, 'callId already used');
    this.rules.stopRingingElsewhere(appKey, userId, request.callId, callerElsewhere);

    const call = new Call({
      appKey,
      callId: request.callId,
      conversationType: request.conversationType,
      targetId: request.targetId,
      channelId: request.channelId ?? '',
      mediaType: request.mediaType,
      callerId: userId,
      callerDeviceId: from.deviceId,
      extra: request.extra ?? '',
      createdAt: this.now(),
      callerProfile: request.user,
      pushTitle: request.pushTitle ?? defaultPushTitle('zh', request.mediaType),
      pushContent: request.pushContent ?? '',
    });
    this.calls.add(call);
    this.calls.link(call, userId);
    this.cluster?.track(call, call.caller());
    this.options.logger.debug({ appKey, callId: call.callId, callerId: userId, invitees: invitees.length }, 'call invited');
    await this.addInvitees(call, userId, invitees, request);
    if (!call.hasEnded()) this.journal.record(call);
    return this.core.stored();
  }

  async inviteMembers(
    from: ImConnection,
    callId: string,
    userIds: string[],
    push: PushText & { user?: UserProfile },
  ): Promise<IntentResult> {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (call.init.conversationType !== ConversationType.GROUP)
      return fail(RCCallErrorCode.CONVERSATION_NOT_GROUP_ERROR, 'invite is for group calls');
    const fresh = [...new Set(userIds)].filter(
      (id) => call.participants.get(id)?.state !== 'waiting' && call.participants.get(id)?.state !== 'keeping',
    );
    if (fresh.includes(from.userId)) return fail(RCCallErrorCode.PARAM_ERROR, 'cannot invite yourself');
    if (fresh.length === 0) return ok;
    if (call.present().length + fresh.length > this.groupCapacity()) {
      return fail(RCCallErrorCode.PARTICIPANT_LIMIT, `a group call holds at most ${this.groupCapacity()}`);
    }
    const refused = await this.rules.groupRefusal(call.appKey, call.init.targetId, from.userId, fresh);
    if (refused) return refused;
    if (call.state === 'ended') return fail(RCCallErrorCode.CALL_NOT_FOUND, 'no such call');
    if (push.user) participant.profile = push.user;
    this.fanout.toOthers(call, from.userId, {
      type: 'call.members_invited',
      callId,
      inviterId: from.userId,
      userIds: fresh,
      user: participant.profile,
    });
    await this.addInvitees(call, from.userId, fresh, push);
    if (!call.hasEnded()) this.journal.record(call);
    return this.core.stored();
  }

  /** Rings the invitees, except those the blacklist rule keeps out (call-blacklist.ts), and stops the rings it ends. */
  private async addInvitees(call: Call, inviterId: string, invitees: string[], push: PushText): Promise<void> {
    const now = this.now();
    const { blocked, ringsToStop } = await inviteBlocks(this.options.storage.blacklists, call, invitees);
    const lookup = this.rules.busyElsewhere(call, invitees);
    const busyElsewhere = lookup ? await lookup : new Map<string, UserCallEntry>();
    if (call.state === 'ended') return;
    const refusals: [Participant, RCCallEndReason][] = [];
    for (const invitee of invitees) {
      const reachable = this.options.registry.isOnline(call.appKey, invitee);
      const participant = call.addInvitee(invitee, inviterId, now + this.options.ringTimeoutMs, reachable);
      if (blocked.has(invitee)) {
        refusals.push([participant, RCCallEndReason.ADDED_TO_BLACKLIST]);
        continue;
      }
      const busy = this.rules.busyReason(call, participant, busyElsewhere);
      if (busy !== undefined) {
        refusals.push([participant, busy]);
        continue;
      }
      this.calls.link(call, invitee);
      this.cluster?.track(call, participant);
      this.core.armRingTimer(call, participant, this.options.ringTimeoutMs);
      this.fanout.toParticipant(call, participant, invitedEventFor(call, participant, now));
      if (!reachable) this.push.send(call, invitee, 'call', push);
    }
    for (const [participant, reason] of refusals) this.core.leave(call, participant, reason, undefined);
    for (const userId of ringsToStop) {
      const ringing = call.participants.get(userId);
      if (!call.hasEnded() && ringing?.state === 'waiting')
        this.core.leave(call, ringing, RCCallEndReason.ADDED_TO_BLACKLIST, undefined, true);
    }
  }

  ringing(from: ImConnection, callId: string, profile: UserProfile | undefined): IntentResult {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (participant.isCaller || participant.state !== 'waiting') return ok;
    if (profile) participant.profile = profile;
    if (!participant.rang) {
      participant.rang = true;
      this.fanout.toOthers(call, participant.userId, {
        type: 'call.ringing',
        callId,
        userId: participant.userId,
        user: participant.profile,
      });
    }
    return ok;
  }

  accept(
    from: ImConnection,
    callId: string,
    mediaType: RCCallMediaType | undefined,
    profile: UserProfile | undefined,
  ): IntentResult | Promise<IntentResult> {
    if (!this.cluster) return this.acceptNow(from, callId, mediaType, profile, []);
    return this.cluster
      .elsewhere(from.appKey, from.userId)
      .then((elsewhere) => this.acceptNow(from, callId, mediaType, profile, elsewhere));
  }

  /** `elsewhere`: the user's calls other nodes own (cluster mode). */
  private acceptNow(
    from: ImConnection,
    callId: string,
    mediaType: RCCallMediaType | undefined,
    profile: UserProfile | undefined,
    elsewhere: readonly UserCallEntry[],
  ): IntentResult | Promise<IntentResult> {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (participant.isCaller) return fail(RCCallErrorCode.INVALID_CALL_STATE, 'the caller cannot accept');
    // The same device answering again (its answer was lost in a signaling pause): already answered.
    if (participant.deviceId === from.deviceId && participant.state === 'keeping') return this.core.stored();
    if (participant.deviceId !== undefined) return fail(RCCallErrorCode.ANSWERED_ON_OTHER_DEVICE, 'answered on another device');
    if (participant.state !== 'waiting') return fail(RCCallErrorCode.INVALID_CALL_STATE, `cannot accept while ${participant.state}`);
    if (this.rules.engagedElsewhere(from.appKey, from.userId, callId, elsewhere))
      return fail(RCCallErrorCode.STATE_MACHINE_EXIT, 'you are in another call');
    this.rules.stopRingingElsewhere(from.appKey, from.userId, callId, elsewhere);
    const now = this.now();
    clearTimeout(participant.ringTimer);
    participant.deviceId = from.deviceId;
    participant.joinedAt = now;
    participant.reached = true;
    if (profile) participant.profile = profile;
    call.move(participant, 'accept');
    if (call.state === 'ringing') call.beginAt = now;
    call.apply('accepted');
    const caller = call.caller();
    if (caller.state === 'waiting') call.move(caller, 'join');
    this.cluster?.track(call, participant);
    this.cluster?.track(call, caller);
    if (mediaType !== undefined && mediaType < call.mediaType) call.mediaType = mediaType;
    this.fanout.toOtherDevices(
      call,
      participant.userId,
      from.deviceId,
      this.core.endedEvent(call, RCCallEndReason.ACCEPT_BY_OTHER_CLIENT, now),
    );
    this.fanout.toOthers(call, participant.userId, {
      type: 'call.accepted',
      callId,
      userId: participant.userId,
      deviceId: from.deviceId,
      mediaType: call.mediaType,
      user: participant.profile,
    });
    this.journal.record(call);
    return this.core.stored();
  }

  hangup(
    from: ImConnection,
    callId: string,
    statedReason: number | undefined,
    profile: UserProfile | undefined,
    push: PushText = {},
  ): IntentResult | Promise<IntentResult> {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (statedReason !== undefined && !CLIENT_STATED_END_REASONS.includes(statedReason)) {
      return fail(RCCallErrorCode.PARAM_ERROR, `reason ${statedReason} cannot be stated by a client`);
    }
    if (profile) participant.profile = profile;
    const reason = statedReason ?? automaticReason(participant);
    if (participant.isCaller && !call.hasAnswer()) this.push.hangupToUnreached(call, reason, push);
    this.core.leave(call, participant, reason, from.deviceId);
    return this.core.stored();
  }

  /** `descendAbility`: the call becomes audio-only for everyone (one way). */
  modifyMedia(from: ImConnection, callId: string, profile: UserProfile | undefined): IntentResult | Promise<IntentResult> {
    const found = this.participantOf(from, callId);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (call.mediaType === RCCallMediaType.AUDIO) return ok;
    if (profile) participant.profile = profile;
    call.mediaType = RCCallMediaType.AUDIO;
    this.fanout.toOthers(call, from.userId, {
      type: 'call.media_modified',
      callId,
      userId: from.userId,
      mediaType: call.mediaType,
      user: participant.profile,
    });
    this.journal.record(call);
    return this.core.stored();
  }

  /**
   * `call.resync` after a fresh event stream: which of the device's calls go on; for the others this
   * device's end reason (from the live call, else from the stored record; unknown → NETWORK_ERROR).
   */
  resync(from: ImConnection, callIds: string[]): Promise<IntentResult> {
    return this.continuity.resync(from, callIds);
  }

  /** `getJoinedUserInfo`: the media rooms the asking user's devices are in (a user may only ask about themself). */
  joinedInfo(from: ImConnection, userId: string): IntentResult {
    return { ...ok, data: { rooms: userId === from.userId ? joinedRooms(this.calls, from.appKey, userId) : [] } };
  }

  /** Whether the app's call service for the call's media is on (off → `rtc.join` refused, the call ends with 104). */
  async serviceOpen(appKey: string, roomId: string): Promise<IntentResult | undefined> {
    const call = this.calls.get(appKey, roomId);
    const app = await this.options.storage.apps.get(appKey);
    if (!call || !app) return undefined;
    const open = call.mediaType === RCCallMediaType.AUDIO ? app.audioCallEnabled : app.videoCallEnabled;
    return open ? undefined : fail(RCRTCCode.NOT_OPEN_VIDEO_AUDIO_SERVER, 'the audio/video call service is not enabled for this app');
  }

  /**
   * `ownerId` blacklisted `blockedIds` (`/user/blacklist/add.json`): each of their invitations that rings
   * in a call with a blocked user stops at once on every device with ADDED_TO_BLACKLIST (103); the
   * others see 103 (a 1:1 call ends). Answered calls go on.
   */
  blacklistAdded(appKey: string, ownerId: string, blockedIds: string[]): void {
    this.rules.blacklistAdded(appKey, ownerId, blockedIds);
  }

  /** Banned users leave every call with KICKED_BY_SERVER (the others see REMOTE_KICKED_BY_SERVER). */
  usersBanned(appKey: string, userIds: string[]): void {
    this.rules.usersBanned(appKey, userIds);
  }

  private groupCapacity(): number {
    return this.media.groupCapacity(this.options.maxCallParticipants ?? 16);
  }

  /** Another node's rule for a call this node owns (cluster mode). */
  command(appKey: string, callId: string, command: CallCommand): void {
    this.rules.command(appKey, callId, command);
  }

  private participantOf(from: ImConnection, callId: string): { call: Call; participant: Participant } | IntentResult {
    const call = this.calls.get(from.appKey, callId);
    if (!call || call.state === 'ended') return fail(RCCallErrorCode.CALL_NOT_FOUND, 'no such call');
    // A transient code: the SDK sends the intent again once this node knows whether it still owns the call.
    if (!this.core.owns(call)) return fail(ErrorCode.TIMEOUT, 'the call is changing servers; try again');
    const participant = call.participants.get(from.userId);
    if (!participant || participant.state === 'left') return fail(RCCallErrorCode.NOT_IN_CALL, 'not a participant of this call');
    if (participant.deviceId !== undefined && participant.deviceId !== from.deviceId) {
      return fail(RCCallErrorCode.NOT_IN_CALL, 'this device is not the one in the call');
    }
    return { call, participant };
  }

  /** The media server of these calls is gone: each ends with NETWORK_ERROR for everyone in it (records stored). */
  endForMediaFailure(rooms: { appKey: string; callId: string }[]): void {
    this.rules.endForMediaFailure(rooms);
  }

  /** Graceful shutdown, step 1: refuse new calls (SERVER_DRAINING). */
  drain(): void {
    this.core.drain();
  }

  isDraining(): boolean {
    return this.core.isDraining();
  }

  /**
   * Cluster mode's shutdown: every call stays journaled (written now) and is dropped here without a
   * word, for another node to take over; nothing ends.
   */
  handOver(): Promise<void> {
    return this.continuity.handOver();
  }

  /** Cluster mode, after Redis came back (maybe without its data): every local call is indexed again. */
  retrackAll(): void {
    this.continuity.retrackAll();
  }

  /** Calls still in flight. */
  activeCallCount(): number {
    return this.calls.all().length;
  }

  /**
   * Graceful shutdown, step 2: end every call still in flight with NETWORK_ERROR (each device is told
   * before its socket closes; every record is stored), then stop the timers.
   */
  async close(): Promise<void> {
    this.core.drain();
    for (const call of this.calls.all()) this.core.end(call, RCCallEndReason.NETWORK_ERROR);
    this.presence.close();
    await this.journal.flushed();
  }
}
