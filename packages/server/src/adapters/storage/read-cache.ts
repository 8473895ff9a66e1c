/**
 * The reads every call makes — the app's call switches, blacklist pairs, bans and RTC bans — answered
 * from memory instead of a query each (they were ≈ 40 % of the queries of a call lifecycle).
 *
 * Invalidation:
 * - Any other method of a cached store is a write: when it settles, that store's cache is dropped
 *   (and again when the transaction that held it settles, committed or rolled back).
 * - A read that was in flight across such a drop is not cached (a per-store generation).
 * - Other nodes: `onLocalChange` tells the cluster bus, which calls `invalidate` on every node.
 *   While the bus cannot carry those messages (`reliable()` false: Redis down) the cache is bypassed
 *   and emptied, so it starts afresh once the bus is back.
 * - Entries also expire after `maxAgeMs` (5 min), a last bound on staleness should anything else
 *   (another process, a hand edit) write the database.
 */
import { LRUCache } from 'lru-cache';
import type { AppStore, BanStore, BlacklistStore, RtcBanStore, Storage } from '../../ports/index.js';

/** The stores whose reads are cached. */
export const CACHED_STORES = ['apps', 'blacklists', 'bans', 'rtcBans'] as const;
export type CachedStore = (typeof CACHED_STORES)[number];

export interface ReadCacheOptions {
  /** Entries kept per store (least recently used dropped first). */
  maxEntries?: number;
  /** How long an entry is trusted without a write seen. */
  maxAgeMs?: number;
  /** Whether invalidations from other nodes arrive now (cluster bus healthy); when not, reads bypass the cache. */
  reliable?: () => boolean;
}

export interface ReadCache {
  /** The storage to use: cached reads, writes that invalidate. */
  readonly storage: Storage;
  /** Drop what is cached of `store` (another node changed it). */
  invalidate(store: CachedStore): void;
  /** Set where invalidations come from other nodes: while `reliable()` is false the cache is bypassed. */
  useReliability(reliable: () => boolean): void;
  /** Told after this process changed `store` (cluster mode broadcasts it). */
  onLocalChange(listener: (store: CachedStore) => void): void;
}

type RtcBan = Awaited<ReturnType<RtcBanStore['activeBans']>>[number];

/** `undefined` is a value worth caching ("not banned"), which LRUCache cannot hold bare. */
interface Held<T> {
  value: T;
}

class StoreCache<T> {
  private readonly entries: LRUCache<string, Held<T>>;
  private generation = 0;

  constructor(
    maxEntries: number,
    maxAgeMs: number,
    private readonly reliable: () => boolean,
  ) {
    this.entries = new LRUCache<string, Held<T>>({ max: maxEntries, ttl: maxAgeMs });
  }

  /** The cached answer, if any may be trusted now (an unreliable bus empties the cache). */
  get(key: string): Held<T> | undefined {
    if (this.reliable()) return this.entries.get(key);
    if (this.entries.size > 0) this.clear();
    return undefined;
  }

  /** Reads through `load`, caching its answer unless the store changed meanwhile. */
  async through(key: string, load: () => Promise<T>): Promise<T> {
    const held = this.get(key);
    if (held) return held.value;
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation && this.reliable()) this.entries.set(key, { value });
    return value;
  }

  /** Caches answers the caller learnt together (under the generation it read at). */
  fill(generation: number, answers: Iterable<[string, T]>): void {
    if (generation !== this.generation || !this.reliable()) return;
    for (const [key, value] of answers) this.entries.set(key, { value });
  }

  currentGeneration(): number {
    return this.generation;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}

const SEP = '\u0000';

