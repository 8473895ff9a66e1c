import { ErrorCode } from '@opencall/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { PluginContext, PluginInstaller } from '../plugin-context.js';
import { createIMLib } from '../rong-imlib.js';
import { FakeImServer, type FakeImServerOptions, waitUntil } from '../testing/fake-im-server.js';
import { type IMLibV4Error, initV4 } from './imlib-v4.js';
import { ConnectionStatus } from './legacy-status.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(serverOptions: FakeImServerOptions = {}) {
  const server = await FakeImServer.start(serverOptions);
  const core = createIMLib({ WebSocket, deviceId: 'dev-4', runtimeTag: 'node', backoff: { baseMs: 20, capMs: 50 } });
  cleanups.push(() => server.stop());
  cleanups.push(() => core.disconnect());
  return { server, core };
}

const probe: PluginInstaller<{ context: PluginContext; options: unknown }, { rtcClient?: string } | undefined> = {
  tag: 'probe',
  verify: () => true,
  setup: (context, _runtime, options) => ({ context, options }),
};

describe('IMLib 4.x adapter', () => {
  it('init → install → connect resolves { id } and watch reports statuses', async () => {
    const { server, core } = await setup();
    const im = initV4({ appkey: 'app4', navigators: [server.origin] }, core);
    const statuses: number[] = [];
    im.watch({ status: (event) => statuses.push(event.status), message: () => {} });

    const plugin = im.install(probe, { rtcClient: 'rtc' });
    expect(plugin?.options).toEqual({ rtcClient: 'rtc' });
    const { connect } = im;
    expect(await connect({ token: 'token-alice' })).toEqual({ id: 'alice' });
    expect(plugin?.context.getCurrentId()).toBe('alice');
    expect(server.connections[0]?.hello).toMatchObject({ appKey: 'app4' });
    expect(statuses).toEqual([ConnectionStatus.CONNECTING, ConnectionStatus.CONNECTED]);

    server.connections[0]?.bye(ErrorCode.RC_DISCONN_KICK, 'kicked');
    await waitUntil(() => statuses.length === 3, 3000, 'kick status');
    expect(statuses[2]).toBe(ConnectionStatus.KICKED_OFFLINE_BY_OTHER_CLIENT);
  });

  it('accepts the legacy navi string', async () => {
    const { server, core } = await setup();
    const im = initV4({ appkey: 'app4', navi: `127.0.0.1:${server.port}` }, core);
    expect(await im.connect({ token: 'token-bob' })).toEqual({ id: 'bob' });
  });

  it('connect rejects { code, msg } for a refused token and for a missing token', async () => {
    const { server, core } = await setup({ authenticate: () => ({ refuse: ErrorCode.RC_CONN_USER_BLOCKED, message: 'banned' }) });
    const im = initV4({ appkey: 'app4', navigators: [server.origin] }, core);
    const refused = await im.connect({ token: 'token-x' }).catch((e: IMLibV4Error) => e);
    expect(refused).toMatchObject({ code: ErrorCode.RC_CONN_USER_BLOCKED, msg: expect.any(String) });
    const missing = await im.connect({} as { token: string }).catch((e: IMLibV4Error) => e);
    expect(missing).toMatchObject({ code: ErrorCode.PARAMETER_ERROR });
  });

  it('disconnect reports DISCONNECTED; unwatch stops the reports', async () => {
    const { server, core } = await setup();
    const im = initV4({ appkey: 'app4', navigators: [server.origin] }, core);
    const statuses: number[] = [];
    im.watch({ status: ({ status }) => statuses.push(status) });
    await im.connect({ token: 'token-carol' });
    await im.disconnect();
    expect(statuses).toEqual([ConnectionStatus.CONNECTING, ConnectionStatus.CONNECTED, ConnectionStatus.DISCONNECTED]);
    im.unwatch();
    await im.connect({ token: 'token-carol' });
    expect(statuses).toHaveLength(3);
  });

  it('init throws without an app key, like 5.x', () => {
    const core = createIMLib({ WebSocket, deviceId: 'd' });
    expect(() => initV4({ navigators: ['http://127.0.0.1:9'] } as never, core)).toThrow(/appkey/);
  });
});
