/**
 * Push for users with no connected device: the call service writes each notice to the outbox, and
 * the outbox worker hands it to a provider (push-outbox.ts). Providers: a webhook
 * (`OPENCALL_PUSH_WEBHOOK_URL`) and Web Push (web-push-sender.ts, `OPENCALL_WEB_PUSH_SUBJECT`).
 */
import type { PushNotice } from '@opencall/protocol';

export type { PushNotice };

export interface PushProvider {
  /** Resolves once the receiver took the notice; rejects when it did not (the outbox retries). */
  send(notice: PushNotice): Promise<void>;
}

/**
 * POSTs each notice as JSON to a URL, with its id in the `Idempotency-Key` and `webhook-id` headers.
 * A 2xx answer within the timeout is success; any other answer, a network error or the timeout is a
 * failure.
 */
export class WebhookPushProvider implements PushProvider {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 5000,
  ) {}

  async send(notice: PushNotice): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': notice.id, 'webhook-id': notice.id },
        body: JSON.stringify(notice),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new Error(timedOut ? `push webhook did not answer within ${this.timeoutMs} ms` : 'push webhook unreachable', { cause: error });
    }
    // The answer's body is not used: release the connection.
    await response.body?.cancel().catch(() => undefined);
    if (!response.ok) throw new Error(`push webhook answered HTTP ${response.status}`);
  }
}
