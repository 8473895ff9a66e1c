/**
 * Per-app callback URLs (console, `AppAdmin.setCallbacks`) over the env-wide ones: an app's
 * `webhookUrl` / `rtcCallbackUrl` replaces `OPENCALL_WEBHOOK_URL` / `OPENCALL_RTC_CALLBACK_URL` for
 * that app's events. Call transitions are synchronous, so which rows to write is answered from memory:
 * the apps that have their own URLs, loaded at start and refreshed when an app changes (on every
 * node: services/apps/app-changes.ts). The URL itself is resolved again when a row is delivered, so a
 * changed URL applies to the rows still waiting.
 */
import type { AppRecord, AppStore } from '../../ports/index.js';
import type { WebhookConfig } from './webhook-config.js';
import type { WebhookTargets } from './webhook-outbox.js';

type Own = Pick<AppRecord, 'webhookUrl' | 'rtcCallbackUrl'>;

export class AppCallbacks {
  /** Apps with at least one URL of their own. */
  readonly #own = new Map<string, Own>();

  constructor(
    private readonly config: Pick<WebhookConfig, 'url' | 'rtcCallbackUrl'>,
    private readonly apps: Pick<AppStore, 'get' | 'list'>,
  ) {}

  /** Reads every app's URLs (at start). */
  async load(): Promise<void> {
    this.#own.clear();
    for (const app of await this.apps.list()) this.#remember(app.appKey, app);
  }

  /** Re-reads one app (it changed). */
  async refresh(appKey: string): Promise<void> {
    const app = await this.apps.get(appKey);
    this.#own.delete(appKey);
    if (app) this.#remember(appKey, app);
  }

  /** Which rows to write for the app's calls. */
  targetsFor(appKey: string): WebhookTargets {
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

  /** Whether any app (or the env) has a room status sync target (the periodic snapshot runs then). */
  anyRoomSync(): boolean {
    return this.config.rtcCallbackUrl !== undefined || [...this.#own.values()].some((own) => own.rtcCallbackUrl !== undefined);
  }

  #remember(appKey: string, app: Own): void {
    if (app.webhookUrl === undefined && app.rtcCallbackUrl === undefined) return;
    this.#own.set(appKey, {
      ...(app.webhookUrl ? { webhookUrl: app.webhookUrl } : {}),
      ...(app.rtcCallbackUrl ? { rtcCallbackUrl: app.rtcCallbackUrl } : {}),
    });
  }
}
