/**
 * Cluster mode's Redis: one connection for commands, one blocked reading this node's inbox, and the
 * key names, all under `oc:<cluster>:` so several clusters (and test runs) share one Redis.
 * ioredis reconnects by itself; `healthy()` says whether commands get through right now.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface RedisClusterOptions {
  url: string;
  /** `OPENCALL_CLUSTER`: namespaces every key. */
  cluster: string;
  nodeId: string;
  logger: Logger;
}

/** Key names of one cluster. */
export class ClusterKeys {
  readonly prefix: string;

  constructor(cluster: string) {
    this.prefix = `oc:${cluster}:`;
  }

  /** Liveness of a node (value: its incarnation), expiring unless renewed. */
  node(nodeId: string): string {
    return `${this.prefix}node:${nodeId}`;
  }

  get nodePattern(): string {
    return `${this.prefix}node:*`;
  }

  /** A node's inbox (a stream). */
  inbox(nodeId: string): string {
    return `${this.prefix}inbox:${nodeId}`;
  }

  /** The stream every node reads (broadcasts). */
  get broadcast(): string {
    return `${this.prefix}all`;
  }

  /** A call's lease: `<nodeId>:<epoch>`. */
  lease(appKey: string, callId: string): string {
    return `${this.prefix}lease:${appKey}:${callId}`;
  }

  /** A user's calls in flight (hash callId → entry). */
  userCalls(appKey: string, userId: string): string {
    return `${this.prefix}ucalls:${appKey}:${userId}`;
  }

  /** Console login failures of one client address (a counter) and its current lock. */
  loginFailures(address: string): string {
    return `${this.prefix}login:fail:${address}`;
  }

  loginLock(address: string): string {
    return `${this.prefix}login:lock:${address}`;
  }

  /** A server-API nonce. */
  nonce(appKey: string, nonce: string): string {
    return `${this.prefix}nonce:${appKey}:${nonce}`;
  }
}

export class RedisCluster {
  readonly keys: ClusterKeys;
  /** Commands (and publishing). */
  readonly command: Redis;
  /** Blocking reads of this node's inbox. */
  readonly reader: Redis;
  #ready = false;

  constructor(readonly options: RedisClusterOptions) {
    this.keys = new ClusterKeys(options.cluster);
    const common = {
      // Commands wait (bounded) while Redis is away instead of piling up without limit.
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 1000),
      lazyConnect: true,
    };
    this.command = new Redis(options.url, { ...common, connectionName: `opencall:${options.nodeId}:cmd` });
    this.reader = new Redis(options.url, { ...common, connectionName: `opencall:${options.nodeId}:inbox` });
    this.command.on('ready', () => {
      this.#ready = true;
      options.logger.info('cluster: Redis connected');
    });
    this.command.on('end', () => {
      this.#ready = false;
    });
    this.command.on('close', () => {
      if (this.#ready) options.logger.warn('cluster: Redis connection lost; retrying');
      this.#ready = false;
    });
    this.command.on('error', (error: Error) => options.logger.debug({ err: error }, 'cluster: Redis error'));
    this.reader.on('error', (error: Error) => options.logger.debug({ err: error }, 'cluster: Redis inbox error'));
  }

  /** Connects both clients; rejects if Redis cannot be reached at start. */
  async connect(): Promise<void> {
    await Promise.all([this.command.connect(), this.reader.connect()]);
    this.#ready = true;
  }

  healthy(): boolean {
    return this.#ready && this.command.status === 'ready';
  }

  async close(): Promise<void> {
    this.command.disconnect();
    this.reader.disconnect();
  }
}
