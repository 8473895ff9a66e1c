import { ErrorCode } from '@opencall/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { BackoffOptions } from './backoff.js';
import { type ConnectionStateChange, ImConnection } from './im-connection.js';
import type { PluginLogger } from './plugin-context.js';
import { FakeImServer, type FakeImServerOptions, waitUntil } from './testing/fake-im-server.js';
import type { WebSocketConstructor } from './websocket-like.js';

const silentLogger: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options: FakeImServerOptions = {}): Promise<FakeImServer> {
  const started = await FakeImServer.start(options);
  cleanups.push(() => started.stop());
  return started;
}

/** A loopback URL where nothing listens any more (connections are refused). */
async function deadUrl(): Promise<string> {
  const gone = await FakeImServer.start();
  await gone.stop();
  return gone.wsUrl;
}

/** Every socket the connection opens, with its URL and when. */
interface Dial {
  url: string;
  at: number;
}

function connectionTo(urls: string[], backoff: BackoffOptions, extra: { maxReconnectAttempts?: number; connectTimeoutMs?: number } = {}) {
  const dials: Dial[] = [];
  const Recording = class extends WebSocket {
    constructor(url: string) {
      dials.push({ url, at: performance.now() });
      super(url);
    }
  };
  const connection = new ImConnection({
    WebSocket: Recording as unknown as WebSocketConstructor,
    urls,
    appKey: 'app1',
    deviceId: 'device-1',
    logger: silentLogger,
    backoff,
    ...extra,
  });
  const changes: ConnectionStateChange[] = [];
  connection.onStateChange((c) => changes.push(c));
  cleanups.push(() => connection.disconnect());
  return { connection, dials, changes };
}

