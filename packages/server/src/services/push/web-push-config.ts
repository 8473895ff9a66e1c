/**
 * Web Push settings, read from the environment: on when `OPENCALL_WEB_PUSH_SUBJECT` names the
 * operator (`mailto:` or `https:`, the VAPID `sub` claim push services contact).
 */
export interface WebPushConfig {
  /** VAPID subject (env OPENCALL_WEB_PUSH_SUBJECT); undefined = Web Push off. */
  subject: string | undefined;
  /**
   * Accept `http:` push endpoints and ones on private or loopback addresses (env
   * OPENCALL_WEB_PUSH_ALLOW_PRIVATE=1): only for tests and local stand-ins of a push
   * service. Off, an endpoint is `https:` on a public address (checked at registration and on every
   * connection, as for webhooks), so a client cannot point the server into its own network.
   */
  allowPrivateEndpoints: boolean;
  /** Declines one decline token may send per minute (env OPENCALL_WEB_PUSH_DECLINES_PER_MINUTE, default 10). */
  declinesPerMinute: number;
}

export function webPushConfigFromEnv(env: NodeJS.ProcessEnv): WebPushConfig {
  const subject = env.OPENCALL_WEB_PUSH_SUBJECT?.trim() || undefined;
  if (subject !== undefined && !/^(mailto:|https:\/\/)/.test(subject)) {
    throw new Error(`OPENCALL_WEB_PUSH_SUBJECT must start with mailto: or https://, got ${JSON.stringify(subject)}`);
  }
  const allowPrivate = env.OPENCALL_WEB_PUSH_ALLOW_PRIVATE ?? '';
  if (!['', '0', '1'].includes(allowPrivate)) throw new Error('OPENCALL_WEB_PUSH_ALLOW_PRIVATE must be 0 or 1');
  const perMinute = Number(env.OPENCALL_WEB_PUSH_DECLINES_PER_MINUTE ?? '10');
  if (!Number.isInteger(perMinute) || perMinute < 1 || perMinute > 10_000) {
    throw new Error('OPENCALL_WEB_PUSH_DECLINES_PER_MINUTE must be an integer from 1 to 10000');
  }
  return { subject, allowPrivateEndpoints: allowPrivate === '1', declinesPerMinute: perMinute };
}
