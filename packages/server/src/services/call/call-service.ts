/**
 * The server-authoritative call service (docs/architecture.md, "The server owns the call"): validates intents, drives the call and
 * participant machines, runs ring timers, fans out events, stores the record.
 *
 * This is the one entry the rest of the server uses; the work is done by its parts, which share the
 * calls in flight through a `CallContext`:
 * - call-core.ts: the internal transitions (leave, end, ring timers), ownership and "acknowledged
 *   means stored";
 * - call-intents.ts: what devices ask (invite, ringing, accept, hang up, downgrade, joined info);
 * - call-rules.ts: the rules that span calls (busy, glare, ringing stops elsewhere, group membership,
 *   bans, blacklists, a lost media server, other nodes' commands);
 * - call-continuity.ts: calls across restarts, takeovers, handovers and fresh event streams.
 *
 * Multi-device rules (README "Calls and devices"): a user is in at most one call. Inviting a user who
 * is in another call ends the invite for them at once — BUSY_LINE (4) when no other device of theirs
 * is connected, else OTHER_CLIENT_IN_CALL (22). A user who answers or places a call stops ringing for
 * every other call with OTHER_CLIENT_JOINED_CALL (21).
 */
import { RCCallEndReason, type RCCallMediaType, type UserProfile } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { CallCommand, Storage } from '../../ports/index.js';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import type { ImConnection } from '../im/im-connection.js';
import { isRemoteDevice } from '../im/remote-devices.js';
import { CallTimeline } from '../insights/call-timeline.js';
import type { MediaRoomService } from '../room/media-room-service.js';
import type { WebhookTargets } from '../webhooks/webhook-outbox.js';
import { AttemptCounter } from './attempt-counter.js';
import type { Call, Participant } from './call.js';
import { CallContinuity } from './call-continuity.js';
import { type CallContext, CallCore } from './call-core.js';
import { CallDirectory } from './call-directory.js';
import { CallFanout } from './call-fanout.js';
import { CallIntents, type InviteBody } from './call-intents.js';
import { CallJournal } from './call-journal.js';
import type { CallLifecycleObserver } from './call-lifecycle.js';
import { CallPush, type PushText } from './call-push.js';
import type { RecoveredCall } from './call-recovery.js';
import { CallRules } from './call-rules.js';
import { CallWebhooks } from './call-webhooks.js';
import { ClusterCalls, type ClusterCallsDeps } from './cluster-calls.js';
import { DevicePresence } from './device-presence.js';
import type { IntentResult } from './intent-result.js';
import { invitedEventFor } from './invited-event.js';
import { OfflineRecords } from './offline-records.js';
import { RecoveredCallNotices } from './recovered-notices.js';
import { RtcRoomAdmin } from './rtc-room-admin.js';

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
  /** Web Push is on: a pushed ring that ends without a hang-up notice gets a `close` notice (call-push.ts). */
  closePushes?: boolean;
  /** Set when call webhooks or RTC room status sync are configured: which rows to write, and the worker nudged after each commit that added some. */
  webhooks?: { targets: WebhookTargets; worker: { nudge(): void }; roomSnapshotIntervalMs?: number };
  /** Participants a group call may hold with an SFU (default 16; without one the mesh limit applies). */
  maxCallParticipants?: number;
  /** Calls one user may place per minute (default 30). */
  callsPerMinute?: number;
  /** Calls a previous process left in flight, already closed: their participants' devices are told on connect. */
  recovered?: RecoveredCall[];
  /** Calls a previous process left in flight that go on here (from their journal snapshots). */
  restored?: Call[];
  /**
   * The media rooms (services/room), built on the same `calls` directory; its SFU is set before
   * `restored` calls go on (they may claim their SFU rooms). The call service journals room changes.
   */
  mediaRooms: MediaRoomService;
  /** The calls in flight on this node (shared with `mediaRooms`; default: a new directory). */
  calls?: CallDirectory;
  /** Cluster mode: this node's id, call leases, the user call index and the node bus. */
  cluster?: ClusterCallsDeps;
  /** Where the calls' timelines go (default: written to `storage.telemetry`). */
  timeline?: CallTimeline;
  /** Told of every call transition, synchronously (metrics). */
  lifecycle?: CallLifecycleObserver;
  now?: () => number;
}

