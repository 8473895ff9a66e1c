/**
 * The media room service: the media room of each call (room id = call id): only participants who answered, on the device that
 * answered, may join. Two modes, fixed at the room's first join:
 * - `p2p` (1:1 calls; group calls without an SFU, at most `MAX_MESH` in the room): signals are
 *   relayed between joined devices.
 * - `sfu` (group calls when an SFU is available): the server relays publish/subscribe SDP and
 *   trickle candidates between each device and the SFU room (`sfu.*` frames); browsers never talk
 *   to the SFU. Peer joined/left events and `rtc.signal` (track states) still flow as in P2P.
 *
 * Teardown: the room (its mode, and its SFU room if any) goes when the last participant leaves the
 * room or the call (`participantLeft`; a call may end while its first join still opens the SFU
 * room), or by `endRoom(call)`.
 *
 * Hand-over: an SFU room that outlives this node (remote Janus) keeps its state on the call
 * (`call.sfuRoom`, journaled at every change); the node that takes the call over `resumeSfuRoom`s it
 * and relays on — browsers keep their connections to the SFU. `forgetRoom` lets go without destroying.
 */
import {
  ConversationType,
  ErrorCode,
  RCCallErrorCode,
  type RtcSignal,
  type ServerEvent,
  type SfuRequest,
  sfuRequestProblem,
  signalProblem,
} from '@opencall/protocol';
import type { Logger } from 'pino';
import { NoSfu, type Sfu, type SfuRoom } from '../../adapters/sfu/sfu-port.js';
import type { Call, Participant } from '../call/call.js';
import type { CallDirectory } from '../call/call-directory.js';
import type { CallWebhooks } from '../call/call-webhooks.js';
import type { IntentResult } from '../call/intent-result.js';
import type { ConnectionRegistry } from '../im/connection-registry.js';
import type { ImConnection } from '../im/im-connection.js';
import { type PublishedTrack, publishedTracksOf } from './published-media.js';

const ok: IntentResult = { code: RCCallErrorCode.SUCCESS };
/** Largest P2P mesh: beyond it a group call without an SFU cannot join media. */
export const MAX_MESH = 4;
/** Publishers limit of an SFU room (CallLib group calls hold 16 people). */
export const MAX_SFU_PUBLISHERS = 16;

interface SfuRoomState {
  call: Call;
  room: SfuRoom | undefined;
  opening: Promise<SfuRoom | undefined>;
}

type Mode = 'p2p' | 'sfu';

/** What the call side hears of its rooms: the call service binds it (`reportTo`) when it starts. */
export interface RoomObserver {
  /** A participant joined or left the room, or the SFU room's hand-over state changed (the call service journals it). */
  roomChanged(call: Call): void;
  /** Room status sync and resource webhooks (absent when not configured). */
  readonly roomEvents?:
    | (Pick<CallWebhooks, 'roomJoined' | 'roomLeft' | 'resourcesChanged'> & {
        /** A device rebuilt its media connection (P2P relink, fresh SFU publisher): the call's timeline notes it. */
        mediaRecovered?(call: Call, participant: Participant, cause: 'p2p_relink' | 'sfu_publisher'): void;
      })
    | undefined;
}

export class MediaRoomService {
  #sfu: Sfu = new NoSfu();
  #logger: Pick<Logger, 'warn' | 'info'> | undefined;
  readonly #modes = new Map<string, Mode>();
  readonly #sfuRooms = new Map<string, SfuRoomState>();
  /** What each room member publishes, from the SDP it last sent (room key → user id → tracks). */
  readonly #published = new Map<string, Map<string, PublishedTrack[]>>();

  #observer: RoomObserver = { roomChanged: () => undefined };

  /** @param calls the calls in flight on this node (a room exists only for one of them) */
  constructor(
    private readonly calls: CallDirectory,
    private readonly registry: ConnectionRegistry,
    observer?: RoomObserver,
  ) {
    if (observer) this.#observer = observer;
  }

