/**
 * Every user's calls in flight, cluster-wide: a Redis hash per user (call id → entry), written by the
 * call's owner. Busy and glare checks read the callee's and the caller's hashes when a call is placed.
 * Entries of a call that ended on a node that died are removed by the node that takes the call over
 * (it ends or carries on the call); a day's expiry bounds anything forgotten.
 */
import type { Logger } from 'pino';
import type { UserCallEntry, UserCallIndex } from '../../../ports/index.js';
import type { RedisCluster } from './redis-cluster.js';

const ENTRY_TTL_MS = 24 * 3600_000;

export class RedisUserCallIndex implements UserCallIndex {
  constructor(
    private readonly redis: RedisCluster,
    private readonly logger: Logger,
  ) {}

  async elsewhere(appKey: string, userId: string, ownCallIds: ReadonlySet<string>): Promise<UserCallEntry[]> {
    const all = await this.redis.command.hgetall(this.redis.keys.userCalls(appKey, userId));
    const entries: UserCallEntry[] = [];
    for (const [callId, json] of Object.entries(all)) {
      if (ownCallIds.has(callId)) continue;
      try {
        entries.push(JSON.parse(json) as UserCallEntry);
      } catch {
        // not an entry of ours
      }
    }
    return entries;
  }

  put(appKey: string, userId: string, entry: UserCallEntry): void {
    const key = this.redis.keys.userCalls(appKey, userId);
    this.redis.command
      .multi()
      .hset(key, entry.callId, JSON.stringify(entry))
      .pexpire(key, ENTRY_TTL_MS)
      .exec()
      .catch((error: unknown) => this.logger.warn({ err: error, callId: entry.callId }, 'cluster: user call index not updated'));
  }

  remove(appKey: string, userId: string, callId: string): void {
    this.redis.command
      .hdel(this.redis.keys.userCalls(appKey, userId), callId)
      .catch((error: unknown) => this.logger.warn({ err: error, callId }, 'cluster: user call index not updated'));
  }
}
