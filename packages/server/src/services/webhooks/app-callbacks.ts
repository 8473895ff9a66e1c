/**
 * Per-app callback URLs (console, `AppAdmin.setCallbacks`) over the env-wide ones: an app's
 * `webhookUrl` / `rtcCallbackUrl` replaces `OPENCALL_WEBHOOK_URL` / `OPENCALL_RTC_CALLBACK_URL` for
 * that app's events. Call transitions are synchronous, so which rows to write is answered from memory:
 * the apps that have their own URLs, loaded at start and refreshed when an app changes (on every
 * node: services/apps/app-changes.ts). Should a change's bus message be lost (Redis down), the whole
 * list is read again in the background once it is older than {@link RELOAD_AFTER_MS}. The URL itself
 * is resolved again when a row is delivered, so a changed URL applies to the rows still waiting.
 */
import type { AppRecord, AppStore } from '../../ports/index.js';
import type { WebhookConfig } from './webhook-config.js';
import type { WebhookTargets } from './webhook-outbox.js';

type Own = Pick<AppRecord, 'webhookUrl' | 'rtcCallbackUrl'>;

/** Age after which the in-memory list is re-read (in the background, on the next lookup). */
export const RELOAD_AFTER_MS = 30_000;

function urlsOf(app: Own): Own | undefined {
  if (app.webhookUrl === undefined && app.rtcCallbackUrl === undefined) return undefined;
  return {
    ...(app.webhookUrl ? { webhookUrl: app.webhookUrl } : {}),
    ...(app.rtcCallbackUrl ? { rtcCallbackUrl: app.rtcCallbackUrl } : {}),
  };
}

export class AppCallbacks {
  /** Apps with at least one URL of their own. */
  #own = new Map<string, Own>();
  #loadedAt = 0;
  #reloading = false;

  constructor(
    private readonly config: Pick<WebhookConfig, 'url' | 'rtcCallbackUrl'>,
    private readonly apps: Pick<AppStore, 'get' | 'list'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads every app's URLs (at start, then when the list has aged). */
  async load(): Promise<void> {
    const startedAt = this.now();
    const own = new Map<string, Own>();
    for (const app of await this.apps.list()) {
      const urls = urlsOf(app);
      if (urls) own.set(app.appKey, urls);
    }
    this.#own = own;
    this.#loadedAt = startedAt;
  }

  /** Re-reads one app (it changed). */
  async refresh(appKey: string): Promise<void> {
    const app = await this.apps.get(appKey);
    const urls = app ? urlsOf(app) : undefined;
    if (urls) this.#own.set(appKey, urls);
    else this.#own.delete(appKey);
  }

  /** Which rows to write for the app's calls. */
  targetsFor(appKey: string): WebhookTargets {
    this.#reloadIfStale();
    const own = this.#own.get(appKey);
    return {
      callEvents: (own?.webhookUrl ?? this.config.url) !== undefined,
      roomSync: (own?.rtcCallbackUrl ?? this.config.rtcCallbackUrl) !== undefined,
    };
  }

  /** The targets as the call service takes them: env-wide flags, and the per-app answer. */
  targets(): WebhookTargets {
    return {
      callEvents: this.config.url !== undefined,
      roomSync: this.config.rtcCallbackUrl !== undefined,
      forApp: (appKey) => this.targetsFor(appKey),
    };
  }

  #reloadIfStale(): void {
    if (this.#reloading || this.now() - this.#loadedAt < RELOAD_AFTER_MS) return;
    this.#reloading = true;
    // A failed read keeps the list it had and tries again on a later lookup.
    this.load()
      .catch(() => undefined)
      .finally(() => {
        this.#reloading = false;
      });
  }
}
