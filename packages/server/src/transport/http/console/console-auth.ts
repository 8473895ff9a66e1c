/**
 * Console authentication: the login form's password (rate-limited per address with a doubling
 * lockout), an HttpOnly SameSite=Strict signed session cookie, and a CSRF token required on every
 * mutating request (`x-csrf-token`). `registerConsoleAuth` mounts login/logout/session and returns
 * the hook that guards the rest of `/console/api/*`.
 */
import { ConsoleErrorCode, ConsoleLoginBody } from '@opencall/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleSession } from '../../../services/console/console-session.js';
import type { ConsoleDeps } from './console-deps.js';
import { ConsoleFailure, parseInput } from './console-failure.js';

export const SESSION_COOKIE = 'opencall_console';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sessions = new WeakMap<FastifyRequest, ConsoleSession>();

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function sessionCookie(request: FastifyRequest, value: string, maxAgeS: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`;
}

/** The session of a request that passed the guard. */
export function requestSession(request: FastifyRequest): ConsoleSession {
  const session = sessions.get(request);
  if (!session) throw new ConsoleFailure(ConsoleErrorCode.UNAUTHENTICATED, 'not logged in');
  return session;
}

export function registerConsoleAuth(scope: FastifyInstance, deps: ConsoleDeps): (request: FastifyRequest) => Promise<void> {
  const now = deps.now ?? Date.now;
  const describe = (session: ConsoleSession) => ({ csrfToken: deps.sessions.csrfToken(session), expiresAt: session.expiresAt });

  scope.post('/api/login', async (request, reply) => {
    const address = request.ip;
    const waitMs = await deps.throttle.retryAfterMs(address);
    if (waitMs > 0) throw lockedFailure(waitMs);
    const { password } = parseInput(ConsoleLoginBody, request.body);
    if (!(await deps.credentials.verify(password))) {
      await deps.throttle.failed(address);
      deps.logger.warn({ ip: address }, 'console login refused: wrong password');
      const lockMs = await deps.throttle.retryAfterMs(address);
      if (lockMs > 0) throw lockedFailure(lockMs);
      throw new ConsoleFailure(ConsoleErrorCode.BAD_PASSWORD, 'wrong password');
    }
    await deps.throttle.succeeded(address);
    const { session, cookie } = deps.sessions.issue();
    const maxAgeS = Math.max(1, Math.floor((session.expiresAt - now()) / 1000));
    return reply
      .header('Set-Cookie', sessionCookie(request, cookie, maxAgeS))
      .header('Cache-Control', 'no-store')
      .send(describe(session));
  });

  const guard = async (request: FastifyRequest): Promise<void> => {
    const checked = deps.sessions.check(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (checked === 'expired') throw new ConsoleFailure(ConsoleErrorCode.SESSION_EXPIRED, 'the session has expired: log in again');
    if (typeof checked === 'string') throw new ConsoleFailure(ConsoleErrorCode.UNAUTHENTICATED, `not logged in (${checked} session)`);
    if (await deps.storage.consoleSettings.isSessionRevoked(checked.id)) {
      throw new ConsoleFailure(ConsoleErrorCode.UNAUTHENTICATED, 'not logged in (logged out session)');
    }
    if (!SAFE_METHODS.has(request.method)) {
      const token = request.headers[CSRF_HEADER];
      if (typeof token !== 'string' || token === '') {
        throw new ConsoleFailure(ConsoleErrorCode.CSRF_MISSING, `the ${CSRF_HEADER} header is missing`);
      }
      if (!deps.sessions.csrfValid(checked, token))
        throw new ConsoleFailure(ConsoleErrorCode.CSRF_INVALID, `the ${CSRF_HEADER} header is wrong`);
    }
    sessions.set(request, checked);
  };

  scope.get('/api/session', { onRequest: guard }, async (request, reply) =>
    reply.header('Cache-Control', 'no-store').send(describe(requestSession(request))),
  );
  // The cookie is cleared and the session refused on every node from now on (not only in this browser).
  scope.post('/api/logout', { onRequest: guard }, async (request, reply: FastifyReply) => {
    const session = requestSession(request);
    await deps.storage.consoleSettings.revokeSession(session.id, session.expiresAt, now());
    return reply.header('Set-Cookie', sessionCookie(request, '', 0)).send({ ok: true });
  });
  return guard;
}

function lockedFailure(waitMs: number): ConsoleFailure {
  const retryAfterS = Math.ceil(waitMs / 1000);
  return new ConsoleFailure(ConsoleErrorCode.LOGIN_LOCKED, `too many failed logins: try again in ${retryAfterS} s`, retryAfterS);
}