export class CallService {
  /** The calls in flight on this node. */
  readonly calls: CallDirectory;
  /** The server API's hold on media rooms: query, kick, destroy, RTC bans at join. */
  readonly rooms: RtcRoomAdmin;
  private readonly journal: CallJournal;
  private readonly presence: DevicePresence;
  private readonly core: CallCore;
  private readonly intents: CallIntents;
  private readonly rules: CallRules;
  private readonly continuity: CallContinuity;
  /** Each call's timeline (services/insights/call-timeline.ts). */
  readonly timeline: CallTimeline;
  /** RTC room status sync's periodic snapshot (event 1) of the rooms this node owns. */
  private readonly roomSnapshots: NodeJS.Timeout | undefined;

  constructor(options: CallServiceOptions) {
    const { storage, registry, logger } = options;
    const now = options.now ?? Date.now;
    const calls = options.calls ?? new CallDirectory(now);
    this.calls = calls;
    const push = new CallPush(
      options.outbox ? { enqueue: (call, rows) => journal.enqueue(call, rows) } : undefined,
      registry,
      now,
      options.closePushes ?? false,
    );
    const fanout = new CallFanout(registry);
    const webhooks = new CallWebhooks(
      options.webhooks ? { enqueue: (call, rows) => journal.enqueue(call, rows) } : undefined,
      options.webhooks?.targets,
      now,
      options.lifecycle,
    );
    const journal = new CallJournal(storage, logger, now, options.cluster?.bus.nodeId ?? '', () => {
      options.outbox?.nudge();
      options.webhooks?.worker.nudge();
    });
    this.journal = journal;
    const cluster = options.cluster ? new ClusterCalls(options.cluster, calls) : undefined;
    journal.onFenced((lost) => this.continuity.forget(lost, 'fenced: another node owns the call now'));
    options.cluster?.leases.onLost((lost) =>
      this.continuity.forget(
        lost.flatMap(({ appKey, callId }) => calls.get(appKey, callId) ?? []),
        'lease lost',
      ),
    );
    const timeline = options.timeline ?? new CallTimeline({ store: storage.telemetry, logger, now });
    this.timeline = timeline;
    const mediaRooms = options.mediaRooms;
    const roomEvents = {
      roomJoined: (call: Call, participant: Participant) => {
        webhooks.roomJoined(call, participant);
        timeline.joined(call, participant);
      },
      roomLeft: (call: Call, participant: Participant, roomEmpty: boolean) => webhooks.roomLeft(call, participant, roomEmpty),
      resourcesChanged: (call: Call, participant: Participant) => webhooks.resourcesChanged(call, participant),
      mediaRecovered: (call: Call, participant: Participant, cause: 'p2p_relink' | 'sfu_publisher') =>
        timeline.recovered(call, participant.userId, participant.deviceId ?? '', cause),
    };
    mediaRooms.reportTo({ roomChanged: (call) => journal.record(call), roomEvents });
    // Reads wait for the journal, so a record stored by a call that just ended is not missed.
    const offline = new OfflineRecords(storage, logger, now, () => journal.flushed());
    const attempts = new AttemptCounter(options.callsPerMinute ?? 30, 60_000, now);
    const context: CallContext = { storage, registry, logger, now, calls, mediaRooms, fanout, journal, push, webhooks, timeline, cluster };
    const core = new CallCore(context);
    this.core = core;
    this.presence = new DevicePresence(
      calls,
      {
        isDeviceOnline: (appKey, userId, deviceId) => registry.deviceConnection(appKey, userId, deviceId) !== undefined,
        replayInvite: (connection, call) => {
          connection.sendEvent(invitedEventFor(call, call.participants.get(connection.userId)!, now()));
          journal.record(call); // the invitee is now reached: no offline record if recovery ends it
        },
        // Offline records go out from the node that holds the device's stream (it tracks the acks).
        deliverOfflineRecords: (connection) => {
          if (!isRemoteDevice(connection)) offline.deliver(connection);
        },
        graceExpired: (call, userId, deviceId) => {
          if (!core.owns(call)) return; // another node carries the call on, or this one is checking its lease
          const participant = call.participants.get(userId);
          if (call.state !== 'ended' && participant && participant.state !== 'left' && participant.deviceId === deviceId) {
            core.leave(call, participant, RCCallEndReason.NETWORK_ERROR, undefined);
          }
        },
      },
      options.reconnectGraceMs ?? 20_000,
    );
    this.rules = new CallRules(core, context);
    this.rooms = new RtcRoomAdmin(core, context);
    this.intents = new CallIntents(core, this.rules, context, {
      ringTimeoutMs: options.ringTimeoutMs,
      maxCallParticipants: options.maxCallParticipants ?? 16,
      attempts,
    });
    this.continuity = new CallContinuity(core, context, this.presence);
    registry.onConnected((connection, resumed) => {
      this.presence.connected(connection, resumed);
      // A participant's chosen device came back (a socket blip or a move to another server).
      for (const call of calls.callsOf(connection.appKey, connection.userId)) {
        if (call.participants.get(connection.userId)?.deviceId === connection.deviceId && core.owns(call))
          timeline.recovered(call, connection.userId, connection.deviceId, 'reconnect');
      }
    });
    const recovered = options.recovered ?? [];
    if (recovered.length > 0) {
      const notices = new RecoveredCallNotices(recovered, now);
      registry.onConnected((connection, resumed) => {
        if (resumed) return;
        for (const event of notices.take(connection.appKey, connection.userId, connection.deviceId)) connection.sendEvent(event);
      });
    }
    registry.onDisconnected((connection) => this.presence.disconnected(connection));
    for (const call of options.restored ?? []) this.carryOn(call);
    if (webhooks.syncsRooms) {
      const every = options.webhooks?.roomSnapshotIntervalMs ?? 120_000;
      this.roomSnapshots = setInterval(() => webhooks.snapshot(calls.all().filter((call) => core.owns(call))), every);
      this.roomSnapshots.unref?.();
    }
  }

