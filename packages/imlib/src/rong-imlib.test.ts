import { ErrorCode, RCConnectionStatus, type ServerEvent } from '@opencall/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { Events } from './events.js';
import type { PluginContext, PluginInstaller } from './plugin-context.js';
import { createIMLib, type RongIMLibClient } from './rong-imlib.js';
import { FakeImServer, type FakeImServerOptions, waitUntil } from './testing/fake-im-server.js';
import type { WebSocketConstructor } from './websocket-like.js';

// Compile-time check: the browser's WebSocket class fits the constructor the connection takes.
const _browserWebSocketFits: WebSocketConstructor | undefined = undefined as typeof globalThis.WebSocket | undefined;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(serverOptions: FakeImServerOptions = {}) {
  const server = await FakeImServer.start(serverOptions);
  const im = createIMLib({ WebSocket, deviceId: 'dev-1', runtimeTag: 'node', backoff: { baseMs: 20, capMs: 50 } });
  cleanups.push(() => server.stop());
  cleanups.push(() => im.disconnect());
  return { server, im };
}

function recordEvents(im: RongIMLibClient): string[] {
  const seen: string[] = [];
  im.addEventListener(Events.CONNECTING, () => seen.push('CONNECTING'));
  im.addEventListener(Events.CONNECTED, () => seen.push('CONNECTED'));
  im.addEventListener(Events.SUSPEND, (code) => seen.push(`SUSPEND:${code}`));
  im.addEventListener(Events.DISCONNECT, (code) => seen.push(`DISCONNECT:${code}`));
  return seen;
}

/** A plugin that exposes the context it was given. */
const probePlugin: PluginInstaller<PluginContext, { tag: string }> = {
  tag: 'probe',
  verify: (runtime) => runtime.tag === 'node',
  setup: (context) => context,
};

