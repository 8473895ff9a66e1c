/**
 * The Web Push endpoints (bodies and codes in packages/protocol/src/web-push.ts; README "Web Push").
 * The SDK calls them with the user's IM token; a service worker declines with the per-subscription
 * decline token, which only ends a ring of that token's user (no page, no IM token). Cross-origin
 * callers are allowed (`Access-Control-Allow-Origin: *`): no cookie is ever read, every call carries
 * its own bearer token.
 */
import { createECDH, createHash, randomBytes } from 'node:crypto';
import {
  WebPushDeclineBody as DeclineBody,
  type WebPushDeclineBody,
  WebPushErrorCode,
  WebPushSubscribeBody,
  WebPushUnsubscribeBody,
} from '@opencall/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import * as z from 'zod/mini';
import type { Storage, TokenService } from '../../ports/index.js';
import type { WebPushConfig } from '../../services/push/web-push-config.js';
import { checkTargetUrl } from '../../services/webhooks/target-guard.js';
import { RateLimiter } from '../ws/rate-limiter.js';

export interface WebPushRouteDeps {
  storage: Pick<Storage, 'webPush'>;
  tokens: Pick<TokenService, 'verify'>;
  config: WebPushConfig;
  /** The VAPID public key; undefined = Web Push off (every endpoint answers 404, code DISABLED). */
  publicKey: string | undefined;
  /** End the ring of `callId` for `userId` as a reject from `deviceId`; false when it does not ring them here. */
  decline: (appKey: string, userId: string, deviceId: string, callId: string) => boolean;
  logger: Logger;
  now?: () => number;
}

/** Subscriptions one user may hold (one per device). */
const MAX_SUBSCRIPTIONS_PER_USER = 20;
/** Decline tokens whose rate is tracked at once (oldest forgotten first). */
const MAX_TRACKED_TOKENS = 10_000;

/** SHA-256 (hex) of a decline token: what the database keeps. */
export function capabilityHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer ([^\s]{1,4096})$/.exec(header);
  return match?.[1];
}

function refuse(reply: FastifyReply, status: number, code: WebPushErrorCode, message: string): FastifyReply {
  return reply.code(status).send({ code, message });
}

/** Whether `p256dh` is an uncompressed point on P-256 and `auth` 16 bytes (else every push to them would fail). */
function validKeys(p256dh: string, auth: string): boolean {
  const point = Buffer.from(p256dh, 'base64url');
  if (point.length !== 65 || Buffer.from(auth, 'base64url').length !== 16) return false;
  try {
    const probe = createECDH('prime256v1');
    probe.generateKeys();
    probe.computeSecret(point);
    return true;
  } catch {
    return false;
  }
}

/** Why a push endpoint is refused (not https:, credentials, a private address literal), or undefined. */
export function endpointRefusal(endpoint: string, allowPrivate: boolean): string | undefined {
  try {
    const url = checkTargetUrl(endpoint, allowPrivate);
    if (url.protocol !== 'https:' && !allowPrivate) return 'the push endpoint must be https:';
    return undefined;
  } catch (error) {
    return (error as Error).message.replace('webhook', 'push endpoint');
  }
}