  /** The call service hears of room changes from now on (composition: it is built after this service). */
  reportTo(observer: RoomObserver): void {
    this.#observer = observer;
  }

  private roomChanged(call: Call): void {
    this.#observer.roomChanged(call);
  }

  private get roomEvents(): RoomObserver['roomEvents'] {
    return this.#observer.roomEvents;
  }

  /** Most participants a group call may have now: the SFU's room size, else the P2P mesh limit. */
  groupCapacity(sfuRoomSize: number): number {
    return this.#sfu?.available() ? sfuRoomSize : MAX_MESH;
  }

  /** Use `sfu` for group calls (composition root). */
  useSfu(sfu: Sfu, logger?: Pick<Logger, 'warn' | 'info'>): void {
    this.#sfu = sfu;
    this.#logger = logger;
  }

  /**
   * The room member `from` is: the answering device of a participant in the call — or, with
   * `earlyCaller`, the caller's device of a group call through the SFU while it still rings (it
   * publishes early so that its media is up when the first invitee answers; invitees only subscribe
   * once they answered, so nobody receives anything before answering).
   */
  private member(from: ImConnection, roomId: string, earlyCaller = false): { call: Call; participant: Participant } | IntentResult {
    const call = this.calls.get(from.appKey, roomId);
    if (!call || call.state === 'ended') return { code: RCCallErrorCode.CALL_NOT_FOUND, message: 'no such room' };
    const participant = call.participants.get(from.userId);
    if (participant === undefined || participant.deviceId !== from.deviceId || !this.mayUseRoom(call, participant, earlyCaller)) {
      return { code: RCCallErrorCode.NOT_IN_CALL, message: 'only the answering device of a participant may use the room' };
    }
    return { call, participant };
  }

  private mayUseRoom(call: Call, participant: Participant, earlyCaller: boolean): boolean {
    if (participant.state === 'keeping') return true;
    return (
      earlyCaller &&
      participant.isCaller &&
      participant.state === 'waiting' &&
      call.init.conversationType === ConversationType.GROUP &&
      this.#modes.get(key(call)) !== 'p2p' &&
      this.#sfu.available()
    );
  }

  async join(from: ImConnection, roomId: string): Promise<IntentResult> {
    const found = this.member(from, roomId, true);
    if ('code' in found) return found;
    const { call, participant } = found;
    const mode = await this.modeFor(call);
    if (!this.mayUseRoom(call, participant, mode === 'sfu') || call.state === 'ended')
      return {
        code: RCCallErrorCode.NOT_IN_CALL,
        message: participant.state === 'waiting' ? 'the room opens at the first answer' : 'left the call',
      };
    const peers = call.present().filter((p) => p !== participant && p.inRoom && p.deviceId !== undefined);
    if (mode === 'p2p' && call.init.conversationType === ConversationType.GROUP && peers.length + 1 > MAX_MESH) {
      return { code: RCCallErrorCode.JOIN_ROOM_ERROR, message: `without an SFU a group call's media holds at most ${MAX_MESH}` };
    }
    participant.enterRoom();
    this.roomEvents?.roomJoined(call, participant);
    this.roomChanged(call);
    for (const peer of peers) {
      this.send(call, peer, { type: 'rtc.peer_joined', roomId, userId: participant.userId, deviceId: from.deviceId });
    }
    if (mode === 'sfu') {
      const room = this.#sfuRooms.get(key(call))?.room;
      const feeds = room?.feeds().filter((userId) => userId !== participant.userId) ?? [];
      setImmediate(() => {
        for (const userId of feeds) if (participant.inRoom) this.send(call, participant, { type: 'sfu.feed', roomId, userId });
      });
    }
    return { ...ok, data: { peers: peers.map((p) => ({ userId: p.userId, deviceId: p.deviceId! })), mode } };
  }

