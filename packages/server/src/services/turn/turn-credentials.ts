/**
 * Time-limited TURN credentials for coturn's `use-auth-secret` (the "TURN REST API"):
 * username `expiry:userId` (expiry in Unix seconds), password base64(HMAC-SHA1(secret, username)).
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '@opencall/protocol';

export interface TurnConfig {
  urls: string[];
  secret: string | undefined;
  ttlS: number;
}

/** The credential pair for `userId`, valid until `nowMs + ttlS`. */
export function turnCredential(secret: string, userId: string, ttlS: number, nowMs: number): { username: string; credential: string } {
  const expiry = Math.floor(nowMs / 1000) + ttlS;
  const username = `${expiry}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** ICE servers for a newly connected user: none unless both URLs and secret are configured. */
export function createIceServersFor(config: TurnConfig, now: () => number = Date.now): (userId: string) => IceServer[] {
  const { urls, secret, ttlS } = config;
  if (urls.length === 0 || !secret) return () => [];
  return (userId) => [{ urls: [...urls], ...turnCredential(secret, userId, ttlS, now()) }];
}

/** Share of the credential lifetime after which a connected device is sent fresh credentials. */
export const ICE_REFRESH_FRACTION = 0.8;

/**
 * How often a connected device gets fresh ICE servers (80 % of the TTL), or undefined when no TURN
 * is configured (nothing expires).
 */
export function iceRefreshIntervalMs(config: TurnConfig): number | undefined {
  if (config.urls.length === 0 || !config.secret) return undefined;
  return Math.floor(config.ttlS * 1000 * ICE_REFRESH_FRACTION);
}
