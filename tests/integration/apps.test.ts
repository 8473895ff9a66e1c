/**
 * App administration on the real server (in process, so the test holds `RunningServer.apps` and
 * `.deliveries` as the console does) with a webhook receiver on 127.0.0.1: a created app's two keys
 * each sign the server API and connect, with isolated data; a rotated secret signs for its grace
 * period, then is refused; a disabled app is refused at connect (31008) and by the API (1006) and its
 * call in flight ends; a switched-off service refuses the call (104); per-app webhook URLs get that
 * app's events (signed with its secret) while the env app's go to the env URL; a failing delivery is
 * listed with attempts and last error and delivered on replay; a changed OPENCALL_APP_KEY disables the
 * previous env app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RCCallMediaType } from '@opencall/call';
import { ErrorCode, PROTOCOL_VERSION, RCCallEndReason, ServerApiCode } from '@opencall/protocol';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningServer, startServer } from '../../packages/server/src/app.js';
import { loadConfig } from '../../packages/server/src/config.js';
import type { AppCredentials } from '../../packages/server/src/ports/insights.js';
import { placeAnsweredCall } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { encodeForm, readReply, signingHeaders } from '../helpers/server-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const ENV_APP = { appKey: 'appsenvkey0001', appSecret: 'apps-env-secret-000001' };
const ENV_HOOK_SECRET = 'apps-env-webhook-secret-01';

let receiver: WebhookReceiver;
let server: RunningServer;
const dirs: string[] = [];
const clients: HeadlessClient[] = [];
let seq = 0;
const nextUser = (prefix: string) => `${prefix}${++seq}`;

function env(dataDir: string, appKey = ENV_APP.appKey, appSecret = ENV_APP.appSecret): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    OPENCALL_DATA_DIR: dataDir,
    OPENCALL_APP_KEY: appKey,
    OPENCALL_APP_SECRET: appSecret,
    OPENCALL_SFU: 'off',
    OPENCALL_WEBHOOK_URL: `${receiver.url}/env-hooks`,
    OPENCALL_WEBHOOK_SECRET: ENV_HOOK_SECRET,
    OPENCALL_WEBHOOK_ALLOW_PRIVATE: '1',
    OPENCALL_WEBHOOK_RETRY_DELAYS_MS: '100,200',
    OPENCALL_WEBHOOK_GIVE_UP_AFTER_S: '1',
  };
}

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opencall-apps-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  server = await startServer(loadConfig(env(freshDir())), pino({ level: 'silent' }));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await server?.close().catch(() => undefined);
  await receiver?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function signedPost(credentials: AppCredentials, path: string, form: Record<string, string>) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...signingHeaders(credentials.appKey, credentials.appSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: encodeForm(form),
  });
  return readReply(response);
}

async function tokenFor(credentials: AppCredentials, userId: string): Promise<string> {
  const reply = await signedPost(credentials, '/user/getToken.json', { userId, name: userId });
  if (reply.body.code !== 200) throw new Error(`getToken refused: ${JSON.stringify(reply.body)}`);
  return String(reply.body.token);
}

async function headless(credentials: AppCredentials, userId: string): Promise<HeadlessClient> {
  const client = await connectHeadless(server.url, credentials.appKey, userId, await tokenFor(credentials, userId));
  clients.push(client);
  return client;
}

/** A raw IM socket: says hello and records every frame (the first reply, and a later `bye`). */
async function rawHello(appKey: string, token: string, deviceId: string) {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey, token, deviceId }));
  const until = async (match: (frame: Record<string, unknown>) => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = frames.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching frame within ${timeoutMs} ms; got ${frames.map((f) => f.t).join(', ')}`);
  };
  const first = await until((f) => f.t === 'welcome' || f.t === 'refused');
  return { ws, first, until };
}

describe('apps and keys', () => {
  it('a created app has two keys: each signs the server API and connects; their data are isolated', async () => {
    const { development, production } = await server.apps.create('Isolated');
    const userId = nextUser('iso');
    const [dev, prod] = [await headless(development, userId), await headless(production, userId)];
    expect(dev.connections()).toBe(1);
    expect(prod.connections()).toBe(1);
    // A ban stored through the development key leaves the same user id of the production key alone.
    expect((await signedPost(development, '/user/block.json', { userId, minute: '10' })).body.code).toBe(200);
    const devToken = await tokenFor(development, userId);
    const refused = await rawHello(development.appKey, devToken, `${userId}-x`);
    expect(refused.first).toMatchObject({ t: 'refused', code: ErrorCode.RC_CONN_USER_BLOCKED });
    refused.ws.terminate();
    const allowed = await rawHello(production.appKey, await tokenFor(production, userId), `${userId}-y`);
    expect(allowed.first).toMatchObject({ t: 'welcome' });
    allowed.ws.terminate();
    expect((await signedPost(production, '/user/block/query.json', {})).body.users).toEqual([]);
    // A token of one key is not accepted for the other.
    const crossed = await rawHello(production.appKey, devToken, `${userId}-z`);
    expect(crossed.first).toMatchObject({ t: 'refused', code: ErrorCode.RC_CONN_TOKEN_INCORRECT });
    crossed.ws.terminate();
  });

  it('a rotated secret signs and its tokens connect during the grace period, then both are refused', async () => {
    const { production } = await server.apps.create('Rotated');
    const userId = nextUser('rot');
    const oldToken = await tokenFor(production, userId);
    const rotated = await server.apps.rotateSecret(production.appKey, 1500);
    const fresh = { appKey: production.appKey, appSecret: rotated.appSecret };
    expect((await signedPost(production, '/user/checkOnline.json', { userId })).body.code).toBe(200);
    expect((await signedPost(fresh, '/user/checkOnline.json', { userId })).body.code).toBe(200);
    const during = await rawHello(production.appKey, oldToken, `${userId}-1`);
    expect(during.first).toMatchObject({ t: 'welcome' });
    during.ws.terminate();

    await new Promise((r) => setTimeout(r, Math.max(0, rotated.previousValidUntil - Date.now()) + 50));
    expect((await signedPost(production, '/user/checkOnline.json', { userId })).body.code).toBe(ServerApiCode.SIGNATURE_FAILED);
    expect((await signedPost(fresh, '/user/checkOnline.json', { userId })).body.code).toBe(200);
    const after = await rawHello(production.appKey, oldToken, `${userId}-2`);
    expect(after.first).toMatchObject({ t: 'refused', code: ErrorCode.RC_CONN_TOKEN_INCORRECT });
    after.ws.terminate();
    const renewed = await rawHello(production.appKey, await tokenFor(fresh, userId), `${userId}-3`);
    expect(renewed.first).toMatchObject({ t: 'welcome' });
    renewed.ws.terminate();
  });

  it('disabling an app ends its call in flight, closes its devices with 31008, refuses connect (31008) and the API (1006)', async () => {
    const { production, development } = await server.apps.create('Disabled');
    const [a, b] = [await headless(production, nextUser('dis')), await headless(production, nextUser('dis'))];
    const watcher = await rawHello(production.appKey, await tokenFor(production, nextUser('dis')), 'watcher');
    const { callId } = await placeAnsweredCall(a, b);

    await server.apps.setDisabled(production.appKey, true);
    const closes = await Promise.all([a.waitForClose(callId), b.waitForClose(callId)]);
    expect(closes.map((c) => c.summary.endReason).sort()).toEqual(
      [RCCallEndReason.KICKED_BY_SERVER, RCCallEndReason.REMOTE_KICKED_BY_SERVER].sort(),
    );
    expect(await watcher.until((f) => f.t === 'bye')).toMatchObject({ code: ErrorCode.RC_CONN_APP_BLOCKED_OR_DELETED });
    watcher.ws.terminate();
    const reply = await signedPost(production, '/user/getToken.json', { userId: 'someone', name: 'x' });
    expect(reply).toMatchObject({ status: 401, body: { code: ServerApiCode.APP_LOCKED } });
    // Tokens issued before are refused at connect; the other key of the project still works.
    const refused = await rawHello(production.appKey, await server.tokens.issue(production.appKey, 'late'), 'late-d');
    expect(refused.first).toMatchObject({ t: 'refused', code: ErrorCode.RC_CONN_APP_BLOCKED_OR_DELETED });
    refused.ws.terminate();
    expect(server.securityCounters.get('ws_hello_refused', 'app_disabled')).toBeGreaterThanOrEqual(1);
    expect((await signedPost(development, '/user/checkOnline.json', { userId: 'x' })).body.code).toBe(200);
    // An unknown key still gets the signature refusal (no probing which keys exist).
    const unknown = { appKey: 'nosuchappkey0001', appSecret: 'whatever-secret-000001' };
    expect((await signedPost(unknown, '/user/checkOnline.json', { userId: 'x' })).body.code).toBe(ServerApiCode.SIGNATURE_FAILED);

    await server.apps.setDisabled(production.appKey, false);
    expect((await signedPost(production, '/user/checkOnline.json', { userId: 'x' })).body.code).toBe(200);
    expect((await server.apps.list()).find((app) => app.appKey === production.appKey)?.disabled).toBe(false);
  });

  it('with the video service switched off in the console, a video call ends with SERVICE_NOT_OPENED (104)', async () => {
    const { production } = await server.apps.create('Switched');
    await server.apps.setServices(production.appKey, { video: false });
    const [a, b] = [await headless(production, nextUser('sw')), await headless(production, nextUser('sw'))];
    const placed = await a.client.call({ targetId: b.userId, mediaType: RCCallMediaType.AUDIO_VIDEO, listener: a.listener() });
    const callId = placed.session!.getSessionId();
    await b.waitFor('onSession', (c) => c.sessionId === callId);
    await b.sessions.find((s) => s.getSessionId() === callId)!.accept();
    const closes = await Promise.all([a.waitForClose(callId), b.waitForClose(callId)]);
    expect(closes.map((x) => x.summary.endReason)).toContain(RCCallEndReason.SERVICE_NOT_OPENED);
    expect((await server.apps.list()).find((app) => app.appKey === production.appKey)).toMatchObject({
      audioCallEnabled: true,
      videoCallEnabled: false,
    });
  });
});

describe('per-app callbacks and deliveries', () => {
  it("an app's own webhook URL gets its events, signed with its secret; the env app's go to the env URL", async () => {
    const { production } = await server.apps.create('Hooked');
    await server.apps.setCallbacks(production.appKey, { webhookUrl: `${receiver.url}/app-hooks` });
    const env = { appKey: server.appKey, appSecret: server.appSecret };
    const [a, b] = [await headless(production, nextUser('ph')), await headless(production, nextUser('ph'))];
    const [c, d] = [await headless(env, nextUser('eh')), await headless(env, nextUser('eh'))];
    const own = await placeAnsweredCall(a, b);
    const shared = await placeAnsweredCall(c, d);
    await own.callerSession.hungup();
    await shared.callerSession.hungup();
    const endedAt = (path: string, callId: string) =>
      receiver.hooks.some(
        (h) =>
          h.path === path && h.status === 200 && h.body.type === 'call.ended' && (h.body.data as { callId?: string }).callId === callId,
      );
    expect(await receiver.until(() => endedAt('/app-hooks', own.callId) && endedAt('/env-hooks', shared.callId), 10_000)).toBe(true);

    const callIdOf = (h: { body: Record<string, unknown> }) => (h.body.data as { callId?: string }).callId;
    const appHooks = receiver.hooks.filter((h) => h.path === '/app-hooks');
    const envHooks = receiver.hooks.filter((h) => h.path === '/env-hooks');
    expect(appHooks.every((h) => callIdOf(h) === own.callId)).toBe(true);
    expect(envHooks.some((h) => callIdOf(h) === own.callId)).toBe(false);
    expect(envHooks.some((h) => callIdOf(h) === shared.callId)).toBe(true);
    const appVerifier = new Webhook(new TextEncoder().encode(production.appSecret), { format: 'raw' });
    const envVerifier = new Webhook(new TextEncoder().encode(ENV_HOOK_SECRET), { format: 'raw' });
    for (const hook of appHooks) expect(() => appVerifier.verify(hook.raw, hook.headers as Record<string, string>)).not.toThrow();
    expect(() => envVerifier.verify(appHooks[0]!.raw, appHooks[0]!.headers as Record<string, string>)).toThrow();
    for (const hook of envHooks.filter((h) => callIdOf(h) === shared.callId))
      expect(() => envVerifier.verify(hook.raw, hook.headers as Record<string, string>)).not.toThrow();
  });

  it('a delivery the receiver keeps failing is listed with attempts and last error, given up, and delivered on replay', async () => {
    const { production } = await server.apps.create('Failing');
    await server.apps.setCallbacks(production.appKey, { webhookUrl: `${receiver.url}/failing` });
    let failing = true;
    receiver.answer = (hook) => (hook.path === '/failing' && failing ? { status: 500 } : { status: 200 });
    const [a, b] = [await headless(production, nextUser('fl')), await headless(production, nextUser('fl'))];
    const { callId, callerSession } = await placeAnsweredCall(a, b);
    await callerSession.hungup();

    // With a 1 s horizon every event of the call is given up, the first after several attempts.
    const listed = (status?: 'pending' | 'failed') =>
      server.deliveries.list({ appKey: production.appKey, ...(status ? { status } : {}), page: 1, size: 50 });
    const deadline = Date.now() + 10_000;
    let failed = (await listed('failed')).rows;
    while (Date.now() < deadline) {
      if ((await listed('pending')).total === 0 && failed.some((r) => r.event === 'call.ended')) break;
      await new Promise((r) => setTimeout(r, 100));
      failed = (await listed('failed')).rows;
    }
    expect(failed.every((r) => r.appKey === production.appKey && r.callId === callId && r.status === 'failed')).toBe(true);
    const first = failed[0]!;
    expect(first.event).toBe('call.invited');
    expect(first.attempts).toBeGreaterThanOrEqual(2);
    expect(first.lastError).toMatch(/500/);
    expect(first.failedAt).toBeGreaterThanOrEqual(first.createdAt);
    expect(failed.at(-1)!.event).toBe('call.ended');
    expect((await server.deliveries.list({ appKey: 'other-app-key', page: 1, size: 50 })).total).toBe(0);

    // Replayed once the receiver is back: each delivered once, in the call's order.
    failing = false;
    for (const row of failed) expect(await server.deliveries.replay(row.id)).toBe(true);
    const delivered = () => receiver.hooks.filter((h) => h.path === '/failing' && h.status === 200);
    expect(await receiver.until(() => delivered().length >= failed.length, 10_000)).toBe(true);
    expect(delivered().map((h) => String(h.headers['webhook-id']))).toEqual(failed.map((r) => r.id));
    expect(delivered().map((h) => h.body.type)).toEqual(failed.map((r) => r.event));
    let left = (await listed()).total;
    for (let i = 0; i < 50 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      left = (await listed()).total;
    }
    expect(left).toBe(0);
    expect(await server.deliveries.replay('msg_unknown')).toBe(false);
  });
});

describe('the env app', () => {
  it('a changed OPENCALL_APP_KEY disables the previous env app (server API 1006, connect 31008)', async () => {
    const dataDir = freshDir();
    const logger = pino({ level: 'silent' });
    const first = await startServer(loadConfig(env(dataDir, 'firstenvkey0001', 'first-env-secret-000001')), logger);
    await first.close();
    const second = await startServer(loadConfig(env(dataDir, 'secondenvkey001', 'second-env-secret-00001')), logger);
    try {
      const old = { appKey: 'firstenvkey0001', appSecret: 'first-env-secret-000001' };
      const response = await fetch(`${second.url}/user/checkOnline.json`, {
        method: 'POST',
        headers: { ...signingHeaders(old.appKey, old.appSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: encodeForm({ userId: 'x' }),
      });
      expect((await readReply(response)).body.code).toBe(ServerApiCode.APP_LOCKED);
      expect((await second.apps.list()).map((app) => [app.appKey, app.disabled])).toEqual([
        ['firstenvkey0001', true],
        ['secondenvkey001', false],
      ]);
    } finally {
      await second.close();
    }
  });
});