  // What devices ask (call-intents.ts).

  /** `call.invite`: a new call, placed by `from`, ringing for its invitees. */
  invite(from: ImConnection, request: InviteBody): Promise<IntentResult> {
    return this.intents.invite(from, request);
  }

  /** `call.invite_members`: more users ring in a group call. */
  inviteMembers(from: ImConnection, callId: string, userIds: string[], push: PushText & { user?: UserProfile }): Promise<IntentResult> {
    return this.intents.inviteMembers(from, callId, userIds, push);
  }

  /** `call.ringing`: the invitee's device rings. */
  ringing(from: ImConnection, callId: string, profile: UserProfile | undefined): IntentResult {
    return this.intents.ringing(from, callId, profile);
  }

  /** `call.accept`: the invitee answers on this device. */
  accept(
    from: ImConnection,
    callId: string,
    mediaType: RCCallMediaType | undefined,
    profile: UserProfile | undefined,
  ): IntentResult | Promise<IntentResult> {
    return this.intents.accept(from, callId, mediaType, profile);
  }

  /** `call.hangup`: the participant leaves (cancel, reject or hang up). */
  hangup(
    from: ImConnection,
    callId: string,
    statedReason: number | undefined,
    profile: UserProfile | undefined,
    push: PushText = {},
  ): IntentResult | Promise<IntentResult> {
    return this.intents.hangup(from, callId, statedReason, profile, push);
  }

  /** `descendAbility`: the call becomes audio-only for everyone (one way). */
  modifyMedia(from: ImConnection, callId: string, profile: UserProfile | undefined): IntentResult | Promise<IntentResult> {
    return this.intents.modifyMedia(from, callId, profile);
  }

