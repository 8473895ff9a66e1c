/**
 * Server-API nonces shared by every node of a cluster: `SET nonce:<app>:<nonce> 1 NX PX <ttl>`, so a
 * captured request replayed on another node is refused too. Redis expires the keys with the
 * signature window. While Redis cannot be reached the node falls back to its own memory (a replay
 * is still refused on this node; the API keeps answering rather than failing every request).
 */
import type { Logger } from 'pino';
import type { NonceStore, NonceVerdict } from '../../../ports/index.js';
import type { RedisCluster } from './redis-cluster.js';

export class RedisNonceStore implements NonceStore {
  #warnedAt = 0;

  /** @param local this node's own store: also written every time, and alone while Redis is away */
  constructor(
    private readonly redis: RedisCluster,
    private readonly local: NonceStore,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async remember(appKey: string, nonce: string, expiresAt: number): Promise<NonceVerdict> {
    const here = await this.local.remember(appKey, nonce, expiresAt);
    if (here !== 'new') return here;
    const ttlMs = Math.max(1, Math.ceil(expiresAt - this.now()));
    try {
      const set = await this.redis.command.set(this.redis.keys.nonce(appKey, nonce), '1', 'PX', ttlMs, 'NX');
      return set === 'OK' ? 'new' : 'replayed';
    } catch (error) {
      if (this.now() - this.#warnedAt > 10_000) {
        this.#warnedAt = this.now();
        this.logger.warn({ err: error }, 'cluster: nonces checked on this node only while Redis is unavailable');
      }
      return 'new';
    }
  }
}
