/**
 * Where a Janus instance answers and the API secret it wants. A remote URL may carry its secret as
 * `?apisecret=…` (`OPENCALL_JANUS_URLS`); otherwise `OPENCALL_JANUS_API_SECRET` applies to all. The
 * secret is taken out of the URL, so the URL can be logged as it is.
 */

export interface JanusEndpoint {
  /** WebSocket URL of the Janus API, without any secret. */
  url: string | undefined;
  apiSecret: string | undefined;
}

/** Parses one `OPENCALL_JANUS_URLS` entry; throws (without echoing any secret) if it is not a ws(s) URL. */
export function parseJanusEndpoint(raw: string, defaultSecret: string | undefined): JanusEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`OPENCALL_JANUS_URLS: ${JSON.stringify(redactJanusUrl(raw))} is not a URL`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new Error(`OPENCALL_JANUS_URLS: ${JSON.stringify(redactJanusUrl(raw))} must be a ws:// or wss:// URL`);
  }
  if (url.username || url.password) throw new Error('OPENCALL_JANUS_URLS: put the Janus API secret in ?apisecret=, not in the user info');
  const inUrl = url.searchParams.get('apisecret');
  url.searchParams.delete('apisecret');
  return { url: url.toString(), apiSecret: inUrl === null || inUrl === '' ? defaultSecret : inUrl };
}

/** `raw` with the value of any `apisecret` parameter replaced, for messages. */
export function redactJanusUrl(raw: string): string {
  return raw.replace(/([?&]apisecret=)[^&#]*/gi, '$1***');
}
