/**
 * The `Sfu` over one or more Janus instances. Local mode: one instance whose URL comes from the
 * supervisor. Remote mode: the configured URLs. Every connection sends the instance's API secret.
 * Each room goes to the reachable instance holding
 * the fewest participants (then rooms). When an instance's connection closes, every room on it is
 * lost: `sfuLost` names them.
 */
import { SafeEmitter } from '@opencall/protocol';
import type { RoomOptions, Sfu, SfuEvents, SfuRoom, SfuRoomRef } from '../sfu-port.js';
import { JanusClient } from './janus-client.js';
import type { JanusEndpoint } from './janus-endpoint.js';
import { JanusRoom } from './janus-room.js';

interface Instance {
  url: string | undefined;
  apiSecret: string | undefined;
  client: JanusClient | undefined;
  connecting: Promise<JanusClient> | undefined;
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
    this.#instances = endpoints.map(({ url, apiSecret }) => ({
      url,
      apiSecret,
      client: undefined,
      connecting: undefined,
      rooms: new Set(),
    }));
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
    instance.client?.close();
    this.#lose(instance);
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
      try {
        const client = await this.#connect(instance);
        const room = await JanusRoom.create(ref, client, options, (event, error) =>
          this.#logger.warn({ err: error, event }, 'room listener threw'),
        );
        instance.rooms.add(room);
        room.on('closed', () => instance.rooms.delete(room));
        return room;
      } catch (error) {
        lastError = error;
        this.#logger.warn({ err: error, url: instance.url }, 'janus room creation failed');
      }
    }
    throw lastError;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const instance of this.#instances) {
      await Promise.all([...instance.rooms].map((room) => room.destroy()));
      instance.client?.close();
    }
  }

  #connect(instance: Instance): Promise<JanusClient> {
    if (instance.client?.isOpen) return Promise.resolve(instance.client);
    if (instance.connecting) return instance.connecting;
    const url = instance.url!;
    instance.connecting = JanusClient.connect(url, {
      apiSecret: instance.apiSecret,
      onListenerError: (event, error) => this.#logger.warn({ err: error, event }, 'janus listener threw'),
    }).then(
      (client) => {
        instance.connecting = undefined;
        instance.client = client;
        client.on('closed', () => {
          if (instance.client === client) instance.client = undefined;
          this.#lose(instance);
        });
        this.#logger.info({ url }, 'connected to janus');
        return client;
      },
      (error: unknown) => {
        instance.connecting = undefined;
        throw error;
      },
    );
    return instance.connecting;
  }

  #lose(instance: Instance): void {
    if (instance.rooms.size === 0) return;
    const rooms = [...instance.rooms];
    instance.rooms.clear();
    const refs = rooms.map((room) => room.ref);
    this.#logger.warn({ url: instance.url, rooms: refs.length }, 'janus instance lost with rooms in it');
    this.emit('sfuLost', refs);
  }
}

function participants(instance: Instance): number {
  let total = 0;
  for (const room of instance.rooms) total += room.participantCount;
  return total;
}
