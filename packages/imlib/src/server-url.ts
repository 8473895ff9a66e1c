/** Where the IM WebSocket lives, derived from IMLib `init` options (README "Using the SDK"). */
import { IM_WEBSOCKET_PATH } from '@opencall/protocol';

/** The `init` options that name the server. */
export interface ServerAddressOptions {
  /** IMLib 5 public option: the servers, in the order they are tried. */
  navigators?: readonly string[];
  /** Legacy sample-app option: one server address. */
  navi?: string;
}

/**
 * The WebSocket URLs of the IM endpoint, in the order to try them: every non-empty `navigators`
 * entry (duplicates removed), else `navi`, else `origin` (the page's own origin in a browser).
 * A missing scheme means `http://`; `http(s)` becomes `ws(s)`.
 * Throws an `Error` when no address is available or one is not a valid http(s)/ws(s) URL.
 */
export function deriveWebSocketUrls(options: ServerAddressOptions, origin?: string): string[] {
  const { navigators } = options;
  const listed = (typeof navigators === 'string' ? [navigators] : Array.isArray(navigators) ? navigators : []).filter(
    (entry) => typeof entry !== 'string' || entry.trim() !== '',
  );
  const fallback = firstNonEmpty(options.navi, origin);
  const candidates: unknown[] = listed.length > 0 ? listed : fallback === undefined ? [] : [fallback];
  if (candidates.length === 0) {
    throw new Error(
      'RongIMLib.init: no server address; pass `navigators: [url, …]` (or `navi: url`), or load the SDK from the server page',
    );
  }
  return [...new Set(candidates.map(toWebSocketUrl))];
}

/** The first server of `deriveWebSocketUrls`. */
export function deriveWebSocketUrl(options: ServerAddressOptions, origin?: string): string {
  return deriveWebSocketUrls(options, origin)[0] as string;
}

const WS_SCHEMES: Readonly<Record<string, string>> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };

function toWebSocketUrl(entry: unknown): string {
  if (typeof entry !== 'string')
    throw new Error(`RongIMLib.init: a server address must be a string, not ${entry === null ? 'null' : typeof entry}`);
  const candidate = entry.trim();
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

function firstNonEmpty(...values: (string | undefined)[]): string | undefined {
  for (const v of values) {
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return undefined;
}