  leave(from: ImConnection, roomId: string): IntentResult {
    const found = this.member(from, roomId);
    if ('code' in found) return found;
    this.participantLeft(found.call, found.participant);
    this.roomChanged(found.call);
    return ok;
  }

  signal(from: ImConnection, roomId: string, toUserId: string, signal: RtcSignal): IntentResult {
    const found = this.member(from, roomId);
    if ('code' in found) return found;
    if (!found.participant.inRoom) return { code: RCCallErrorCode.NOT_IN_CALL, message: 'join the room first' };
    const problem = signalProblem(signal);
    if (problem) return { code: ErrorCode.OC_INVALID_FIELD, message: problem };
    const target = found.call.participants.get(toUserId);
    if (target?.state !== 'keeping' || !target.inRoom)
      return { code: RCCallErrorCode.NOT_IN_CALL, message: `${toUserId} is not in the room` };
    if (signal.kind === 'description') this.notePublished(found.call, from.userId, signal.description);
    if (signal.kind === 'relink') this.roomEvents?.mediaRecovered?.(found.call, found.participant, 'p2p_relink');
    this.send(found.call, target, { type: 'rtc.signal', roomId, fromUserId: from.userId, fromDeviceId: from.deviceId, signal });
    return ok;
  }

  /** The tracks `userId` publishes in the call's room, as its last offer or answer said (`/rtc/room/query.json`). */
  publishedBy(call: Call, userId: string): PublishedTrack[] {
    return this.#published.get(key(call))?.get(userId) ?? [];
  }

  private notePublished(call: Call, userId: string, description: { type: string; sdp?: string | undefined }): void {
    if ((description.type !== 'offer' && description.type !== 'answer') || description.sdp === undefined) return;
    const room = this.#published.get(key(call)) ?? new Map<string, PublishedTrack[]>();
    room.set(userId, publishedTracksOf(description.sdp, userId));
    this.#published.set(key(call), room);
  }

  /** `sfu.*` requests: validated, then relayed to the call's SFU room. */
  async sfuRequest(from: ImConnection, request: SfuRequest): Promise<IntentResult> {
    const found = this.member(from, request.roomId, true);
    if ('code' in found) return found;
    const { call, participant } = found;
    if (!participant.inRoom) return { code: RCCallErrorCode.NOT_IN_CALL, message: 'join the room first' };
    // A room being taken over from another node is awaited: the request goes through once it is claimed.
    const room = await this.#sfuRooms.get(key(call))?.opening;
    if (!room) return { code: RCCallErrorCode.INVALID_CALL_STATE, message: 'this room does not use the SFU' };
    const problem = sfuRequestProblem(request);
    if (problem) return { code: ErrorCode.OC_INVALID_FIELD, message: problem };
    if ('feedUserId' in request && request.feedUserId !== undefined) {
      const feed = call.participants.get(request.feedUserId);
      if (request.feedUserId === participant.userId || feed?.state !== 'keeping' || !feed.inRoom) {
        return { code: RCCallErrorCode.NOT_IN_CALL, message: `${request.feedUserId} is not in the room` };
      }
    }
    try {
      switch (request.t) {
        case 'sfu.publish': {
          const answer = await room.publish(participant.userId, request.description.sdp!, request.fresh === true);
          if (request.fresh === true) this.roomEvents?.mediaRecovered?.(call, participant, 'sfu_publisher');
          if (participant.inRoom) this.notePublished(call, participant.userId, request.description);
          this.roomEvents?.resourcesChanged(call, participant);
          return { ...ok, data: { description: { type: 'answer', sdp: answer } } };
        }
        case 'sfu.subscribe':
          if (!room.feeds().includes(request.feedUserId)) {
            return { code: RCCallErrorCode.INVALID_CALL_STATE, message: `${request.feedUserId} is not publishing yet` };
          }
          return { ...ok, data: { description: { type: 'offer', sdp: await room.subscribe(participant.userId, request.feedUserId) } } };
        case 'sfu.start':
          await room.start(participant.userId, request.feedUserId, request.description.sdp!);
          return ok;
        case 'sfu.trickle': {
          const c = request.candidate;
          await room.trickle(participant.userId, request.feedUserId, c && c.candidate !== '' ? c : null);
          return ok;
        }
      }
    } catch (error) {
      this.#logger?.warn({ err: error, callId: call.callId, t: request.t }, 'sfu request failed');
      return { code: RCCallErrorCode.JOIN_ROOM_ERROR, message: `SFU refused ${request.t}` };
    }
  }