describe('RongIMLib facade', () => {
  it('connects after init and reports IMLib results and events', async () => {
    const { server, im } = await setup();
    const seen = recordEvents(im);
    im.init({ appkey: 'app1', navigators: [server.origin], someUnknownOption: true });
    const result = await im.connect('token-alice');
    expect(result).toEqual({ code: ErrorCode.SUCCESS, data: { userId: 'alice' }, isOk: true });
    expect(im.getCurrentUserId()).toBe('alice');
    expect(im.getConnectionStatus()).toBe(RCConnectionStatus.CONNECTED);
    expect(Math.abs(im.getServerTime() - Date.now())).toBeLessThan(1_000);
    expect(seen).toEqual(['CONNECTING', 'CONNECTED']);
    expect(server.connections[0]?.hello).toMatchObject({ appKey: 'app1', deviceId: 'dev-1' });
  });

  it('accepts the legacy navi string without scheme', async () => {
    const { server, im } = await setup();
    im.init({ appkey: 'app1', navi: `127.0.0.1:${server.port}` });
    expect((await im.connect('token-bob')).code).toBe(0);
  });

  it('rejects connect before init and a bad token argument', async () => {
    const im = createIMLib({ WebSocket, deviceId: 'dev-1' });
    expect(await im.connect('token-alice')).toMatchObject({ code: ErrorCode.RC_CONN_NOT_INIT, isOk: false });
    im.init({ appkey: 'app1', navigators: ['http://127.0.0.1:9'] });
    expect(await im.connect('')).toMatchObject({ code: ErrorCode.PARAMETER_ERROR, isOk: false });
    expect(await im.connect(42 as unknown as string)).toMatchObject({ code: ErrorCode.PARAMETER_ERROR });
  });

  it('ignores a second init and throws without an app key or server address', async () => {
    const { server, im } = await setup();
    expect(() => im.init({ appkey: '' })).toThrow(/appkey/);
    expect(() => createIMLib().init({ appkey: 'app1' })).toThrow(/no server address/);
    expect(() => createIMLib().init({ appkey: 'app1', navigators: ['http://a:1', 'ftp://b'] })).toThrow(/unsupported scheme/);
    im.init({ appkey: 'app1', navigators: [server.origin] });
    im.init({ appkey: 'other', navigators: ['http://127.0.0.1:9'] });
    expect((await im.connect('token-alice')).code).toBe(0);
    expect(server.connections[0]?.hello?.appKey).toBe('app1');
  });

  it('returns the refused code from connect without emitting DISCONNECT', async () => {
    const { im, server } = await setup();
    const seen = recordEvents(im);
    im.init({ appkey: 'app1', navigators: [server.origin] });
    expect(await im.connect('forged')).toMatchObject({ code: ErrorCode.RC_CONN_TOKEN_INCORRECT, isOk: false });
    expect(seen).toEqual(['CONNECTING']);
    expect(im.getConnectionStatus()).toBe(RCConnectionStatus.DISCONNECTED);
  });

  it('emits SUSPEND then CONNECTED on a drop, and DISCONNECT(31020) on a revoked token', async () => {
    const { im, server } = await setup();
    const seen = recordEvents(im);
    im.init({ appkey: 'app1', navigators: [server.origin] });
    await im.connect('token-alice');
    server.connections[0]!.terminate();
    await waitUntil(() => server.welcomed.length === 2 && im.getConnectionStatus() === RCConnectionStatus.CONNECTED, 3_000, 'reconnect');
    server.connections[1]!.bye(ErrorCode.RC_CONN_TOKEN_EXPIRED, 'revoked');
    await waitUntil(() => seen.length === 5, 2_000, 'DISCONNECT');
    expect(seen).toEqual(['CONNECTING', 'CONNECTED', `SUSPEND:${ErrorCode.RC_NET_UNAVAILABLE}`, 'CONNECTED', 'DISCONNECT:31020']);
  });

  it('emits DISCONNECT(31011) when the app disconnects', async () => {
    const { im, server } = await setup();
    const seen = recordEvents(im);
    im.init({ appkey: 'app1', navigators: [server.origin] });
    await im.connect('token-alice');
    await im.disconnect();
    expect(seen.at(-1)).toBe(`DISCONNECT:${ErrorCode.RC_CONN_USER_LOGOUT}`);
    expect(im.getConnectionStatus()).toBe(RCConnectionStatus.DISCONNECTED);
  });

  it('installs plugins whose verify accepts the runtime and gives them a working context', async () => {
    const { im, server } = await setup({ onRequest: () => ({ code: 10000, data: { peers: [] } }) });
    const context = im.installPlugin(probePlugin, { tag: 'x' });
    expect(context).not.toBeNull();
    expect(im.installPlugin({ ...probePlugin, verify: () => false }, { tag: 'x' })).toBeNull();
    expect(() =>
      im.installPlugin(
        {
          ...probePlugin,
          setup: () => {
            throw new Error('bad options');
          },
        },
        { tag: 'x' },
      ),
    ).toThrow('bad options');
    const ctx = context!;
    expect(ctx.getDeviceId()).toBe('dev-1');
    expect((await ctx.request({ t: 'rtc.leave', roomId: 'r1' })).code).toBe(ErrorCode.RC_NET_CHANNEL_INVALID);

    const events: ServerEvent[] = [];
    const statuses: RCConnectionStatus[] = [];
    ctx.onEvent((e) => events.push(e));
    const unsubscribe = ctx.onStatusChange((s) => statuses.push(s));
    im.init({ appkey: 'app1', navigators: [server.origin] });
    expect(ctx.getCurrentServer()).toBeUndefined();
    await im.connect('token-alice');
    expect(ctx.getCurrentId()).toBe('alice');
    expect(ctx.getCurrentServer()).toBe(server.wsUrl);
    expect(ctx.getIceServers()).toHaveLength(1);
    expect(ctx.getRingTimeoutMs()).toBe(60_000);
    expect(ctx.getConnectionStatus()).toBe(RCConnectionStatus.CONNECTED);
    expect(await ctx.request({ t: 'rtc.join', roomId: 'r1' })).toEqual({ code: 10000, data: { peers: [] } });
    server.connections[0]!.sendEvent({ type: 'rtc.peer_joined', roomId: 'r1', userId: 'bob', deviceId: 'd2' });
    await waitUntil(() => events.length === 1, 2_000, 'event');
    expect(events[0]).toMatchObject({ type: 'rtc.peer_joined', userId: 'bob' });
    expect(statuses).toEqual([RCConnectionStatus.CONNECTING, RCConnectionStatus.CONNECTED]);
    unsubscribe();
    await im.disconnect();
    expect(statuses).toHaveLength(2);
  });

  it('supports once listeners, targets, removal and a throwing listener', async () => {
    const { im, server } = await setup();
    const calls: string[] = [];
    const target = { name: 'target' };
    const bound = function (this: { name: string }) {
      calls.push(`bound:${this.name}`);
    };
    const removed = vi.fn();
    im.addEventListener(Events.CONNECTED, () => {
      throw new Error('app bug');
    });
    im.addEventListener(Events.CONNECTED, bound, target);
    im.onceEventListener(Events.CONNECTED, () => calls.push('once'));
    im.addEventListener(Events.CONNECTED, removed);
    im.removeEventListener(Events.CONNECTED, removed);
    im.addEventListener(Events.CONNECTING, removed);
    im.removeEventListeners(Events.CONNECTING);
    im.init({ appkey: 'app1', navigators: [server.origin] });
    await im.connect('token-alice');
    await im.disconnect();
    await im.connect('token-alice');
    expect(calls).toEqual(['bound:target', 'once', 'bound:target']);
    expect(removed).not.toHaveBeenCalled();
    im.clearEventListeners();
    await im.disconnect();
    await im.connect('token-alice');
    expect(calls).toHaveLength(3);
  });

  it('keeps instances independent', async () => {
    const { im, server } = await setup();
    const other = createIMLib({ WebSocket, deviceId: 'dev-2' });
    cleanups.push(() => other.disconnect());
    im.init({ appkey: 'app1', navigators: [server.origin] });
    other.init({ appkey: 'app1', navigators: [server.origin] });
    await Promise.all([im.connect('token-alice'), other.connect('token-bob')]);
    expect([im.getCurrentUserId(), other.getCurrentUserId()]).toEqual(['alice', 'bob']);
    expect(server.connections.map((c) => c.hello?.deviceId).sort()).toEqual(['dev-1', 'dev-2']);
  });
});