  /** `call.resync` after a fresh event stream: which of the device's calls go on, and how the others ended for it. */
  resync(from: ImConnection, callIds: string[]): Promise<IntentResult> {
    return this.continuity.resync(from, callIds);
  }

  /** `getJoinedUserInfo`: the media rooms the asking user's devices are in (a user may only ask about themself). */
  joinedInfo(from: ImConnection, userId: string): IntentResult {
    return this.intents.joinedInfo(from, userId);
  }

  /** Whether the app's call service for the call's media is on (off → `rtc.join` refused, the call ends with 104). */
  serviceOpen(appKey: string, roomId: string): Promise<IntentResult | undefined> {
    return this.intents.serviceOpen(appKey, roomId);
  }

  // What the server imposes (call-rules.ts).

  /** `ownerId` blacklisted `blockedIds`: their invitations that ring in a call with a blocked user stop (103). */
  blacklistAdded(appKey: string, ownerId: string, blockedIds: string[]): void {
    this.rules.blacklistAdded(appKey, ownerId, blockedIds);
  }

  /** Banned users leave every call with KICKED_BY_SERVER (the others see REMOTE_KICKED_BY_SERVER). */
  usersBanned(appKey: string, userIds: string[]): void {
    this.rules.usersBanned(appKey, userIds);
  }

  /** A service worker declined `callId` for `userId` from `deviceId` (Web Push); false when it does not ring them here. */
  declineRinging(appKey: string, userId: string, deviceId: string, callId: string): boolean {
    return this.rules.declineRinging(appKey, userId, deviceId, callId);
  }

  /** Another node's rule for a call this node owns (cluster mode). */
  command(appKey: string, callId: string, command: CallCommand): void {
    this.rules.command(appKey, callId, command);
  }

  /** The media server of these calls is gone: each ends with NETWORK_ERROR for everyone in it (records stored). */
  endForMediaFailure(rooms: { appKey: string; callId: string }[]): void {
    this.rules.endForMediaFailure(rooms);
  }

  // Continuity and shutdown (call-continuity.ts).

  /** A call restored from the journal (after a restart, or taken over from a dead node) goes on here. */
  carryOn(call: Call): void {
    this.continuity.carryOn(call);
  }

  /** Whether this process runs the call (cluster takeover asks). */
  hasCall(appKey: string, callId: string): boolean {
    return this.calls.get(appKey, callId) !== undefined;
  }

  /** The call ended in this process lately: its journal row may outlive it by a moment, never take it back. */
  endedHere(appKey: string, callId: string): boolean {
    return this.calls.endedRecently(appKey, callId);
  }

  /** Cluster mode, after Redis came back (maybe without its data): every local call is indexed again. */
  retrackAll(): void {
    this.continuity.retrackAll();
  }

  /** Graceful shutdown, step 1: refuse new calls (SERVER_DRAINING). */
  drain(): void {
    this.core.drain();
  }

  isDraining(): boolean {
    return this.core.isDraining();
  }

  /** Resolves once every call change so far (records of ended calls included) is committed; rejects if that failed. */
  recordsStored(): Promise<void> {
    return this.journal.durable();
  }

  /** Calls still in flight. */
  activeCallCount(): number {
    return this.calls.all().length;
  }

  /**
   * Cluster mode's shutdown: every call stays journaled (written now) and is dropped here without a
   * word, for another node to take over; nothing ends.
   */
  handOver(): Promise<void> {
    clearInterval(this.roomSnapshots);
    return this.continuity.handOver();
  }

  /**
   * Graceful shutdown, step 2: end every call still in flight with NETWORK_ERROR (each device is told
   * before its socket closes; every record is stored), then stop the timers.
   */
  async close(): Promise<void> {
    clearInterval(this.roomSnapshots);
    this.core.drain();
    for (const call of this.calls.all()) this.core.end(call, RCCallEndReason.NETWORK_ERROR);
    this.presence.close();
    await this.journal.flushed();
    await this.timeline.close();
  }
}
