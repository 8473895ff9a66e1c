import { ErrorCode, PROTOCOL_VERSION, RCConnectionStatus, type ServerEvent } from '@opencall/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ConnectionStateChange, ImConnection, type ImConnectionOptions } from './im-connection.js';
import type { PluginLogger } from './plugin-context.js';
import { FakeImServer, type FakeImServerOptions, waitUntil } from './testing/fake-im-server.js';

const silentLogger: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };

function peerLeft(userId: string): ServerEvent {
  return { type: 'rtc.peer_left', roomId: 'room1', userId };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(serverOptions: FakeImServerOptions = {}, connectionOptions: Partial<ImConnectionOptions> = {}) {
  const server = await FakeImServer.start(serverOptions);
  const connection = new ImConnection({
    WebSocket,
    urls: [server.wsUrl],
    appKey: 'app1',
    deviceId: 'device-1',
    logger: silentLogger,
    backoff: { baseMs: 20, capMs: 50 },
    ...connectionOptions,
  });
  const changes: ConnectionStateChange[] = [];
  connection.onStateChange((c) => changes.push(c));
  cleanups.push(() => server.stop());
  cleanups.push(() => connection.disconnect());
  return { server, connection, changes };
}

describe('ImConnection', () => {
  it('connects with hello and welcome', async () => {
    const { server, connection, changes } = await setup();
    const result = await connection.connect('token-alice');
    expect(result.code).toBe(ErrorCode.SUCCESS);
    expect(connection.state).toBe('connected');
    expect(connection.status).toBe(RCConnectionStatus.CONNECTED);
    expect(connection.currentUserId).toBe('alice');
    expect(connection.currentIceServers).toEqual([{ urls: 'stun:127.0.0.1:3478' }]);
    expect(server.connections[0]?.hello).toEqual({
      t: 'hello',
      v: PROTOCOL_VERSION,
      appKey: 'app1',
      token: 'token-alice',
      deviceId: 'device-1',
      platform: 'Web',
    });
    expect(changes.map((c) => c.to)).toEqual(['connecting', 'connected']);
    expect(Math.abs(connection.serverTime() - Date.now())).toBeLessThan(1_000);
  });

  it('reports a refused token and does not retry', async () => {
    const { server, connection, changes } = await setup();
    const result = await connection.connect('forged');
    expect(result.code).toBe(ErrorCode.RC_CONN_TOKEN_INCORRECT);
    expect(connection.state).toBe('disconnected');
    expect(changes.at(-1)).toMatchObject({ from: 'connecting', to: 'disconnected', event: 'fatal', code: 31004 });
    await new Promise((r) => setTimeout(r, 100));
    expect(server.connections).toHaveLength(1);
  });

  it('reports RC_NET_UNAVAILABLE when nothing listens', async () => {
    const { server, connection } = await setup();
    await server.stop();
    const result = await connection.connect('token-alice');
    expect(result.code).toBe(ErrorCode.RC_NET_UNAVAILABLE);
    expect(connection.state).toBe('disconnected');
  });

  it('reports TIMEOUT when the server never answers hello', async () => {
    const { connection } = await setup({ authenticate: () => 'silent' }, { connectTimeoutMs: 150 });
    const result = await connection.connect('token-alice');
    expect(result.code).toBe(ErrorCode.TIMEOUT);
    expect(connection.state).toBe('disconnected');
  });

  it('answers requests by rid, maps error frames and times out', async () => {
    const { connection } = await setup({
      onRequest: (request) => {
        if (request.t === 'call.hangup') return undefined;
        if (request.t === 'call.ringing') return { code: 53203, message: 'nope' };
        if (request.t === 'call.accept') return { code: 10000, data: { echo: request.t } };
        return { code: 10000, data: { peers: [{ userId: 'bob', deviceId: 'd2' }] } };
      },
    });
    await connection.connect('token-alice');
    const [ok, misfit, refused, silent] = await Promise.all([
      connection.request({ t: 'rtc.join', roomId: 'room1' }),
      connection.request({ t: 'call.accept', callId: 'call1' }),
      connection.request({ t: 'call.ringing', callId: 'call1' }),
      connection.request({ t: 'call.hangup', callId: 'call1' }, 100),
    ]);
    expect(ok).toEqual({ code: 10000, data: { peers: [{ userId: 'bob', deviceId: 'd2' }] } });
    expect(ok.data?.peers[0]?.userId).toBe('bob');
    // Data that does not fit the reply map's schema for the request is dropped; the code stays.
    expect(misfit).toEqual({ code: 10000 });
    expect(refused).toMatchObject({ code: 53203, message: 'nope' });
    expect(silent.code).toBe(ErrorCode.TIMEOUT);
  });

  it('resolves a request the server rejects as malformed with the error frame code', async () => {
    const { connection } = await setup();
    await connection.connect('token-alice');
    // A room id with a space is invalid: the server answers with an `error` frame carrying the rid.
    const result = await connection.request({ t: 'rtc.leave', roomId: 'bad room' });
    expect(result.code).toBe(ErrorCode.OC_INVALID_FIELD);
  });

  it('delivers events once, in order, acks cumulatively, and survives a throwing listener', async () => {
    const { server, connection } = await setup();
    const received: string[] = [];
    connection.onEvent(() => {
      throw new Error('app bug');
    });
    connection.onEvent((e) => received.push(e.type === 'rtc.peer_left' ? e.userId : e.type));
    await connection.connect('token-alice');
    const conn = server.connections[0]!;
    conn.send({ t: 'evt', seq: 1, evt: peerLeft('u1') });
    conn.send({ t: 'evt', seq: 2, evt: peerLeft('u2') });
    conn.send({ t: 'evt', seq: 2, evt: peerLeft('u2-duplicate') });
    conn.send({ t: 'evt', seq: 1, evt: peerLeft('u1-duplicate') });
    conn.send({ t: 'evt', seq: 3, evt: peerLeft('u3') });
    conn.sendRaw('{"t":"evt","seq":4,"evt":{"type":"no.such.event"}}');
    await waitUntil(() => conn.acks.at(-1) === 3, 2_000, 'ack 3');
    expect(received).toEqual(['u1', 'u2', 'u3']);
    expect([...conn.acks].sort((a, b) => a - b)).toEqual(conn.acks);
    expect(connection.state).toBe('connected');
  });

  it('suspends on heartbeat timeout, then reconnects with the same token', async () => {
    const { server, connection, changes } = await setup({ heartbeatMs: 60 });
    await connection.connect('token-alice');
    server.connections[0]!.answerPings = false;
    await waitUntil(() => server.welcomed.length === 2 && connection.state === 'connected', 3_000, 'reconnect');
    expect(changes.map((c) => `${c.to}:${c.code}`)).toEqual([
      'connecting:0',
      'connected:0',
      `suspended:${ErrorCode.RC_PING_TIMEOUT}`,
      'connected:0',
    ]);
    expect(server.connections[1]?.hello?.token).toBe('token-alice');
    expect(server.connections[0]!.pings).toBeGreaterThan(0);
  });

  it('fails pending requests when the socket drops, then reconnects', async () => {
    const { server, connection, changes } = await setup({ onRequest: () => undefined });
    await connection.connect('token-alice');
    const pending = connection.request({ t: 'rtc.join', roomId: 'room1' }, 5_000);
    await waitUntil(() => server.connections[0]!.requests.length === 1, 2_000, 'request at server');
    server.connections[0]!.terminate();
    expect((await pending).code).toBe(ErrorCode.RC_NET_CHANNEL_INVALID);
    await waitUntil(() => connection.state === 'connected' && server.welcomed.length === 2, 3_000, 'reconnect');
    expect(changes.map((c) => c.to)).toEqual(['connecting', 'connected', 'suspended', 'connected']);
  });

  it('keeps retrying while the server refuses with a non-fatal code', async () => {
    const { server, connection } = await setup({
      authenticate: (_hello, index) => (index === 0 || index >= 3 ? { userId: 'alice' } : { refuse: ErrorCode.RC_CONN_SERVER_UNAVAILABLE }),
    });
    await connection.connect('token-alice');
    server.connections[0]!.bye(ErrorCode.OC_SERVER_SHUTDOWN, 'restarting');
    await waitUntil(() => server.welcomed.length === 2 && connection.state === 'connected', 3_000, 'reconnect');
    expect(server.connections).toHaveLength(4);
  });

  it('disconnects for good on bye 31020', async () => {
    const { server, connection, changes } = await setup();
    await connection.connect('token-alice');
    server.connections[0]!.bye(ErrorCode.RC_CONN_TOKEN_EXPIRED, 'token revoked');
    await waitUntil(() => connection.state === 'disconnected', 2_000, 'disconnect');
    expect(changes.at(-1)).toMatchObject({ from: 'connected', to: 'disconnected', event: 'fatal', code: 31020 });
    await new Promise((r) => setTimeout(r, 100));
    expect(server.connections).toHaveLength(1);
  });

  it('stops retrying when a reconnect is refused with an auth code', async () => {
    const { server, connection, changes } = await setup({
      authenticate: (_hello, index) => (index === 0 ? { userId: 'alice' } : { refuse: ErrorCode.RC_CONN_USER_BLOCKED }),
    });
    await connection.connect('token-alice');
    server.connections[0]!.terminate();
    await waitUntil(() => connection.state === 'disconnected', 3_000, 'disconnect');
    expect(changes.at(-1)).toMatchObject({ from: 'suspended', event: 'fatal', code: ErrorCode.RC_CONN_USER_BLOCKED });
    expect(server.connections).toHaveLength(2);
  });

  it('answers RC_NET_CHANNEL_INVALID to requests while not connected', async () => {
    const { connection } = await setup();
    expect((await connection.request({ t: 'rtc.leave', roomId: 'room1' })).code).toBe(ErrorCode.RC_NET_CHANNEL_INVALID);
    await connection.connect('token-alice');
    await connection.disconnect();
    expect((await connection.request({ t: 'rtc.leave', roomId: 'room1' })).code).toBe(ErrorCode.RC_NET_CHANNEL_INVALID);
  });

  it('writes a deferred request when the synchronous run ends; a request written now sends it first', async () => {
    const { server, connection } = await setup();
    await connection.connect('token-alice');
    const socket = (connection as unknown as { socket: WebSocket }).socket;
    const written: string[] = [];
    const send = socket.send.bind(socket);
    socket.send = ((text: string) => {
      const frame = JSON.parse(text) as { t: string; callId: string };
      written.push(`${frame.t} ${frame.callId}`);
      send(text);
    }) as typeof socket.send;
    const first = connection.request({ t: 'call.ringing', callId: 'c1' }, undefined, true);
    expect(written).toEqual([]);
    await Promise.resolve();
    expect(written).toEqual(['call.ringing c1']);
    const deferred = connection.request({ t: 'call.ringing', callId: 'c2' }, undefined, true);
    const now = connection.request({ t: 'call.hangup', callId: 'c2' });
    expect(written).toEqual(['call.ringing c1', 'call.ringing c2', 'call.hangup c2']);
    expect((await Promise.all([first, deferred, now])).map((r) => r.code)).toEqual([10000, 10000, 10000]);
    expect(server.connections[0]?.requests.map((r) => `${r.t} ${'callId' in r ? r.callId : ''}`)).toEqual(written);
  });

  it('writes deferred requests before the socket closes on disconnect', async () => {
    const { server, connection } = await setup();
    await connection.connect('token-alice');
    const answered = connection.request({ t: 'call.hangup', callId: 'c1' }, undefined, true);
    await connection.disconnect();
    expect((await answered).code).toBe(ErrorCode.RC_NET_CHANNEL_INVALID);
    await waitUntil(() => server.connections[0]!.closed, 2_000, 'server sees close');
    expect(server.connections[0]?.requests.map((r) => r.t)).toEqual(['call.hangup']);
  });

  it('disconnects on request, closes the socket and does not reconnect', async () => {
    const { server, connection, changes } = await setup();
    await connection.connect('token-alice');
    await connection.disconnect();
    expect(changes.at(-1)).toMatchObject({ from: 'connected', to: 'disconnected', code: ErrorCode.RC_CONN_USER_LOGOUT });
    await waitUntil(() => server.connections[0]!.closed, 2_000, 'server sees close');
    await new Promise((r) => setTimeout(r, 100));
    expect(server.connections).toHaveLength(1);
  });

  it('aborts a connect in progress when disconnected', async () => {
    const { connection } = await setup({ authenticate: () => 'silent' });
    const pending = connection.connect('token-alice');
    await connection.disconnect();
    expect((await pending).code).toBe(ErrorCode.RC_CONN_USER_LOGOUT);
    expect(connection.state).toBe('disconnected');
  });

  it('shares one attempt between concurrent connects and reconnects after disconnect', async () => {
    const { server, connection } = await setup();
    const [a, b] = await Promise.all([connection.connect('token-alice'), connection.connect('token-alice')]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(server.connections).toHaveLength(1);
    await connection.disconnect();
    expect((await connection.connect('token-bob')).code).toBe(0);
    expect(connection.currentUserId).toBe('bob');
  });
});

describe('ImConnection ICE servers', () => {
  it('takes fresh ICE servers pushed by the server (ice.servers) and tells listeners', async () => {
    const { server, connection } = await setup();
    const seen: unknown[] = [];
    connection.onIceServers((iceServers) => seen.push(iceServers));
    await connection.connect('token-alice');
    expect(seen).toEqual([[{ urls: 'stun:127.0.0.1:3478' }]]);
    const fresh = [{ urls: ['turn:127.0.0.1:3478'], username: '1767229200:alice', credential: 'c2' }];
    server.connections[0]!.send({ t: 'ice.servers', iceServers: fresh });
    await waitUntil(() => seen.length === 2, 2000);
    expect(seen[1]).toEqual(fresh);
    expect(connection.currentIceServers).toEqual(fresh);
    expect(connection.state).toBe('connected');
  });
});
