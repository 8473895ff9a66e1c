import { ErrorCode } from '@opencall/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { PluginContext, PluginInstaller } from '../plugin-context.js';
import { createIMLib, type RongIMLibClient } from '../rong-imlib.js';
import { FakeImServer, type FakeImServerOptions, waitUntil } from '../testing/fake-im-server.js';
import { createRongIMClient } from './imlib-v2.js';
import { ConnectionStatus } from './legacy-status.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(serverOptions: FakeImServerOptions = {}) {
  const server = await FakeImServer.start(serverOptions);
  const core = createIMLib({ WebSocket, deviceId: 'dev-2', runtimeTag: 'node', backoff: { baseMs: 20, capMs: 50 } });
  cleanups.push(() => server.stop());
  cleanups.push(() => core.disconnect());
  return { server, core, RongIMClient: createRongIMClient(() => core) };
}

const probe: PluginInstaller<PluginContext, unknown> = { tag: 'probe', verify: () => true, setup: (context) => context };

function connectCallbacks() {
  return { onSuccess: vi.fn<(userId: string) => void>(), onTokenIncorrect: vi.fn<() => void>(), onError: vi.fn<(code: number) => void>() };
}

describe('IMLib 2.x adapter (RongIMClient)', () => {
  it('init(appkey, null, { navi }) → getInstance().install → connect calls onSuccess(userId)', async () => {
    const { server, RongIMClient } = await setup();
    const statuses: number[] = [];
    RongIMClient.setConnectionStatusListener({ onChanged: (status) => statuses.push(status) });
    RongIMClient.setOnReceiveMessageListener({ onReceived: () => {} });
    RongIMClient.init('app2', null, { navi: `127.0.0.1:${server.port}` });
    const context = RongIMClient.getInstance().install(probe);
    const callbacks = connectCallbacks();
    RongIMClient.connect('token-alice', callbacks);
    await waitUntil(() => callbacks.onSuccess.mock.calls.length === 1, 3000, 'onSuccess');
    expect(callbacks.onSuccess).toHaveBeenCalledWith('alice');
    expect(callbacks.onError).not.toHaveBeenCalled();
    expect(context?.getCurrentId()).toBe('alice');
    expect(RongIMClient.getInstance().getCurrentUserId()).toBe('alice');
    expect(server.connections[0]?.hello).toMatchObject({ appKey: 'app2' });
    expect(statuses).toEqual([ConnectionStatus.CONNECTING, ConnectionStatus.CONNECTED]);
    await RongIMClient.getInstance().disconnect();
    expect(statuses.at(-1)).toBe(ConnectionStatus.DISCONNECTED);
  });

  it('a bad token calls onTokenIncorrect; another refusal calls onError(code)', async () => {
    const { server, RongIMClient } = await setup({
      authenticate: (hello) =>
        hello.token === 'banned' ? { refuse: ErrorCode.RC_CONN_USER_BLOCKED } : { refuse: ErrorCode.RC_CONN_TOKEN_INCORRECT },
    });
    RongIMClient.init('app2', null, { navigators: [server.origin] });
    const bad = connectCallbacks();
    RongIMClient.connect('forged', bad);
    await waitUntil(() => bad.onTokenIncorrect.mock.calls.length === 1, 3000, 'onTokenIncorrect');
    const banned = connectCallbacks();
    RongIMClient.connect('banned', banned);
    await waitUntil(() => banned.onError.mock.calls.length === 1, 3000, 'onError');
    expect(banned.onError).toHaveBeenCalledWith(ErrorCode.RC_CONN_USER_BLOCKED);
    expect(bad.onSuccess).not.toHaveBeenCalled();
    expect(banned.onTokenIncorrect).not.toHaveBeenCalled();
  });

  it('a throwing callback or status listener is contained', async () => {
    const { server, RongIMClient } = await setup();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    cleanups.push(() => error.mockRestore());
    RongIMClient.setConnectionStatusListener({
      onChanged: () => {
        throw new Error('listener');
      },
    });
    RongIMClient.init('app2', null, { navigators: [server.origin] });
    let done = false;
    RongIMClient.connect('token-bob', {
      onSuccess: () => {
        done = true;
        throw new Error('app');
      },
    });
    await waitUntil(() => done, 3000, 'onSuccess');
    await waitUntil(() => error.mock.calls.length >= 3, 3000, 'errors logged');
    expect(RongIMClient.getInstance().getCurrentUserId()).toBe('bob');
    await RongIMClient.getInstance().disconnect();
  });

  it('getInstance and connect before init throw; a second init is ignored', async () => {
    let made = 0;
    const core: RongIMLibClient = createIMLib({ WebSocket, deviceId: 'd' });
    const RongIMClient = createRongIMClient(() => {
      made++;
      return core;
    });
    expect(() => RongIMClient.getInstance()).toThrow(/init/);
    expect(() => RongIMClient.connect('t', {})).toThrow(/init/);
    RongIMClient.init('app2', null, { navigators: ['http://127.0.0.1:9'] });
    RongIMClient.init('other');
    expect(made).toBe(1);
    expect(RongIMClient.getInstance()).toBe(RongIMClient.getInstance());
  });
});
