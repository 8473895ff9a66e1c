/**
 * Short-lived TURN credentials (OPENCALL_TURN_TTL_S, at most 1 h) stay valid for a connected device:
 * the server pushes fresh ones (`ice.servers`) at 80 % of the lifetime, before the ones from `welcome`
 * expire, and the SDK's `getIceServers()` returns them. Run with the smallest TTL (10 s: a refresh
 * after ~8 s). A banned user's connection is closed, so it gets no refresh.
 */
import { createHmac } from 'node:crypto';
import type { PluginContext, PluginInstaller, WebSocketConstructor } from '@opencall/imlib';
import { createIMLib } from '@opencall/imlib';
import { type IceServer, PROTOCOL_VERSION } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const TURN_SECRET = 'turn-static-auth-secret';
const TTL_S = 10;
/** Refresh due at 8 s, swept within 1 s; the old credentials expire at 10 s (9 s after a floored second). */
const WAIT_MS = 12_000;

type Frame = Record<string, unknown> & { t: string };

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    env: { OPENCALL_TURN_URLS: 'turn:127.0.0.1:3478?transport=udp', OPENCALL_TURN_SECRET: TURN_SECRET, OPENCALL_TURN_TTL_S: String(TTL_S) },
  });
});

afterAll(async () => {
  await server?.stop();
});

const expiryMs = (servers: IceServer[]) => Number(String(servers[0]?.username).split(':')[0]) * 1000;

/** What coturn checks: password = base64 HMAC-SHA1(static-auth-secret, username). */
function coturnAccepts(server: IceServer, userId: string, atMs: number): boolean {
  const username = String(server.username);
  const [expiry, user] = username.split(':');
  return (
    user === userId &&
    Number(expiry) * 1000 > atMs &&
    server.credential === createHmac('sha1', TURN_SECRET).update(username).digest('base64')
  );
}

/** A raw client: hello, then every frame with the time it arrived. */
async function rawClient(userId: string) {
  const token = await server.getToken(userId);
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
  const frames: { frame: Frame; at: number }[] = [];
  ws.on('message', (data) => frames.push({ frame: JSON.parse(String(data)) as Frame, at: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey: server.appKey, token, deviceId: `${userId}-d` }));
  // Heartbeats keep the server from dropping the silent socket.
  const ping = setInterval(() => ws.send('{"t":"ping"}'), 2000);
  const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
  const next = async (match: (f: Frame) => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = frames.find((f) => match(f.frame));
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no matching frame in ${timeoutMs} ms: ${JSON.stringify(frames.map((f) => f.frame.t))}`);
  };
  return {
    frames,
    next,
    closed,
    close() {
      clearInterval(ping);
      ws.close();
    },
  };
}

/** The SDK in Node, with a probe plugin to read IMLib's plugin context (what RCRTC uses). */
async function sdkClient(userId: string) {
  const im = createIMLib({ WebSocket: WebSocket as unknown as WebSocketConstructor, deviceId: `${userId}-sdk`, runtimeTag: 'node' });
  im.init({ appkey: server.appKey, navigators: [server.url], logOutputLevel: 1 });
  const probe: PluginInstaller<PluginContext, Record<string, never>> = {
    tag: 'probe',
    verify: () => true,
    setup: (context) => context,
  };
  const context = im.installPlugin(probe, {});
  if (!context) throw new Error('probe plugin not installed');
  const changes: { servers: IceServer[]; at: number }[] = [];
  context.onIceServersChange((servers) => changes.push({ servers, at: Date.now() }));
  const result = await im.connect(await server.getToken(userId));
  expect(result.code).toBe(0);
  return { im, context, changes };
}

describe('TURN credentials are refreshed before they expire', () => {
  it('a raw connection and the SDK both get fresh credentials in time; a banned user gets none', async () => {
    const [raw, sdk, banned] = await Promise.all([rawClient('turn-raw'), sdkClient('turn-sdk'), rawClient('turn-banned')]);
    try {
      const welcome = await raw.next((f) => f.t === 'welcome', 3000);
      const firstServers = welcome.frame.iceServers as IceServer[];
      expect(firstServers).toHaveLength(1);
      expect(coturnAccepts(firstServers[0]!, 'turn-raw', welcome.at)).toBe(true);
      expect(expiryMs(firstServers) - welcome.at).toBeLessThanOrEqual(TTL_S * 1000);

      const sdkFirst = sdk.context.getIceServers();
      expect(coturnAccepts(sdkFirst[0]!, 'turn-sdk', Date.now())).toBe(true);

      await banned.next((f) => f.t === 'welcome', 3000);
      expect((await server.signedPost('/user/block.json', { userId: 'turn-banned', minute: '5' })).body.code).toBe(200);
      await banned.closed;

      // Raw: an `ice.servers` frame before the welcome credentials expire, with valid later ones.
      const refresh = await raw.next((f) => f.t === 'ice.servers', WAIT_MS);
      const fresh = refresh.frame.iceServers as IceServer[];
      expect(refresh.at).toBeLessThan(expiryMs(firstServers));
      expect(refresh.at - welcome.at).toBeGreaterThanOrEqual(TTL_S * 1000 * 0.8 - 100);
      expect(coturnAccepts(fresh[0]!, 'turn-raw', refresh.at)).toBe(true);
      expect(expiryMs(fresh)).toBeGreaterThan(expiryMs(firstServers));

      // SDK: the plugin context reports the change and getIceServers() returns the fresh ones.
      const deadline = Date.now() + WAIT_MS;
      while (sdk.changes.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const pushed = sdk.changes.at(-1)!;
      expect(sdk.changes.length).toBeGreaterThanOrEqual(2);
      expect(pushed.at).toBeLessThan(expiryMs(sdkFirst));
      expect(sdk.context.getIceServers()).toEqual(pushed.servers);
      expect(expiryMs(sdk.context.getIceServers())).toBeGreaterThan(expiryMs(sdkFirst));
      expect(coturnAccepts(sdk.context.getIceServers()[0]!, 'turn-sdk', Date.now())).toBe(true);

      // The banned user's socket was closed before its refresh was due: it never got one.
      expect(banned.frames.map((f) => f.frame.t)).not.toContain('ice.servers');
    } finally {
      raw.close();
      banned.close();
      await sdk.im.disconnect();
    }
  }, 40_000);
});