  /** A participant left the call or the room: tell the others in the room; the room goes with its last member or the call's. */
  participantLeft(call: Call, participant: Participant): void {
    const wasInRoom = participant.inRoom;
    this.#published.get(key(call))?.delete(participant.userId);
    if (wasInRoom) {
      participant.exitRoom();
      for (const peer of call.present()) {
        if (peer !== participant && peer.inRoom) {
          this.send(call, peer, { type: 'rtc.peer_left', roomId: call.callId, userId: participant.userId });
        }
      }
      const state = this.#sfuRooms.get(key(call));
      if (state?.room) {
        state.room.leave(participant.userId).catch((error: unknown) => this.#logger?.warn({ err: error }, 'sfu leave failed'));
      }
    }
    const roomEmpty = wasInRoom && ![...call.participants.values()].some((p) => p.inRoom);
    if (wasInRoom) this.roomEvents?.roomLeft(call, participant, roomEmpty);
    if (roomEmpty || call.state === 'ended' || call.present().length === 0) this.endRoom(call);
  }

  /** Rooms with a mode or an SFU room still held (tests: none once their calls ended). */
  heldRoomCount(): number {
    return new Set([...this.#modes.keys(), ...this.#sfuRooms.keys()]).size;
  }

  /** The call moved to another node: forget its room here without destroying the SFU room (its new owner drives it). */
  forgetRoom(call: Call): void {
    const state = this.#sfuRooms.get(key(call));
    this.#modes.delete(key(call));
    this.#sfuRooms.delete(key(call));
    this.#published.delete(key(call));
    void state?.opening.then((room) => room?.release());
  }

  /** The call ended: destroy its SFU room (idempotent; also done when the last participant leaves). */
  endRoom(call: Call): void {
    const k = key(call);
    this.#modes.delete(k);
    this.#published.delete(k);
    call.sfuRoom = undefined;
    const state = this.#sfuRooms.get(k);
    if (!state) return;
    this.#sfuRooms.delete(k);
    void state.opening.then((room) => room?.destroy());
  }

  /** A call restored after a restart keeps the P2P room it had (its devices' connections never needed us). */
  restoreP2pRoom(call: Call): void {
    if (call.roomMode === 'p2p') this.#modes.set(key(call), 'p2p');
  }

  /**
   * A call carried on from another node or process whose media goes through an SFU room that outlived
   * it (`call.sfuRoom`): claim the room and relay on. Requests for the room wait for the claim.
   * Resolves false when it cannot be had (the SFU lost it, or is not one of ours): the call's media is gone.
   */
  async resumeSfuRoom(call: Call): Promise<boolean> {
    const stored = call.sfuRoom;
    if (call.roomMode !== 'sfu' || stored === undefined) return false;
    const k = key(call);
    this.#modes.set(k, 'sfu');
    const state: SfuRoomState = { call, room: undefined, opening: Promise.resolve(undefined) };
    state.opening = this.#sfu.resumeRoom({ appKey: call.appKey, callId: call.callId }, stored).then(
      (room) => {
        if (this.#sfuRooms.get(k) !== state) {
          // The call ended (destroy the room) or moved on again (let go) while the claim ran.
          if (call.state === 'ended') void room.destroy();
          else room.release();
          return undefined;
        }
        state.room = room;
        this.wireRoom(call, room);
        return room;
      },
      (error: unknown) => {
        this.#logger?.warn({ err: error, callId: call.callId }, 'the SFU room could not be taken over');
        if (this.#sfuRooms.get(k) === state) {
          this.#sfuRooms.delete(k);
          this.#modes.delete(k);
        }
        return undefined;
      },
    );
    this.#sfuRooms.set(k, state);
    return (await state.opening) !== undefined;
  }

  /** The room's mode, fixed at its first join: SFU for group calls when one is available. */
  private async modeFor(call: Call): Promise<Mode> {
    const k = key(call);
    const known = this.#modes.get(k);
    if (known === 'p2p') return known;
    if (known === 'sfu') return (await this.#sfuRooms.get(k)?.opening) ? 'sfu' : 'p2p';
    if (call.init.conversationType !== ConversationType.GROUP || !this.#sfu.available()) {
      this.#modes.set(k, 'p2p');
      call.roomMode = 'p2p';
      return 'p2p';
    }
    this.#modes.set(k, 'sfu');
    call.roomMode = 'sfu';
    const state: SfuRoomState = { call, room: undefined, opening: Promise.resolve(undefined) };
    state.opening = this.#sfu.openRoom({ appKey: call.appKey, callId: call.callId }, { maxPublishers: MAX_SFU_PUBLISHERS }).then(
      (room) => {
        if (this.#sfuRooms.get(k) !== state) {
          void room.destroy();
          return undefined;
        }
        state.room = room;
        this.wireRoom(call, room);
        return room;
      },
      (error: unknown) => {
        this.#logger?.warn({ err: error, callId: call.callId }, 'no SFU room; the call uses a P2P mesh');
        this.#modes.set(k, 'p2p');
        call.roomMode = 'p2p';
        this.#sfuRooms.delete(k);
        return undefined;
      },
    );
    this.#sfuRooms.set(k, state);
    return (await state.opening) ? 'sfu' : 'p2p';
  }

  private wireRoom(call: Call, room: SfuRoom): void {
    const roomId = call.callId;
    const journal = () => {
      const state = room.state();
      if (state === undefined || call.state === 'ended' || this.#sfuRooms.get(key(call))?.room !== room) return;
      call.sfuRoom = state;
      this.roomChanged(call);
    };
    room.on('changed', journal);
    journal();
    const inRoomExcept = (userId: string) => call.present().filter((p) => p.inRoom && p.userId !== userId);
    room.on('feed', (userId) => {
      for (const p of inRoomExcept(userId)) this.send(call, p, { type: 'sfu.feed', roomId, userId });
    });
    room.on('feedGone', (userId) => {
      for (const p of inRoomExcept(userId)) this.send(call, p, { type: 'sfu.feed_gone', roomId, userId });
    });
    room.on('keyFrameWanted', (feedUserId) => {
      const p = call.participants.get(feedUserId);
      if (p?.inRoom) this.send(call, p, { type: 'sfu.key_frame', roomId });
    });
    room.on('trickle', (userId, feedUserId, candidate) => {
      const p = call.participants.get(userId);
      if (!p?.inRoom) return;
      this.send(call, p, {
        type: 'sfu.trickle',
        roomId,
        ...(feedUserId === undefined ? {} : { feedUserId }),
        candidate: candidate && {
          candidate: candidate.candidate,
          sdpMid: candidate.sdpMid ?? null,
          sdpMLineIndex: candidate.sdpMLineIndex ?? null,
        },
      });
    });
    room.on('closed', () => {
      const k = key(call);
      if (this.#sfuRooms.get(k)?.room === room) this.#sfuRooms.delete(k);
    });
  }

  private send(call: Call, participant: Participant, event: ServerEvent): void {
    this.registry.sendToUser(call.appKey, participant.userId, event, participant.deviceId);
  }
}

function key(call: Call): string {
  return `${call.appKey}\u0000${call.callId}`;
}
