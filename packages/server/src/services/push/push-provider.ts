/**
 * Push for users with no connected device: the call service hands each notice to a provider.
 * Providers: none (default), a webhook (`OPENCALL_PUSH_WEBHOOK_URL`); Web Push comes later.
 */
import type { PushNotice } from '@opencall/protocol';
import type { Logger } from 'pino';

export type { PushNotice };

export interface PushProvider {
  send(notice: PushNotice): void;
}

export const noPush: PushProvider = { send: () => undefined };

/** POSTs each notice as JSON to a URL; failures are logged and never affect the call. */
export class WebhookPushProvider implements PushProvider {
  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 5000,
  ) {}

  send(notice: PushNotice): void {
    fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notice),
      signal: AbortSignal.timeout(this.timeoutMs),
    })
      .then((response) => {
        if (!response.ok) this.logger.warn({ status: response.status, kind: notice.kind }, 'push webhook refused a notice');
      })
      .catch((error: unknown) => this.logger.warn({ err: error, kind: notice.kind }, 'push webhook failed'));
  }
}
