/**
 * One VideoRoom per call on one Janus session. Per participant: a publisher handle (join + publish)
 * and one subscriber handle per other publisher. A feed is offered to others only after its
 * publisher's PeerConnection is up (`webrtcup`), which avoids `428 No such feed`; when a subscriber's
 * PeerConnection comes up, the publisher is asked for a keyframe.
 *
 * Close cascade: `destroy()` (or the session's death) → every handle is gone → `closed`.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { type ListenerErrorHandler, SafeEmitter } from '@opencall/protocol';
import type { RoomOptions, SfuCandidate, SfuRoom, SfuRoomEvents, SfuRoomRef } from '../sfu-port.js';
import { type JanusClient, JanusError, type JanusMessage } from './janus-client.js';

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

export class JanusRoom extends SafeEmitter<SfuRoomEvents> implements SfuRoom {
  readonly janusRoomId = randomInt(1, 2 ** 47);
  readonly #secret = randomBytes(18).toString('base64url');
  readonly #client: JanusClient;
  #adminHandle = 0;
  readonly #publishers = new Map<string, Publisher>();
  /** Subscriber handle per `userId` → `feedUserId`. */
  readonly #subscribers = new Map<string, Map<string, number>>();
  readonly #owners = new Map<number, HandleOwner>();
  readonly #unlisten: () => void;
  #closed = false;

  private constructor(
    readonly ref: SfuRoomRef,
    client: JanusClient,
    onListenerError: ListenerErrorHandler | undefined,
  ) {
    super(onListenerError);
    this.#client = client;
    const offEvent = client.on('handleEvent', (handleId, message) => this.#onHandleEvent(handleId, message));
    const offClosed = client.on('closed', () => this.#markClosed());
    this.#unlisten = () => {
      offEvent();
      offClosed();
    };
  }

  /** Creates the VideoRoom (with a secret, a real bitrate and a publishers limit). */
  static async create(
    ref: SfuRoomRef,
    client: JanusClient,
    options: RoomOptions,
    onListenerError?: ListenerErrorHandler,
  ): Promise<JanusRoom> {
    const room = new JanusRoom(ref, client, onListenerError);
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
      room.#markClosed();
      throw error;
    }
    return room;
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
  }

  async destroy(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#client.message(this.#adminHandle, { request: 'destroy', room: this.janusRoomId, secret: this.#secret });
      await this.#client.detach(this.#adminHandle);
    } catch {
      // the room dies with the session anyway
    }
    const handles = [...this.#owners.keys()];
    await Promise.all(handles.map((h) => this.#dropHandle(h)));
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
    this.emit('feed', userId);
  }

  #publisherDown(userId: string): void {
    const publisher = this.#publishers.get(userId);
    if (!publisher?.up) return;
    publisher.up = false;
    publisher.published = false;
    this.emit('feedGone', userId);
  }

  #requestKeyframe(feedUserId: string): void {
    const publisher = this.#publishers.get(feedUserId);
    if (!publisher?.up) return;
    this.#client.message(publisher.handleId, { request: 'configure', keyframe: true }).catch(() => {});
  }
}
