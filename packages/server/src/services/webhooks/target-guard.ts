/**
 * SSRF guard for webhook targets: a URL configured by an operator (or, later, per app in the console)
 * must not reach into the server's own network. Private, loopback, link-local, unique-local, CGNAT,
 * multicast and reserved addresses are refused unless `OPENCALL_WEBHOOK_ALLOW_PRIVATE=1`. The check
 * runs on the address the connection actually uses (the DNS lookup of each request), so a name that
 * resolves to a private address later (DNS rebinding) is refused too.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export class TargetRefusedError extends Error {
  override readonly name = 'TargetRefusedError';
}

/** Whether `address` (IPv4 or IPv6 text) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

/** Checks the URL's form: http(s), no credentials; an address literal must be public unless allowed. */
export function checkTargetUrl(url: string, allowPrivate: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TargetRefusedError(`webhook URL is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TargetRefusedError(`webhook URL must be http(s): ${url}`);
  if (parsed.username || parsed.password) throw new TargetRefusedError('webhook URL must not carry credentials');
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && ipaddr.isValid(host) && !isPublicAddress(host)) {
    throw new TargetRefusedError(`webhook target ${host} is a private or loopback address (OPENCALL_WEBHOOK_ALLOW_PRIVATE=1 allows it)`);
  }
  return parsed;
}

/** A DNS lookup for `http.request` that refuses non-public addresses unless allowed. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const usable = allowPrivate ? list : list.filter((a) => isPublicAddress(a.address));
      if (usable.length === 0) {
        const refused = new TargetRefusedError(
          `webhook target ${hostname} resolves to a private or loopback address (OPENCALL_WEBHOOK_ALLOW_PRIVATE=1 allows it)`,
        );
        return callback(refused, '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      const first = usable[0]!;
      callback(null, first.address, first.family);
    });
  };
}
