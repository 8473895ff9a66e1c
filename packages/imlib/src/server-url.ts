/** Where the IM WebSocket lives, derived from IMLib `init` options (DESIGN.md §6). */
import { IM_WEBSOCKET_PATH } from '@opencall/protocol';

/** The `init` options that name the server. */
export interface ServerAddressOptions {
  /** IMLib 5 public option: the first entry is the server. */
  navigators?: readonly string[];
  /** Legacy sample-app option: one server address. */
  navi?: string;
}

/**
 * The WebSocket URL of the IM endpoint: `navigators[0]`, else `navi`, else `origin` (the page's own
 * origin in a browser). A missing scheme means `http://`; `http(s)` becomes `ws(s)`.
 * Throws an `Error` when no address is available or it is not a valid http(s)/ws(s) URL.
 */
export function deriveWebSocketUrl(options: ServerAddressOptions, origin?: string): string {
  const candidate = firstNonEmpty(options.navigators?.[0], options.navi, origin);
  if (candidate === undefined) {
    throw new Error('RongIMLib.init: no server address; pass `navigators: [url]` (or `navi: url`), or load the SDK from the server page');
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(candidate) ? candidate : `http://${candidate}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`RongIMLib.init: invalid server address ${JSON.stringify(candidate)}`);
  }
  const scheme = WS_SCHEMES[url.protocol];
  if (scheme === undefined) throw new Error(`RongIMLib.init: unsupported scheme in server address ${JSON.stringify(candidate)}`);
  const path = url.pathname.replace(/\/+$/, '');
  return `${scheme}//${url.host}${path}${IM_WEBSOCKET_PATH}`;
}

const WS_SCHEMES: Readonly<Record<string, string>> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };

function firstNonEmpty(...values: (string | undefined)[]): string | undefined {
  for (const v of values) {
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return undefined;
}
