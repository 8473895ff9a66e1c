/**
 * One VideoRoom per call, on a Janus session of its own (its own connection). Per participant: a
 * publisher handle (join + publish) and one subscriber handle per other publisher. A feed is offered
 * to others only after its publisher's PeerConnection is up (`webrtcup`), which avoids `428 No such
 * feed`; when a subscriber's PeerConnection comes up, the publisher is asked for a keyframe (over
 * RTCP by Janus, and `keyFrameWanted` so that the server asks the publisher's device too).
 *
 * Hand-over: a room on a Janus that outlives this process (remote mode) has a `state()` — the
 * session, room and handle ids — and another process `resume`s it: it claims the session
 * (`reclaim_session_timeout` keeps it after this connection dies) and drives the same handles.
 *
 * Close cascade: `destroy()` (or the session's death) → every handle is gone → `closed`;
 * `release()` → this connection closes, the session stays for its next owner → `closed`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { type ListenerErrorHandler, SafeEmitter } from '@opencall/protocol';
import type { RoomOptions, SfuCandidate, SfuRoom, SfuRoomEvents, SfuRoomRef, SfuRoomState } from '../sfu-port.js';
import { type JanusClient, JanusError, type JanusMessage } from './janus-client.js';
import { type JanusRoomState, parseJanusRoomState } from './janus-room-state.js';

const VIDEOROOM = 'janus.plugin.videoroom';
/** Per-publisher bitrate cap: enough for 640×480 at 30 fps. */
export const ROOM_BITRATE_BPS = 1_000_000;

interface Publisher {
  handleId: number;
  /** Janus participant id: what subscribers name as `feed`. */
  feedId: number | undefined;
  published: boolean;
  up: boolean;
}

interface HandleOwner {
  userId: string;
  /** Undefined for the publisher handle. */
  feedUserId: string | undefined;
}

/** How a room left this process: `lost` = its connection died under it (the calls in it must end). */
export type RoomEnd = 'destroyed' | 'released' | 'lost';

export class JanusRoom extends SafeEmitter<SfuRoomEvents> implements SfuRoom {
  readonly janusRoomId: number;
  readonly #secret: string;
  readonly #client: JanusClient;
  /** The Janus URL a new owner claims the session on; undefined: the room dies with this process (local Janus). */
  readonly #resumeUrl: string | undefined;
  #adminHandle = 0;
  readonly #publishers = new Map<string, Publisher>();
  /** Subscriber handle per `userId` → `feedUserId`. */
  readonly #subscribers = new Map<string, Map<string, number>>();
  readonly #owners = new Map<number, HandleOwner>();
  readonly #unlisten: () => void;
  #closed = false;
  #ending: RoomEnd | undefined;

