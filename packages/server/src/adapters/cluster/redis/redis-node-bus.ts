/**
 * The node bus over Redis. Each node has an inbox (a Redis stream, read with a blocking XREAD, so
 * nothing is lost while the reading connection reconnects) and a liveness key it renews every
 * `heartbeatMs` with a `livenessTtlMs` expiry. A node whose key is gone is dead: its calls may be
 * taken over. Messages from one node to another are appended by one connection, so they arrive in
 * order.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { NodeBus, NodeMessage } from '../../../ports/index.js';
import type { RedisCluster } from './redis-cluster.js';

export interface RedisNodeBusOptions {
  /** How often the liveness key is renewed (default 500 ms). */
  heartbeatMs?: number;
  /** Expiry of the liveness key (default 2000 ms): a node silent this long is dead. */
  livenessTtlMs?: number;
  /** Entries kept per inbox (approximate). */
  inboxMaxLength?: number;
}

/** One stream entry: the sending node and its messages in order (`m`: one message, as older nodes wrote it). */
interface Envelope {
  f: string;
  ms?: NodeMessage[];
  m?: NodeMessage;
}

/** An inbox nobody reads (its node died) disappears after this. */
const INBOX_TTL_MS = 120_000;

export class RedisNodeBus implements NodeBus {
  readonly nodeId: string;
  /** This process's incarnation: a restarted node with the same id is a new one. */
  readonly incarnation = randomUUID();
  readonly livenessTtlMs: number;
  readonly #heartbeatMs: number;
  readonly #inboxMaxLength: number;
  readonly #listeners: ((message: NodeMessage, from: string) => void)[] = [];
  readonly #joinListeners: ((nodeId: string) => void)[] = [];
  #alive = new Set<string>();
  /** When each node was last seen alive (local clock). */
  readonly #lastSeen = new Map<string, number>();
  /** When the connection to Redis last came back after being lost (0: never lost). */
  #reconnectedAt = 0;
  #lastRenewedAt = 0;
  /** The last entry read from this node's inbox and from the broadcast stream; they start at now. */
  #lastInboxId = `${Date.now()}-0`;
  #lastBroadcastId = this.#lastInboxId;
  #closed = false;
  /** When each stream's expiry was last pushed back by this node (local clock). */
  readonly #expiryPushedAt = new Map<string, number>();
  /** Messages waiting for the end of this turn of the event loop, per stream. */
  readonly #outgoing = new Map<string, NodeMessage[]>();
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisCluster,
    private readonly logger: Logger,
    options: RedisNodeBusOptions = {},
  ) {
    this.nodeId = redis.options.nodeId;
    this.#heartbeatMs = options.heartbeatMs ?? 500;
    this.livenessTtlMs = options.livenessTtlMs ?? 2000;
    this.#inboxMaxLength = options.inboxMaxLength ?? 100_000;
  }

  /** Announces this node and starts reading its inbox. */
  async start(): Promise<void> {
    let connected = true;
    this.redis.command.on('close', () => {
      connected = false;
    });
    this.redis.command.on('ready', () => {
      if (!connected) this.#reconnectedAt = Date.now();
      connected = true;
    });
    await this.#renew();
    await this.#refreshAlive();
    this.#heartbeat = setInterval(() => {
      void this.#renew();
      void this.#refreshAlive();
    }, this.#heartbeatMs);
    this.#heartbeat.unref();
    void this.#readLoop();
  }

  /** When this node's liveness key was last renewed (local clock, ms). */
  get lastRenewedAt(): number {
    return this.#lastRenewedAt;
  }

  /**
   * Set when this node's liveness lapsed (it was paused, or cut off from Redis, longer than the TTL):
   * other nodes may have taken its calls, so leases must be checked before acting (the leases clear it).
   */
  livenessLapsed = false;

  send(nodeId: string, message: NodeMessage): void {
    if (nodeId === this.nodeId) {
      this.#deliver(this.nodeId, message);
      return;
    }
    this.#append(this.redis.keys.inbox(nodeId), message);
  }

  /** To every node, whether this one has seen it yet or not: one stream all nodes read. */
  broadcast(message: NodeMessage): void {
    this.#append(this.redis.keys.broadcast, message);
  }

  /**
   * Messages to one stream within one turn of the event loop go out as one entry (one XADD, one JSON
   * document: the per-message cost of a cross-node event is mostly the Redis command and the parse on
   * the other side). Appended in order on one connection, so they arrive in order.
   */
  #append(key: string, message: NodeMessage): void {
    const queued = this.#outgoing.get(key);
    if (queued) {
      queued.push(message);
      return;
    }
    this.#outgoing.set(key, [message]);
    if (this.#outgoing.size === 1) setImmediate(() => this.#flush());
  }

  #flush(): void {
    const batches = [...this.#outgoing];
    this.#outgoing.clear();
    for (const [key, messages] of batches) {
      this.#write(key, messages).catch((error: unknown) =>
        this.logger.warn({ err: error, stream: key, messages: messages.length, t: messages[0]?.t }, 'cluster: messages not sent'),
      );
    }
  }

  /** The stream's expiry is pushed back only when it was last pushed back a while ago: an inbox nobody reads still goes. */
  async #write(key: string, messages: NodeMessage[]): Promise<void> {
    const entry = JSON.stringify({ f: this.nodeId, ms: messages } satisfies Envelope);
    const now = Date.now();
    const expiryPushedAt = this.#expiryPushedAt.get(key) ?? 0;
    if (now - expiryPushedAt < INBOX_TTL_MS / 4) {
      await this.redis.command.xadd(key, 'MAXLEN', '~', String(this.#inboxMaxLength), '*', 'e', entry);
      return;
    }
    this.#expiryPushedAt.set(key, now);
    if (this.#expiryPushedAt.size > 10_000) this.#expiryPushedAt.clear();
    await this.redis.command
      .multi()
      .xadd(key, 'MAXLEN', '~', String(this.#inboxMaxLength), '*', 'e', entry)
      .pexpire(key, INBOX_TTL_MS)
      .exec();
  }

  onMessage(listener: (message: NodeMessage, fromNodeId: string) => void): void {
    this.#listeners.push(listener);
  }

  /** A node appeared in the list (started, or back after a Redis outage). */
  onNodeJoined(listener: (nodeId: string) => void): void {
    this.#joinListeners.push(listener);
  }

  isAlive(nodeId: string): boolean {
    return nodeId === this.nodeId || this.#alive.has(nodeId);
  }

  /** Nodes seen alive at the last refresh (this one included). */
  aliveNodes(): string[] {
    return [...new Set([...this.#alive, this.nodeId])];
  }

  /** Asks Redis now whether a node's liveness key exists (not the cached view). */
  async confirmAlive(nodeId: string): Promise<boolean> {
    return (await this.redis.command.exists(this.redis.keys.node(nodeId))) === 1;
  }

  /**
   * This node saw `nodeId` alive less than two liveness periods ago. After a Redis restart (every key
   * lost at once) live nodes look dead until they announce themselves again: a call whose lease is
   * missing is only taken over from a node not seen for longer than that.
   */
  recentlySeen(nodeId: string): boolean {
    const now = Date.now();
    // Just back from a Redis outage: nobody could announce itself meanwhile, so nobody counts as gone yet.
    if (now - this.#reconnectedAt < 2 * this.livenessTtlMs) return true;
    const seen = this.#lastSeen.get(nodeId);
    return seen !== undefined && now - seen < 2 * this.livenessTtlMs;
  }

  healthy(): boolean {
    return this.redis.healthy() && Date.now() - this.#lastRenewedAt < this.livenessTtlMs;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    // What this turn queued still goes out (a hand-over's last messages), ahead of the key's deletion.
    this.#flush();
    // Leaving on purpose: the key goes now, so the others take over at once rather than after the TTL.
    await this.redis.command.del(this.redis.keys.node(this.nodeId)).catch(() => undefined);
  }

  async #renew(): Promise<void> {
    const startedAt = Date.now();
    try {
      await this.redis.command.set(this.redis.keys.node(this.nodeId), this.incarnation, 'PX', this.livenessTtlMs);
      if (this.#lastRenewedAt > 0 && startedAt - this.#lastRenewedAt > this.livenessTtlMs) this.livenessLapsed = true;
      this.#lastRenewedAt = startedAt;
    } catch (error) {
      this.logger.debug({ err: error }, 'cluster: liveness not renewed');
    }
  }

  async #refreshAlive(): Promise<void> {
    try {
      const alive = new Set<string>();
      const prefix = this.redis.keys.node('');
      let cursor = '0';
      for (let round = 0; round < 100; round++) {
        const [next, keys] = await this.redis.command.scan(cursor, 'MATCH', this.redis.keys.nodePattern, 'COUNT', 1000);
        for (const key of keys) alive.add(key.slice(prefix.length));
        cursor = next;
        if (cursor === '0') break;
      }
      const joined = [...alive].filter((nodeId) => nodeId !== this.nodeId && !this.#alive.has(nodeId));
      this.#alive = alive;
      for (const nodeId of joined) for (const listener of this.#joinListeners) listener(nodeId);
      const now = Date.now();
      for (const nodeId of alive) this.#lastSeen.set(nodeId, now);
      for (const [nodeId, seen] of this.#lastSeen) if (now - seen > 10 * this.livenessTtlMs) this.#lastSeen.delete(nodeId);
    } catch (error) {
      this.logger.debug({ err: error }, 'cluster: node list not refreshed');
    }
  }

  async #readLoop(): Promise<void> {
    const inbox = this.redis.keys.inbox(this.nodeId);
    const everyone = this.redis.keys.broadcast;
    while (!this.#closed) {
      try {
        const result = (await this.redis.reader.xread(
          'COUNT',
          500,
          'BLOCK',
          1000,
          'STREAMS',
          inbox,
          everyone,
          this.#lastInboxId,
          this.#lastBroadcastId,
        )) as [string, [string, string[]][]][] | null;
        for (const [stream, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            if (stream === inbox) this.#lastInboxId = id;
            else this.#lastBroadcastId = id;
            const json = fields[1];
            if (json === undefined) continue;
            const envelope = JSON.parse(json) as Envelope;
            if (envelope.f === this.nodeId) continue;
            for (const message of envelope.ms ?? (envelope.m ? [envelope.m] : [])) this.#deliver(envelope.f, message);
          }
        }
      } catch (error) {
        if (this.#closed) return;
        this.logger.debug({ err: error }, 'cluster: inbox read failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  #deliver(from: string, message: NodeMessage): void {
    for (const listener of this.#listeners) {
      try {
        listener(message, from);
      } catch (error) {
        this.logger.error({ err: error, t: message.t }, 'cluster: message handler failed');
      }
    }
  }
}
