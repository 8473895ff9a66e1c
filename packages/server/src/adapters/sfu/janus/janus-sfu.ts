/**
 * The `Sfu` over one or more Janus instances. Local mode: one instance whose URL comes from the
 * supervisor. Remote mode: the configured URLs. Every connection sends the instance's API secret.
 * Each room goes to the reachable instance holding the fewest participants (then rooms), on a Janus
 * session and connection of its own: when that connection dies, that room is lost (`sfuLost`).
 *
 * Remote mode rooms can change hands (cluster mode): a room's `state()` names its instance's URL and
 * session; `resumeRoom` claims that session on the instance configured with the same URL (Janus keeps
 * a session whose connection died for `reclaim_session_timeout` seconds, media flowing).
 */
import { SafeEmitter } from '@opencall/protocol';
import type { RoomOptions, Sfu, SfuEvents, SfuRoom, SfuRoomRef, SfuRoomState } from '../sfu-port.js';
import { JanusClient, type JanusClientOptions } from './janus-client.js';
import type { JanusEndpoint } from './janus-endpoint.js';
import { JanusRoom } from './janus-room.js';

interface Instance {
  url: string | undefined;
  apiSecret: string | undefined;
  rooms: Set<JanusRoom>;
}

export interface JanusSfuLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export class JanusSfu extends SafeEmitter<SfuEvents> implements Sfu {
  readonly #instances: Instance[];
  readonly #logger: JanusSfuLogger;
  #closed = false;

  constructor(
    readonly mode: 'local' | 'remote',
    endpoints: JanusEndpoint[],
    logger: JanusSfuLogger,
  ) {
    super((event, error) => logger.warn({ err: error, event }, 'sfu listener threw'));
    this.#logger = logger;
    this.#instances = endpoints.map(({ url, apiSecret }) => ({ url, apiSecret, rooms: new Set() }));
  }

  /** Local mode: the supervised Janus is up at `url` (index 0). */
  instanceUp(url: string, index = 0): void {
    const instance = this.#instances[index];
    if (!instance) return;
    instance.url = url;
  }

  /** Local mode: the supervised Janus died; its rooms are lost. */
  instanceDown(index = 0): void {
    const instance = this.#instances[index];
    if (!instance) return;
    instance.url = undefined;
    for (const room of [...instance.rooms]) room.lose();
  }

  available(): boolean {
    return !this.#closed && this.#instances.some((i) => i.url !== undefined);
  }

  /** Rooms per instance (for logs and tests). */
  load(): { url: string | undefined; rooms: number; participants: number }[] {
    return this.#instances.map((i) => ({ url: i.url, rooms: i.rooms.size, participants: participants(i) }));
  }

  async openRoom(ref: SfuRoomRef, options: RoomOptions): Promise<SfuRoom> {
    const candidates = this.#instances
      .filter((i) => i.url !== undefined)
      .sort((a, b) => participants(a) - participants(b) || a.rooms.size - b.rooms.size);
    let lastError: unknown = new Error('no Janus instance available');
    for (const instance of candidates) {
      const url = instance.url!;
      try {
        const client = await JanusClient.connect(url, this.#clientOptions(instance));
        this.#logger.info({ url, callId: ref.callId }, 'connected to janus');
        const resumeUrl = this.mode === 'remote' ? url : undefined;
        const room = await JanusRoom.create(ref, client, { ...options, resumeUrl }, (event, error) =>
          this.#logger.warn({ err: error, event }, 'room listener threw'),
        );
        return this.#adopt(instance, room);
      } catch (error) {
        lastError = error;
        this.#logger.warn({ err: error, url }, 'janus room creation failed');
      }
    }
    throw lastError;
  }

  async resumeRoom(ref: SfuRoomRef, state: SfuRoomState): Promise<SfuRoom> {
    const stored = JanusRoom.parseState(state);
    const instance = this.mode === 'remote' ? this.#instances.find((i) => i.url === stored.url) : undefined;
    if (!instance || this.#closed) throw new Error(`the room's Janus (${stored.url}) is not one of this server's OPENCALL_JANUS_URLS`);
    const client = await JanusClient.claim(stored.url, stored.sessionId, this.#clientOptions(instance));
    const room = await JanusRoom.resume(ref, client, stored, (event, error) =>
      this.#logger.warn({ err: error, event }, 'room listener threw'),
    );
    this.#logger.info({ url: stored.url, callId: ref.callId }, 'janus room taken over');
    return this.#adopt(instance, room);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const instance of this.#instances) await Promise.all([...instance.rooms].map((room) => room.destroy()));
  }

  #clientOptions(instance: Instance): JanusClientOptions {
    return {
      apiSecret: instance.apiSecret,
      onListenerError: (event, error) => this.#logger.warn({ err: error, event }, 'janus listener threw'),
    };
  }

  /** Tracks the room on its instance until it leaves this process; a room whose connection died is lost. */
  #adopt(instance: Instance, room: JanusRoom): JanusRoom {
    instance.rooms.add(room);
    room.on('closed', () => {
      instance.rooms.delete(room);
      if (room.ended !== 'lost') return;
      this.#logger.warn({ url: instance.url, callId: room.ref.callId }, 'janus connection lost with a room on it');
      this.emit('sfuLost', [room.ref]);
    });
    return room;
  }
}

function participants(instance: Instance): number {
  let total = 0;
  for (const room of instance.rooms) total += room.participantCount;
  return total;
}