  private constructor(
    readonly ref: SfuRoomRef,
    client: JanusClient,
    ids: { roomId: number; secret: string; resumeUrl: string | undefined },
    onListenerError: ListenerErrorHandler | undefined,
  ) {
    super(onListenerError);
    this.#client = client;
    this.janusRoomId = ids.roomId;
    this.#secret = ids.secret;
    this.#resumeUrl = ids.resumeUrl;
    const offEvent = client.on('handleEvent', (handleId, message) => this.#onHandleEvent(handleId, message));
    const offClosed = client.on('closed', () => this.#markClosed());
    this.#unlisten = () => {
      offEvent();
      offClosed();
    };
  }

  /**
   * Creates the VideoRoom (with a secret, a real bitrate and a publishers limit) on `client`'s session,
   * which the room owns from now on. `resumeUrl`: where another process can claim it (remote Janus).
   */
  static async create(
    ref: SfuRoomRef,
    client: JanusClient,
    options: RoomOptions & { resumeUrl?: string | undefined },
    onListenerError?: ListenerErrorHandler,
  ): Promise<JanusRoom> {
    const ids = { roomId: randomInt(1, 2 ** 47), secret: randomBytes(18).toString('base64url'), resumeUrl: options.resumeUrl };
    const room = new JanusRoom(ref, client, ids, onListenerError);
    try {
      room.#adminHandle = await client.attach(VIDEOROOM);
      await client.message(room.#adminHandle, {
        request: 'create',
        room: room.janusRoomId,
        secret: room.#secret,
        description: `call ${ref.callId}`.slice(0, 100),
        is_private: true,
        permanent: false,
        publishers: options.maxPublishers,
        bitrate: ROOM_BITRATE_BPS,
        fir_freq: 10,
        audiocodec: 'opus',
        videocodec: 'vp8',
        notify_joining: false,
      });
    } catch (error) {
      // A handle lives as long as the Janus session (the server's, kept alive): detach it.
      if (room.#adminHandle) await client.detach(room.#adminHandle).catch(() => {});
      room.#ending = 'destroyed';
      client.close();
      throw error;
    }
    return room;
  }

  /**
   * Takes the room over from its stored `state` on `client`, a connection that has just claimed the
   * room's session: checks that the VideoRoom still exists, then drives the same handles.
   */
  static async resume(
    ref: SfuRoomRef,
    client: JanusClient,
    state: JanusRoomState,
    onListenerError?: ListenerErrorHandler,
  ): Promise<JanusRoom> {
    const room = new JanusRoom(ref, client, { roomId: state.roomId, secret: state.secret, resumeUrl: state.url }, onListenerError);
    room.#adminHandle = state.adminHandle;
    for (const p of state.publishers) {
      room.#publishers.set(p.userId, { handleId: p.handleId, feedId: p.feedId, published: p.published, up: p.up });
      room.#owners.set(p.handleId, { userId: p.userId, feedUserId: undefined });
    }
    for (const s of state.subscribers) {
      let mine = room.#subscribers.get(s.userId);
      if (!mine) {
        mine = new Map();
        room.#subscribers.set(s.userId, mine);
      }
      mine.set(s.feedUserId, s.handleId);
      room.#owners.set(s.handleId, { userId: s.userId, feedUserId: s.feedUserId });
    }
    try {
      const reply = await client.message(room.#adminHandle, { request: 'exists', room: room.janusRoomId });
      if (reply.plugindata?.data.exists !== true) throw new JanusError(426, `VideoRoom ${room.janusRoomId} is gone`);
    } catch (error) {
      // No room to drive (or no answer): the session is of no use to anyone, end it.
      room.#ending = 'destroyed';
      client.close();
      throw error;
    }
    return room;
  }

  /** Parses a stored state (bad input → a clear error, never a half-resumed room). */
  static parseState(state: SfuRoomState): JanusRoomState {
    return parseJanusRoomState(state);
  }

  /** How the room left this process (undefined while it is here). */
  get ended(): RoomEnd | undefined {
    return this.#closed ? (this.#ending ?? 'lost') : undefined;
  }

  state(): SfuRoomState | undefined {
    if (this.#resumeUrl === undefined || this.#closed) return undefined;
    const data: JanusRoomState = {
      url: this.#resumeUrl,
      sessionId: this.#client.sessionId,
      roomId: this.janusRoomId,
      secret: this.#secret,
      adminHandle: this.#adminHandle,
      publishers: [...this.#publishers].map(([userId, p]) => ({
        userId,
        handleId: p.handleId,
        ...(p.feedId === undefined ? {} : { feedId: p.feedId }),
        published: p.published,
        up: p.up,
      })),
      subscribers: [...this.#subscribers].flatMap(([userId, mine]) =>
        [...mine].map(([feedUserId, handleId]) => ({ userId, feedUserId, handleId })),
      ),
    };
    return { sfu: 'janus', data: { ...data } };
  }

  release(): void {
    if (this.#closed) return;
    this.#ending ??= 'released';
    this.#client.release();
  }

  /** The Janus behind the room is gone (local mode: the supervisor saw it die). */
  lose(): void {
    this.#client.release();
  }

  get participantCount(): number {
    return this.#publishers.size;
  }

  feeds(): string[] {
    return [...this.#publishers].filter(([, p]) => p.up).map(([userId]) => userId);
  }

  async publish(userId: string, offerSdp: string, fresh = false): Promise<string> {
    this.#assertOpen();
    let publisher = this.#publishers.get(userId);
    if (publisher && fresh) {
      // A new browser connection cannot take over the old handle's DTLS session: start over.
      this.#publishers.delete(userId);
      if (publisher.up) this.emit('feedGone', userId);
      await this.#dropHandle(publisher.handleId);
      publisher = undefined;
    }
    if (!publisher) {
      const handleId = await this.#client.attach(VIDEOROOM);
      publisher = { handleId, feedId: undefined, published: false, up: false };
      this.#publishers.set(userId, publisher);
      this.#owners.set(handleId, { userId, feedUserId: undefined });
      const joined = await this.#client.message(handleId, { request: 'join', ptype: 'publisher', room: this.janusRoomId, display: userId });
      publisher.feedId = Number(joined.plugindata?.data.id);
    }
    const request = publisher.published ? 'configure' : 'publish';
    const reply = await this.#client.message(publisher.handleId, { request }, { type: 'offer', sdp: offerSdp });
    if (reply.jsep?.type !== 'answer') throw new JanusError(0, `${request} returned no answer`);
    publisher.published = true;
    this.emit('changed');
    return reply.jsep.sdp;
  }

  async subscribe(userId: string, feedUserId: string): Promise<string> {
    this.#assertOpen();
    const feed = this.#publishers.get(feedUserId);
    if (!feed?.up || feed.feedId === undefined) throw new JanusError(428, `${feedUserId} has no feed yet`);
    const existing = this.#subscribers.get(userId)?.get(feedUserId);
    if (existing !== undefined) await this.#dropHandle(existing);
    const handleId = await this.#client.attach(VIDEOROOM);
    this.#owners.set(handleId, { userId, feedUserId });
    let mine = this.#subscribers.get(userId);
    if (!mine) {
      mine = new Map();
      this.#subscribers.set(userId, mine);
    }
    mine.set(feedUserId, handleId);
    const reply = await this.#client.message(handleId, {
      request: 'join',
      ptype: 'subscriber',
      room: this.janusRoomId,
      streams: [{ feed: feed.feedId }],
    });
    if (reply.jsep?.type !== 'offer') throw new JanusError(0, 'subscriber join returned no offer');
    this.emit('changed');
    return reply.jsep.sdp;
  }

  async start(userId: string, feedUserId: string, answerSdp: string): Promise<void> {
    this.#assertOpen();
    const handleId = this.#subscribers.get(userId)?.get(feedUserId);
    if (handleId === undefined) throw new JanusError(0, `no subscription of ${userId} to ${feedUserId}`);
    await this.#client.message(handleId, { request: 'start' }, { type: 'answer', sdp: answerSdp });
  }

  async trickle(userId: string, feedUserId: string | undefined, candidate: SfuCandidate | null): Promise<void> {
    this.#assertOpen();
    const handleId = feedUserId === undefined ? this.#publishers.get(userId)?.handleId : this.#subscribers.get(userId)?.get(feedUserId);
    if (handleId === undefined) throw new JanusError(0, 'no such connection');
    await this.#client.trickle(
      handleId,
      candidate && { candidate: candidate.candidate, sdpMid: candidate.sdpMid ?? null, sdpMLineIndex: candidate.sdpMLineIndex ?? null },
    );
  }

