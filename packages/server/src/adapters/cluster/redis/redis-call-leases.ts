/**
 * Call leases in Redis: `lease:<app>:<call>` = `<nodeId>:<epoch>`. A lease has no expiry of its own:
 * it is valid while its holder's liveness key lives (one renewal per node, not one per call). Taking
 * over a call is a Lua compare-and-set that succeeds only when the holder's liveness key is gone; the
 * new epoch is then written to the call's row in Postgres with a compare-and-set too (the fence the
 * journal's writes check), so a paused node that wakes up cannot overwrite the call.
 *
 * `holds()` is local and synchronous: this node renewed its liveness recently enough (a node that was
 * paused past its liveness TTL must not act before it has checked which leases it still holds).
 */
import type { Logger } from 'pino';
import type { CallLeases, Lease } from '../../../ports/index.js';
import type { RedisCluster } from './redis-cluster.js';
import type { RedisNodeBus } from './redis-node-bus.js';

/** Leases outlive nothing: a forgotten one (its call long gone) expires after a day. */
const LEASE_SAFETY_TTL_MS = 24 * 3600_000;

/**
 * KEYS[1] lease, ARGV[1] node key prefix, ARGV[2] new value, ARGV[3] expected epoch, ARGV[4] ttl,
 * ARGV[5] '1' if a missing lease may be taken, ARGV[6] this node's id. Sets the lease when it is held
 * at the expected epoch by a node whose liveness key is gone, or by this node's id (an earlier process
 * of this node, restarted with the same `OPENCALL_NODE_ID`), or is missing (when allowed).
 */
const TAKE_OVER = `
local current = redis.call('GET', KEYS[1])
if current then
  local node, epoch = string.match(current, '^(.*):(%d+)$')
  if epoch ~= ARGV[3] then return 0 end
  if node ~= ARGV[6] and redis.call('EXISTS', ARGV[1] .. node) == 1 then return 0 end
elseif ARGV[5] ~= '1' then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
return 1`;

export class RedisCallLeases implements CallLeases {
  /** Calls this node holds, with their epochs. */
  readonly #held = new Map<string, { appKey: string; callId: string; epoch: number }>();
  readonly #lostListeners: ((calls: { appKey: string; callId: string }[]) => void)[] = [];
  #verifying = false;
  #verification: Promise<void> | undefined;
  #check: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisCluster,
    private readonly bus: RedisNodeBus,
    private readonly logger: Logger,
  ) {
    // After a pause or a Redis outage longer than the liveness TTL, find out which calls are still ours.
    this.#check = setInterval(() => {
      if (!this.#verifying && this.#stale()) void this.verifyAll();
    }, 250);
    this.#check.unref();
    // Redis back (maybe restarted without its data): put our leases back before anyone looks.
    redis.command.on('ready', () => void this.verifyAll());
  }

  async acquireNew(appKey: string, callId: string): Promise<Lease | undefined> {
    const value = `${this.bus.nodeId}:1`;
    const set = await this.redis.command.set(this.redis.keys.lease(appKey, callId), value, 'PX', LEASE_SAFETY_TTL_MS, 'NX');
    if (set !== 'OK') return undefined;
    this.#held.set(`${appKey}\u0000${callId}`, { appKey, callId, epoch: 1 });
    return { epoch: 1 };
  }

  async takeOver(appKey: string, callId: string, previousEpoch: number, previousOwner = ''): Promise<Lease | undefined> {
    // A lease that is missing altogether (Redis lost its data, or the call predates cluster mode) is
    // only taken from an owner this node has not seen for a while: it may be alive and re-announcing.
    const missingAllowed = previousOwner === '' || !this.bus.recentlySeen(previousOwner);
    const epoch = previousEpoch + 1;
    const won = await this.redis.command.eval(
      TAKE_OVER,
      1,
      this.redis.keys.lease(appKey, callId),
      this.redis.keys.node(''),
      `${this.bus.nodeId}:${epoch}`,
      String(previousEpoch),
      String(LEASE_SAFETY_TTL_MS),
      missingAllowed ? '1' : '0',
      this.bus.nodeId,
    );
    if (won !== 1) return undefined;
    this.#held.set(`${appKey}\u0000${callId}`, { appKey, callId, epoch });
    return { epoch };
  }

  async holder(appKey: string, callId: string): Promise<string | undefined> {
    const value = await this.redis.command.get(this.redis.keys.lease(appKey, callId));
    const node = value?.match(/^(.*):\d+$/)?.[1];
    if (!node) return undefined;
    if (node === this.bus.nodeId) return node;
    return (await this.bus.confirmAlive(node)) ? node : undefined;
  }

  holds(appKey: string, callId: string): boolean {
    return this.#held.has(`${appKey}\u0000${callId}`) && !this.#stale();
  }

  release(appKey: string, callId: string): void {
    const key = `${appKey}\u0000${callId}`;
    const held = this.#held.get(key);
    if (!held) return;
    this.#held.delete(key);
    // Compare-and-delete: only our own value goes.
    this.redis.command
      .eval(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end",
        1,
        this.redis.keys.lease(appKey, callId),
        `${this.bus.nodeId}:${held.epoch}`,
      )
      .catch((error: unknown) => this.logger.debug({ err: error, callId }, 'cluster: lease not released'));
  }

  onLost(listener: (calls: { appKey: string; callId: string }[]) => void): void {
    this.#lostListeners.push(listener);
  }

  /** Checks every held lease against Redis; the ones held by another node now are lost. One check at a time. */
  verifyAll(): Promise<void> {
    this.#verification ??= this.#verify().finally(() => {
      this.#verification = undefined;
    });
    return this.#verification;
  }

  async #verify(): Promise<void> {
    if (this.#held.size === 0) {
      this.bus.livenessLapsed = false;
      return;
    }
    this.#verifying = true;
    try {
      // Renew our liveness first, so nobody takes more of our calls while we look.
      await this.redis.command.set(this.redis.keys.node(this.bus.nodeId), this.bus.incarnation, 'PX', this.bus.livenessTtlMs);
      const entries = [...this.#held.entries()];
      const values = await this.redis.command.mget(...entries.map(([, h]) => this.redis.keys.lease(h.appKey, h.callId)));
      const lost: { appKey: string; callId: string }[] = [];
      for (const [i, [key, held]] of entries.entries()) {
        const mine = `${this.bus.nodeId}:${held.epoch}`;
        if (values[i] === mine) continue;
        // Missing (Redis restarted without its data): claim it again; the journal's epoch fences anyway.
        const leaseKey = this.redis.keys.lease(held.appKey, held.callId);
        if (values[i] === null && (await this.redis.command.set(leaseKey, mine, 'PX', LEASE_SAFETY_TTL_MS, 'NX')) === 'OK') continue;
        this.#held.delete(key);
        lost.push({ appKey: held.appKey, callId: held.callId });
      }
      this.bus.livenessLapsed = false;
      if (lost.length > 0) {
        this.logger.warn({ calls: lost.length }, 'cluster: calls taken over by other nodes while this one was away');
        for (const listener of this.#lostListeners) listener(lost);
      }
    } catch (error) {
      this.logger.debug({ err: error }, 'cluster: leases not verified');
    } finally {
      this.#verifying = false;
    }
  }

  close(): void {
    clearInterval(this.#check);
  }

  /** This node's liveness may have lapsed: others may have taken its calls. */
  #stale(): boolean {
    return this.bus.livenessLapsed || Date.now() - this.bus.lastRenewedAt > this.bus.livenessTtlMs - 250;
  }
}
