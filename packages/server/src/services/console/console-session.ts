/**
 * Console sessions, stateless: the cookie is `<payload>.<hmac>` with the payload `<sessionId>.<expiresAt>`,
 * signed with the shared key, so any node checks it without a lookup. The CSRF token is derived from
 * the session id (synchronizer token, not stored): the page reads it from `GET /console/api/session`
 * and sends it in `x-csrf-token` on every mutating request.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type SessionRefusal = 'missing' | 'malformed' | 'bad_signature' | 'expired';

export interface ConsoleSession {
  id: string;
  expiresAt: number;
}

export class ConsoleSessions {
  constructor(
    private readonly key: Buffer,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session and its cookie value. */
  issue(): { session: ConsoleSession; cookie: string } {
    const session = { id: randomBytes(16).toString('base64url'), expiresAt: this.now() + this.ttlMs };
    const payload = `${session.id}.${session.expiresAt}`;
    return { session, cookie: `${payload}.${this.mac(`session:${payload}`)}` };
  }

  check(cookie: string | undefined): ConsoleSession | SessionRefusal {
    if (!cookie) return 'missing';
    const parts = cookie.split('.');
    if (parts.length !== 3) return 'malformed';
    const [id, expires, mac] = parts as [string, string, string];
    const expiresAt = Number(expires);
    if (!id || !Number.isSafeInteger(expiresAt)) return 'malformed';
    if (!sameText(mac, this.mac(`session:${id}.${expires}`))) return 'bad_signature';
    if (expiresAt <= this.now()) return 'expired';
    return { id, expiresAt };
  }

  csrfToken(session: ConsoleSession): string {
    return this.mac(`csrf:${session.id}`);
  }

  csrfValid(session: ConsoleSession, token: string | undefined): boolean {
    return token !== undefined && sameText(token, this.csrfToken(session));
  }

  private mac(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