/** Wraps `storage` so the hot reads come from memory. */
export function withReadCache(storage: Storage, options: ReadCacheOptions = {}): ReadCache {
  const maxEntries = options.maxEntries ?? 50_000;
  const maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  let isReliable = options.reliable ?? (() => true);
  const reliable = () => isReliable();
  const apps = new StoreCache<Awaited<ReturnType<AppStore['get']>>>(maxEntries, maxAgeMs, reliable);
  const blacklistPairs = new StoreCache<boolean>(maxEntries, maxAgeMs, reliable);
  const bans = new StoreCache<number | undefined>(maxEntries, maxAgeMs, reliable);
  const rtcBans = new StoreCache<RtcBan[]>(maxEntries, maxAgeMs, reliable);
  const caches: Record<CachedStore, { clear(): void }> = { apps, blacklists: blacklistPairs, bans, rtcBans };
  const listeners: ((store: CachedStore) => void)[] = [];

  const invalidate = (store: CachedStore) => caches[store].clear();
  const changedHere = (store: CachedStore) => {
    invalidate(store);
    for (const listener of listeners) listener(store);
  };

  /** A user's running RTC bans (those that ended by `now` are filtered out by the readers). */
  const activeRtcBans = async (store: RtcBanStore, appKey: string, userId: string, now: number): Promise<RtcBan[]> => {
    const bans = await rtcBans.through(appKey + SEP + userId, () => store.activeBans(appKey, userId, now));
    return bans.filter((ban) => ban.endsAt > now);
  };

  /** The cached view of one storage (the root one, or a transaction's: `changed` collects its writes). */
  const view = (inner: Storage, changed: (store: CachedStore) => void): Storage => ({
    ...inner,
    apps: {
      ...writesInvalidate(inner.apps, () => changed('apps')),
      get: (appKey) => apps.through(appKey, () => inner.apps.get(appKey)),
    } satisfies AppStore,
    blacklists: {
      ...writesInvalidate(inner.blacklists, () => changed('blacklists')),
      has: (appKey, ownerId, otherId) =>
        blacklistPairs.through(appKey + SEP + ownerId + SEP + otherId, () => inner.blacklists.has(appKey, ownerId, otherId)),
      entriesAmong: (appKey, ownerIds, otherIds) => entriesAmong(blacklistPairs, inner.blacklists, appKey, ownerIds, otherIds),
    } satisfies BlacklistStore,
    bans: {
      ...writesInvalidate(inner.bans, () => changed('bans')),
      bannedUntil: async (appKey, userId, now) => {
        const until = await bans.through(appKey + SEP + userId, () => inner.bans.bannedUntil(appKey, userId, now));
        return until !== undefined && until > now ? until : undefined;
      },
    } satisfies BanStore,
    rtcBans: {
      ...writesInvalidate(inner.rtcBans, () => changed('rtcBans')),
      // Cached per user, not per room: every call is a new room, and most users have no ban at all.
      activeBans: (appKey, userId, now) => activeRtcBans(inner.rtcBans, appKey, userId, now),
      bannedUntil: async (appKey, userId, roomId, now) => {
        let until: number | undefined;
        for (const ban of await activeRtcBans(inner.rtcBans, appKey, userId, now)) {
          if ((ban.roomId === undefined || ban.roomId === roomId) && ban.endsAt > now) until = Math.max(until ?? 0, ban.endsAt);
        }
        return until;
      },
    } satisfies RtcBanStore,
    transaction: (work) => {
      const touched = new Set<CachedStore>();
      const settle = () => {
        for (const store of touched) changedHere(store);
      };
      return inner
        .transaction((tx) =>
          work(
            view(tx, (store) => {
              touched.add(store);
              invalidate(store);
            }),
          ),
        )
        .finally(settle);
    },
  });

  return {
    storage: view(storage, changedHere),
    invalidate,
    useReliability: (check) => {
      isReliable = check;
    },
    onLocalChange: (listener) => listeners.push(listener),
  };
}

/**
 * Every method of `store` as a write: `changed` runs when it settles. New methods of a store are
 * thus writes until listed as cached reads (safe: a needless drop, never a stale answer).
 */
function writesInvalidate<S extends object>(store: S, changed: () => void): S {
  const wrapped: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(store)) {
    wrapped[name] =
      typeof member === 'function' ? (...args: unknown[]) => Promise.resolve(member.apply(store, args)).finally(changed) : member;
  }
  return wrapped as S;
}

/** From the pair cache when every pair is known, else one query whose answer fills every pair. */
async function entriesAmong(
  pairs: StoreCache<boolean>,
  inner: BlacklistStore,
  appKey: string,
  ownerIds: string[],
  otherIds: string[],
): Promise<[string, string][]> {
  const found: [string, string][] = [];
  const owners = [...new Set(ownerIds)];
  const others = [...new Set(otherIds)];
  let complete = true;
  for (const owner of owners) {
    for (const other of others) {
      const held = pairs.get(appKey + SEP + owner + SEP + other);
      if (!held) {
        complete = false;
        break;
      }
      if (held.value) found.push([owner, other]);
    }
    if (!complete) break;
  }
  if (complete) return found;
  const generation = pairs.currentGeneration();
  const entries = await inner.entriesAmong(appKey, ownerIds, otherIds);
  const blocked = new Set(entries.map(([owner, other]) => owner + SEP + other));
  const answers: [string, boolean][] = [];
  for (const owner of owners)
    for (const other of others) answers.push([appKey + SEP + owner + SEP + other, blocked.has(owner + SEP + other)]);
  pairs.fill(generation, answers);
  return entries;
}
