/**
 * App lookups for the hot paths (every connect, every signed server-API request), cached for a few
 * seconds. An administrative change invalidates the key here and, through `AppChangeNotifier` in
 * app.ts, on every node of a cluster (bus message `app_changed`); the short TTL bounds staleness if a
 * bus message is lost.
 */
import { LRUCache } from 'lru-cache';
import type { AppRecord, AppStore } from '../../ports/index.js';

/** Default lifetime of a cached lookup. */
export const APP_CACHE_TTL_MS = 5000;
/** Bound on cached keys (unknown keys are cached too, so probing cannot grow the cache). */
const MAX_CACHED_APPS = 10_000;
const MISSING = Symbol('missing');

export interface AppDirectoryOptions {
  ttlMs?: number;
}

export class AppDirectory implements Pick<AppStore, 'get'> {
  readonly #cache: LRUCache<string, AppRecord | typeof MISSING>;

  constructor(
    private readonly store: Pick<AppStore, 'get'>,
    options: AppDirectoryOptions = {},
  ) {
    this.#cache = new LRUCache({ max: MAX_CACHED_APPS, ttl: options.ttlMs ?? APP_CACHE_TTL_MS });
  }

  async get(appKey: string): Promise<AppRecord | undefined> {
    const cached = this.#cache.get(appKey);
    if (cached !== undefined) return cached === MISSING ? undefined : cached;
    const app = await this.store.get(appKey);
    this.#cache.set(appKey, app ?? MISSING);
    return app;
  }

  /** Forget the app (it changed); the next lookup reads the store. */
  invalidate(appKey: string): void {
    this.#cache.delete(appKey);
  }
}

/** Whether the app's previous secret (after a rotation) is still accepted at `now`. */
export function previousSecretValid(app: AppRecord, now: number): app is AppRecord & { previousSecret: string } {
  return app.previousSecret !== undefined && app.previousSecretUntil !== undefined && now < app.previousSecretUntil;
}

/** The secrets that verify a signature of `app` at `now`: the current one, then the previous one in its grace period. */
export function acceptedSecrets(app: AppRecord, now: number): string[] {
  return previousSecretValid(app, now) ? [app.appSecret, app.previousSecret] : [app.appSecret];
}