export function registerWebPushRoutes(http: FastifyInstance, deps: WebPushRouteDeps): void {
  const { storage, tokens, config, publicKey, logger } = deps;
  const now = deps.now ?? Date.now;
  const declineLimits = new Map<string, RateLimiter>();

  http.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/webpush/')) reply.header('access-control-allow-origin', '*');
  });
  http.options('/webpush/*', async (_request, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, DELETE')
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', '600')
      .send(),
  );

  /** The user an IM token names, or undefined after answering 401. */
  async function userOf(request: FastifyRequest, reply: FastifyReply): Promise<{ appKey: string; userId: string } | undefined> {
    const token = bearer(request);
    const check = token === undefined ? undefined : await tokens.verify(token);
    if (check?.ok) return { appKey: check.appKey, userId: check.userId };
    refuse(
      reply,
      401,
      WebPushErrorCode.UNAUTHORIZED,
      check ? `IM token refused: ${check.message}` : 'Authorization: Bearer <IM token> required',
    );
    return undefined;
  }

  function parse<T>(schema: z.ZodMiniType<T>, body: unknown, reply: FastifyReply): T | undefined {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    refuse(reply, 400, WebPushErrorCode.BAD_REQUEST, z.prettifyError(parsed.error));
    return undefined;
  }

  http.get('/webpush/vapid-public-key', async (_request, reply) => {
    if (!publicKey) return refuse(reply, 404, WebPushErrorCode.DISABLED, 'Web Push is not configured on this server');
    return reply.send({ publicKey });
  });

  http.post('/webpush/subscriptions', async (request, reply) => {
    if (!publicKey) return refuse(reply, 404, WebPushErrorCode.DISABLED, 'Web Push is not configured on this server');
    const user = await userOf(request, reply);
    if (!user) return reply;
    const body = parse(WebPushSubscribeBody, request.body, reply);
    if (!body) return reply;
    const { endpoint, keys } = body.subscription;
    const refusal = endpointRefusal(endpoint, config.allowPrivateEndpoints);
    if (refusal) return refuse(reply, 400, WebPushErrorCode.INSECURE_ENDPOINT, refusal);
    if (!validKeys(keys.p256dh, keys.auth)) {
      return refuse(
        reply,
        400,
        WebPushErrorCode.BAD_REQUEST,
        'keys.p256dh must be a 65-byte P-256 point and keys.auth 16 bytes (base64url)',
      );
    }
    const existing = await storage.webPush.listForUser(user.appKey, user.userId);
    if (existing.length >= MAX_SUBSCRIPTIONS_PER_USER && !existing.some((s) => s.deviceId === body.deviceId)) {
      return refuse(reply, 400, WebPushErrorCode.BAD_REQUEST, `at most ${MAX_SUBSCRIPTIONS_PER_USER} subscriptions per user`);
    }
    const declineToken = randomBytes(32).toString('base64url');
    await storage.webPush.save({
      ...user,
      deviceId: body.deviceId,
      endpoint,
      p256dh: keys.p256dh,
      auth: keys.auth,
      capabilityHash: capabilityHash(declineToken),
      createdAt: now(),
    });
    return reply.send({ declineToken });
  });

  http.delete('/webpush/subscriptions', async (request, reply) => {
    if (!publicKey) return refuse(reply, 404, WebPushErrorCode.DISABLED, 'Web Push is not configured on this server');
    const user = await userOf(request, reply);
    if (!user) return reply;
    const body = parse(WebPushUnsubscribeBody, request.body, reply);
    if (!body) return reply;
    const removed = await storage.webPush.remove(user.appKey, user.userId, body.deviceId);
    return reply.send({ removed });
  });

  http.post('/webpush/decline', async (request, reply) => {
    if (!publicKey) return refuse(reply, 404, WebPushErrorCode.DISABLED, 'Web Push is not configured on this server');
    const token = bearer(request);
    const hash = token === undefined ? undefined : capabilityHash(token);
    const subscription = hash === undefined ? undefined : await storage.webPush.byCapability(hash);
    if (!subscription || hash === undefined)
      return refuse(reply, 401, WebPushErrorCode.UNAUTHORIZED, 'Authorization: Bearer <decline token> required');
    if (!limiterFor(hash).take()) return refuse(reply, 429, WebPushErrorCode.RATE_LIMITED, 'too many declines; try again later');
    const body: WebPushDeclineBody | undefined = parse(DeclineBody, request.body, reply);
    if (!body) return reply;
    const { appKey, userId, deviceId } = subscription;
    if (!deps.decline(appKey, userId, deviceId, body.callId)) {
      return refuse(reply, 404, WebPushErrorCode.NOT_RINGING, 'this call does not ring you (ended, answered or never invited)');
    }
    logger.info({ appKey, userId, deviceId, callId: body.callId }, 'call declined from a web push notification');
    return reply.send({ declined: true });
  });

  function limiterFor(hash: string): RateLimiter {
    let limiter = declineLimits.get(hash);
    if (!limiter) {
      if (declineLimits.size >= MAX_TRACKED_TOKENS) {
        const oldest = declineLimits.keys().next().value;
        if (oldest !== undefined) declineLimits.delete(oldest);
      }
      limiter = new RateLimiter(config.declinesPerMinute / 60, config.declinesPerMinute, now);
      declineLimits.set(hash, limiter);
    }
    return limiter;
  }
}