  async leave(userId: string): Promise<void> {
    const handles: number[] = [];
    const publisher = this.#publishers.get(userId);
    if (publisher) {
      this.#publishers.delete(userId);
      handles.push(publisher.handleId);
      if (publisher.up) this.emit('feedGone', userId);
    }
    for (const handleId of this.#subscribers.get(userId)?.values() ?? []) handles.push(handleId);
    this.#subscribers.delete(userId);
    for (const [, mine] of this.#subscribers) {
      const handleId = mine.get(userId);
      if (handleId !== undefined) {
        mine.delete(userId);
        handles.push(handleId);
      }
    }
    await Promise.all(handles.map((h) => this.#dropHandle(h)));
    if (handles.length > 0) this.emit('changed');
  }

  async destroy(): Promise<void> {
    if (this.#closed) return;
    this.#ending ??= 'destroyed';
    try {
      await this.#client.message(this.#adminHandle, { request: 'destroy', room: this.janusRoomId, secret: this.#secret });
      await this.#client.detach(this.#adminHandle);
    } catch {
      // the room dies with the session anyway
    }
    const handles = [...this.#owners.keys()];
    await Promise.all(handles.map((h) => this.#dropHandle(h)));
    this.#client.close();
    this.#markClosed();
  }

  async #dropHandle(handleId: number): Promise<void> {
    this.#owners.delete(handleId);
    await this.#client.detach(handleId).catch(() => {});
  }

  #assertOpen(): void {
    if (this.#closed) throw new JanusError(0, 'room closed');
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unlisten();
    this.emit('closed');
    this.clear();
  }

  #onHandleEvent(handleId: number, message: JanusMessage): void {
    const owner = this.#owners.get(handleId);
    if (!owner) return;
    switch (message.janus) {
      case 'trickle': {
        const c = message.candidate;
        if (!c) return;
        const candidate: SfuCandidate | null =
          c.completed || !c.candidate ? null : { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null };
        this.emit('trickle', owner.userId, owner.feedUserId, candidate);
        return;
      }
      case 'webrtcup':
        if (owner.feedUserId === undefined) this.#publisherUp(owner.userId);
        else this.#requestKeyframe(owner.feedUserId);
        return;
      case 'hangup':
        if (owner.feedUserId === undefined) this.#publisherDown(owner.userId);
        return;
      default:
        return;
    }
  }

  #publisherUp(userId: string): void {
    const publisher = this.#publishers.get(userId);
    if (!publisher || publisher.up) return;
    publisher.up = true;
    this.emit('changed');
    this.emit('feed', userId);
  }

  #publisherDown(userId: string): void {
    const publisher = this.#publishers.get(userId);
    if (!publisher?.up) return;
    publisher.up = false;
    publisher.published = false;
    this.emit('changed');
    this.emit('feedGone', userId);
  }

  /**
   * Janus asks the publisher for one over RTCP itself when a subscriber's PeerConnection comes up
   * ("New subscriber available"); `keyFrameWanted` asks the publisher's device directly too.
   */
  #requestKeyframe(feedUserId: string): void {
    if (this.#publishers.get(feedUserId)?.up) this.emit('keyFrameWanted', feedUserId);
  }
}
