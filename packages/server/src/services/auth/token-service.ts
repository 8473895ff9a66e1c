/**
 * IM tokens. A token is `<payload>.<mac>`, both base64url:
 *   payload = "1\n<appKey>\n<userId>\n<issuedAt ms, base36>\n<nonce>"
 *   mac     = HMAC-SHA256(appSecret, payload part as sent)
 * Keying by the app secret means rotating the secret invalidates every token (as RongCloud);
 * `/user/token/expire.json` revokes by issue time through the user's `tokensValidAfter`; with a
 * lifetime (`OPENCALL_TOKEN_TTL_S`) a token older than it is refused with 31020 too (RongCloud's tokens
 * never expire by default, and neither do ours); a user with an active ban (`/user/block.json`) is
 * refused with 31009 whatever the token. After a secret rotation, tokens signed with the previous
 * secret stay valid until its grace period ends; a disabled app's tokens are refused with 31008.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '@opencall/protocol';
import type { AppStore, Storage, TokenCheck, TokenService } from '../../ports/index.js';
import { acceptedSecrets } from '../apps/app-secrets.js';

const VERSION = '1';
/** Tokens are advertised as ≤ 256 bytes (RongCloud's limit). */
export const MAX_TOKEN_BYTES = 256;
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/;

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

interface TokenPayload {
  appKey: string;
  userId: string;
  issuedAt: number;
}

function decodePayload(encoded: string): TokenPayload | undefined {
  const parts = Buffer.from(encoded, 'base64url').toString('utf8').split('\n');
  if (parts.length !== 5) return undefined;
  const [version, appKey, userId, issued, nonce] = parts as [string, string, string, string, string];
  if (version !== VERSION || !appKey || !userId || !nonce || !/^[0-9a-z]{1,11}$/.test(issued)) return undefined;
  const issuedAt = Number.parseInt(issued, 36);
  if (!Number.isSafeInteger(issuedAt)) return undefined;
  return { appKey, userId, issuedAt };
}

function incorrect(message: string): TokenCheck {
  return { ok: false, code: ErrorCode.RC_CONN_TOKEN_INCORRECT, message };
}

/** Options of the token service. */
export interface TokenServiceOptions {
  /** Tokens issued longer ago than this (seconds) are refused with 31020; undefined = no expiry. */
  ttlS?: number | undefined;
}

/**
 * Issues and verifies tokens against the apps and users in `storage`.
 * @param now clock (ms), injectable for tests
 */
export function createTokenService(
  storage: Pick<Storage, 'users' | 'bans'> & { apps: Pick<AppStore, 'get'> },
  now: () => number = Date.now,
  options: TokenServiceOptions = {},
): TokenService {
  const ttlMs = options.ttlS === undefined ? undefined : options.ttlS * 1000;
  return {
    async issue(appKey, userId) {
      const app = await storage.apps.get(appKey);
      if (!app) throw new Error(`cannot issue a token: unknown app key ${JSON.stringify(appKey)}`);
      if (appKey.includes('\n') || userId.includes('\n')) throw new Error('cannot issue a token: app key or user id contains a newline');
      const nonce = randomBytes(9).toString('base64url');
      const payload = Buffer.from([VERSION, appKey, userId, now().toString(36), nonce].join('\n'), 'utf8').toString('base64url');
      const token = `${payload}.${mac(app.appSecret, payload).toString('base64url')}`;
      if (Buffer.byteLength(token) > MAX_TOKEN_BYTES) {
        throw new Error(`cannot issue a token: app key + user id too long (token would exceed ${MAX_TOKEN_BYTES} bytes)`);
      }
      return token;
    },

    async verify(token, appKey) {
      if (typeof token !== 'string' || token.length > 2 * MAX_TOKEN_BYTES) return incorrect('token malformed');
      const match = TOKEN_SHAPE.exec(token);
      if (!match) return incorrect('token malformed');
      const [, encodedPayload, encodedMac] = match as unknown as [string, string, string];
      const payload = decodePayload(encodedPayload);
      if (!payload) return incorrect('token malformed');
      if (appKey !== undefined && appKey !== payload.appKey) return incorrect('token belongs to another app');

      const app = await storage.apps.get(payload.appKey);
      if (!app) return { ok: false, code: ErrorCode.RC_CONN_ID_REJECT, message: 'unknown app key' };
      // Compare the canonical encodings so that no second spelling of the same MAC is accepted. After a
      // rotation, tokens of the previous secret stay valid for its grace period.
      const given = Buffer.from(encodedMac, 'ascii');
      const signedBy = (secret: string) => {
        const expected = Buffer.from(mac(secret, encodedPayload).toString('base64url'), 'ascii');
        return given.length === expected.length && timingSafeEqual(given, expected);
      };
      if (!acceptedSecrets(app, now()).some(signedBy)) return incorrect('token signature invalid');
      if (app.disabled) return { ok: false, code: ErrorCode.RC_CONN_APP_BLOCKED_OR_DELETED, message: 'app is disabled' };

      if (ttlMs !== undefined && now() - payload.issuedAt > ttlMs) {
        return { ok: false, code: ErrorCode.RC_CONN_TOKEN_EXPIRED, message: 'token expired' };
      }
      const user = await storage.users.get(payload.appKey, payload.userId);
      if (user && payload.issuedAt < user.tokensValidAfter) {
        return { ok: false, code: ErrorCode.RC_CONN_TOKEN_EXPIRED, message: 'token expired or revoked' };
      }
      const bannedUntil = await storage.bans.bannedUntil(payload.appKey, payload.userId, now());
      if (bannedUntil !== undefined) {
        return { ok: false, code: ErrorCode.RC_CONN_USER_BLOCKED, message: `user is banned until ${new Date(bannedUntil).toISOString()}` };
      }
      return { ok: true, appKey: payload.appKey, userId: payload.userId, issuedAt: payload.issuedAt };
    },
  };
}
