/**
 * Server-API nonces shared by every node of a cluster: `SET nonce:<app>:<nonce> 1 NX PXAT <expiry>`,
 * so a captured request replayed on another node is refused too. Redis expires the keys with the
 * signature window; its memory is the bound (no 'full' answer here).
 */
import type { NonceStore, NonceVerdict } from '../../../ports/index.js';
import type { RedisCluster } from './redis-cluster.js';

export class RedisNonceStore implements NonceStore {
  constructor(
    private readonly redis: RedisCluster,
    private readonly now: () => number = Date.now,
  ) {}

  async remember(appKey: string, nonce: string, expiresAt: number): Promise<NonceVerdict> {
    const ttlMs = Math.max(1, Math.ceil(expiresAt - this.now()));
    const set = await this.redis.command.set(this.redis.keys.nonce(appKey, nonce), '1', 'PX', ttlMs, 'NX');
    return set === 'OK' ? 'new' : 'replayed';
  }
}