describe('ImConnection with several servers', () => {
  it('first server refuses connections: the second answers at once, without a backoff wait', async () => {
    const dead = await deadUrl();
    const second = await server();
    const { connection, dials } = connectionTo([dead, second.wsUrl], { baseMs: 5_000, capMs: 5_000 });
    const startedAt = performance.now();
    expect((await connection.connect('token-alice')).code).toBe(ErrorCode.SUCCESS);
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    expect(dials.map((d) => d.url)).toEqual([dead, second.wsUrl]);
    expect(connection.currentServer).toBe(second.wsUrl);
    expect(connection.state).toBe('connected');
  });

  it('first server never answers hello, or refuses with a non-fatal code: the next one is tried', async () => {
    const silent = await server({ authenticate: () => 'silent' });
    const unavailable = await server({ authenticate: () => ({ refuse: ErrorCode.RC_CONN_SERVER_UNAVAILABLE }) });
    const third = await server();
    const { connection, dials } = connectionTo(
      [silent.wsUrl, unavailable.wsUrl, third.wsUrl],
      { baseMs: 5_000 },
      { connectTimeoutMs: 150 },
    );
    expect((await connection.connect('token-alice')).code).toBe(ErrorCode.SUCCESS);
    expect(dials.map((d) => d.url)).toEqual([silent.wsUrl, unavailable.wsUrl, third.wsUrl]);
    expect(connection.currentServer).toBe(third.wsUrl);
  });

  it('first connect with every server down: one round, then RC_NET_UNAVAILABLE as with one server', async () => {
    const urls = [await deadUrl(), await deadUrl()];
    const { connection, dials, changes } = connectionTo(urls, { baseMs: 5_000 });
    expect((await connection.connect('token-alice')).code).toBe(ErrorCode.RC_NET_UNAVAILABLE);
    expect(dials.map((d) => d.url)).toEqual(urls);
    expect(changes.at(-1)).toMatchObject({ to: 'disconnected', event: 'unreachable' });
    expect(connection.currentServer).toBeUndefined();
  });

  it('an established connection drops: it reconnects to the next server first, and a later connect starts there', async () => {
    const a = await server();
    const b = await server();
    const c = await server();
    const { connection, dials, changes } = connectionTo([a.wsUrl, b.wsUrl, c.wsUrl], { baseMs: 20, capMs: 50 });
    await connection.connect('token-alice');
    expect(connection.currentServer).toBe(a.wsUrl);
    a.connections[0]!.terminate();
    await waitUntil(() => connection.state === 'connected' && b.welcomed.length === 1, 3_000, 'reconnect to b');
    expect(connection.currentServer).toBe(b.wsUrl);
    expect(changes.map((x) => x.to)).toEqual(['connecting', 'connected', 'suspended', 'connected']);

    // A node that shuts down says bye with a non-fatal code: a drop too, from b on to c.
    b.connections[0]!.bye(ErrorCode.OC_SERVER_SHUTDOWN, 'draining');
    await waitUntil(() => connection.state === 'connected' && c.welcomed.length === 1, 3_000, 'reconnect to c');
    expect(connection.currentServer).toBe(c.wsUrl);

    await connection.disconnect();
    expect((await connection.connect('token-alice')).code).toBe(ErrorCode.SUCCESS);
    expect(c.welcomed).toHaveLength(2);
    expect(dials.map((d) => d.url)).toEqual([a.wsUrl, b.wsUrl, c.wsUrl, c.wsUrl]);
    expect(a.connections).toHaveLength(1);
  });

  it('suspends on heartbeat timeout, then moves to the next server', async () => {
    const a = await server({ heartbeatMs: 60 });
    const b = await server();
    const { connection } = connectionTo([a.wsUrl, b.wsUrl], { baseMs: 20, capMs: 50 });
    await connection.connect('token-alice');
    a.connections[0]!.answerPings = false;
    await waitUntil(() => connection.state === 'connected' && b.welcomed.length === 1, 3_000, 'reconnect to b');
    expect(a.connections).toHaveLength(1);
  });

  it('all servers down after a drop: rounds back to back, backoff between rounds, gives up after the bound', async () => {
    const a = await FakeImServer.start();
    const urls = [a.wsUrl, await deadUrl(), await deadUrl()];
    const { connection, dials, changes } = connectionTo(urls, { baseMs: 600, capMs: 1_200 }, { maxReconnectAttempts: 3 });
    await connection.connect('token-alice');
    await a.stop();
    await waitUntil(() => connection.state === 'disconnected', 6_000, 'giving up');
    expect(changes.at(-1)).toMatchObject({ from: 'suspended', to: 'disconnected', event: 'fatal', code: ErrorCode.RC_NET_UNAVAILABLE });
    const [u0, u1, u2] = urls as [string, string, string];
    const retries = dials.slice(1);
    expect(retries.map((d) => d.url)).toEqual([u1, u2, u0, u1, u2, u0, u1, u2, u0]);
    const gaps = retries.slice(1).map((d, i) => d.at - (retries[i] as Dial).at);
    // Within a round (gaps 0, 1, 3, 4, 6, 7) no wait; between rounds (gaps 2 and 5) at least half the backoff ceiling.
    for (const i of [0, 1, 3, 4, 6, 7]) expect(gaps[i]).toBeLessThan(250);
    expect(gaps[2]).toBeGreaterThanOrEqual(595);
    expect(gaps[5]).toBeGreaterThanOrEqual(595);
    await new Promise((r) => setTimeout(r, 300));
    expect(dials).toHaveLength(10);
  });

  it('a fatal refusal does not hop: not at the first connect, not when reconnecting', async () => {
    const refusing = await server({ authenticate: () => ({ refuse: ErrorCode.RC_CONN_TOKEN_INCORRECT }) });
    const other = await server();
    const first = connectionTo([refusing.wsUrl, other.wsUrl], { baseMs: 20, capMs: 50 });
    expect((await first.connection.connect('token-alice')).code).toBe(ErrorCode.RC_CONN_TOKEN_INCORRECT);
    expect(other.connections).toHaveLength(0);

    const a = await server();
    const banning = await server({ authenticate: () => ({ refuse: ErrorCode.RC_CONN_USER_BLOCKED }) });
    const c = await server();
    const { connection, dials, changes } = connectionTo([a.wsUrl, banning.wsUrl, c.wsUrl], { baseMs: 20, capMs: 50 });
    await connection.connect('token-alice');
    a.connections[0]!.terminate();
    await waitUntil(() => connection.state === 'disconnected', 3_000, 'fatal stop');
    expect(changes.at(-1)).toMatchObject({ from: 'suspended', event: 'fatal', code: ErrorCode.RC_CONN_USER_BLOCKED });
    await new Promise((r) => setTimeout(r, 150));
    expect(dials.map((d) => d.url)).toEqual([a.wsUrl, banning.wsUrl]);
    expect(c.connections).toHaveLength(0);
  });

  it('rejects an empty server list', () => {
    expect(() => connectionTo([], {})).toThrow(/no server URL/);
  });
});
