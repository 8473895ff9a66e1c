/**
 * Who may use the development helpers (`/dev/token`, `/debug/heap*`): a process on this machine
 * talking to the server directly. A request is refused when it came through a proxy (any proxy
 * header), names a non-loopback `Host` (a proxy, a public name, DNS rebinding), comes from a page
 * of another origin, or arrives from a non-loopback address.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { SERVER_API_HTTP_STATUS, ServerApiCode } from '@opencall/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Headers a reverse proxy or CDN adds: their presence means the caller is not local. */
export const PROXY_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'via',
] as const;

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Whether `address` (a socket's remote address) is 127.0.0.0/8, `::1` or an IPv4-mapped 127.x. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isIPv4(mapped) && loopback.check(mapped, 'ipv4');
  if (isIPv4(address)) return loopback.check(address, 'ipv4');
  if (isIPv6(address)) return loopback.check(address, 'ipv6');
  return false;
}

/**
 * Whether a `Host` header (or an authority `host[:port]`) names this machine's loopback:
 * `localhost`, `127.x.x.x` or `[::1]`, each with an optional port.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!match) return false;
  const name = match[1]!;
  if (match[2] !== undefined && Number(match[2]) > 65535) return false;
  if (name === 'localhost') return true;
  if (name.startsWith('[')) return name === '[::1]';
  return isIPv4(name) && loopback.check(name, 'ipv4');
}

/** Whether a bind address (env `HOST`) only accepts connections from this machine. */
export function isLoopbackBindHost(host: string): boolean {
  const name = host.trim().toLowerCase();
  return name === 'localhost' || name === '::1' || (isIPv4(name) && loopback.check(name, 'ipv4'));
}

/** The facts about a request that decide whether it is local. */
export interface RequestOrigin {
  remoteAddress: string | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Why a request may not use a development helper, or `undefined` when it may. Pure. */
export function localOnlyRefusal({ remoteAddress, headers }: RequestOrigin): string | undefined {
  const proxied = PROXY_HEADERS.find((name) => headers[name] !== undefined);
  if (proxied) return `the request carries the proxy header ${proxied}`;
  const host = headers.host;
  if (typeof host !== 'string' || !isLoopbackHost(host)) return 'the Host header is not localhost, 127.x.x.x or [::1]';
  const origin = headers.origin;
  if (origin !== undefined && !isLoopbackOrigin(origin)) return 'the Origin header is not a loopback origin';
  if (!isLoopbackAddress(remoteAddress)) return 'the caller is not on a loopback address';
  return undefined;
}

function isLoopbackOrigin(origin: string | string[]): boolean {
  if (typeof origin !== 'string') return false;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.host);
  } catch {
    return false;
  }
}

/**
 * Fastify `onRequest` hook for the development helpers: answers 403 with a JSON reason unless the
 * request is local (see `localOnlyRefusal`).
 */
export async function refuseUnlessLocal(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const refusal = localOnlyRefusal({ remoteAddress: request.socket.remoteAddress, headers: request.headers });
  if (refusal === undefined) return;
  await reply
    .code(SERVER_API_HTTP_STATUS[ServerApiCode.FORBIDDEN])
    .header('Cache-Control', 'no-store')
    .send({ code: ServerApiCode.FORBIDDEN, errorMessage: `development helper, for this machine only: ${refusal}` });
}
