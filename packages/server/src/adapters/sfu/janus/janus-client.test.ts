import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { JanusClient, JanusError } from './janus-client.js';

/**
 * A tiny fake Janus: answers create/attach/keepalive/trickle/message like the real WebSocket API;
 * with `apiSecret` it refuses every request without it as Janus does (error 403).
 */
function fakeJanus(onMessage?: (request: Record<string, unknown>, reply: (m: object) => void) => boolean, apiSecret?: string) {
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    handleProtocols: (protocols) => (protocols.has('janus-protocol') ? 'janus-protocol' : false),
  });
  const seen: Record<string, unknown>[] = [];
  server.on('connection', (ws) => {
    ws.on('message', (data) => {
      const request = JSON.parse(String(data)) as Record<string, unknown>;
      seen.push(request);
      const reply = (m: object) => ws.send(JSON.stringify({ transaction: request.transaction, ...m }));
      if (apiSecret !== undefined && request.apisecret !== apiSecret) {
        return reply({ janus: 'error', error: { code: 403, reason: 'Unauthorized request (wrong or missing secret/token)' } });
      }
      if (onMessage?.(request, reply)) return;
      switch (request.janus) {
        case 'create':
          return reply({ janus: 'success', data: { id: 111 } });
        case 'attach':
          return reply({ janus: 'success', session_id: 111, data: { id: 222 } });
        case 'claim':
          return request.session_id === 111
            ? reply({ janus: 'success', session_id: 111 })
            : reply({ janus: 'error', session_id: request.session_id, error: { code: 458, reason: 'No such session' } });
        case 'keepalive':
        case 'trickle':
          return reply({ janus: 'ack', session_id: 111 });
        case 'message':
          reply({ janus: 'ack', session_id: 111 });
          setTimeout(
            () =>
              reply({
                janus: 'event',
                sender: request.handle_id,
                plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'joined', id: 7 } },
                jsep: { type: 'answer', sdp: 'v=0' },
              }),
            10,
          );
          return;
        default:
          return reply({ janus: 'error', error: { code: 453, reason: 'unknown' } });
      }
    });
  });
  const url = () => `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { server, seen, url, clients: () => [...server.clients] };
}

describe('JanusClient', () => {
  let fake: ReturnType<typeof fakeJanus> | undefined;
  afterEach(() => new Promise<void>((resolve) => (fake ? fake.server.close(() => resolve()) : resolve())));

  it('creates a session over the janus-protocol subprotocol and attaches with transactions', async () => {
    fake = fakeJanus();
    await new Promise((r) => fake!.server.once('listening', r));
    const client = await JanusClient.connect(fake.url());
    expect(client.sessionId).toBe(111);
    expect(await client.attach('janus.plugin.videoroom')).toBe(222);
    const attach = fake.seen.find((m) => m.janus === 'attach')!;
    expect(attach).toMatchObject({ plugin: 'janus.plugin.videoroom', session_id: 111 });
    expect(typeof attach.transaction).toBe('string');
    client.close();
  });

  it('waits past the ack of a message for its event, and resolves trickles on their ack', async () => {
    fake = fakeJanus();
    await new Promise((r) => fake!.server.once('listening', r));
    const client = await JanusClient.connect(fake.url());
    const reply = await client.message(222, { request: 'join' });
    expect(reply.janus).toBe('event');
    expect(reply.jsep).toEqual({ type: 'answer', sdp: 'v=0' });
    await client.trickle(222, null);
    expect(fake.seen.at(-1)).toMatchObject({ janus: 'trickle', candidate: { completed: true } });
    client.close();
  });

  it('rejects on core errors and plugin error codes', async () => {
    fake = fakeJanus((request, reply) => {
      if (request.janus !== 'message') return false;
      reply({ janus: 'success', plugindata: { plugin: 'janus.plugin.videoroom', data: { error_code: 428, error: 'No such feed' } } });
      return true;
    });
    await new Promise((r) => fake!.server.once('listening', r));
    const client = await JanusClient.connect(fake.url());
    await expect(client.message(222, { request: 'join' })).rejects.toMatchObject({ code: 428 });
    await expect(client.detach(222)).rejects.toBeInstanceOf(JanusError);
    client.close();
  });

  it('emits handle events that answer no request, and closed (rejecting pending requests) when the socket drops', async () => {
    fake = fakeJanus((request) => request.janus === 'message'); // never answers messages
    await new Promise((r) => fake!.server.once('listening', r));
    const client = await JanusClient.connect(fake.url());
    const events: [number, string][] = [];
    client.on('handleEvent', (handleId, message) => events.push([handleId, message.janus]));
    const closed = new Promise<void>((resolve) => client.on('closed', () => resolve()));
    const pending = client.message(222, { request: 'publish' });
    fake.clients()[0]!.send(JSON.stringify({ janus: 'webrtcup', session_id: 111, sender: 222 }));
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual([[222, 'webrtcup']]);
    for (const ws of fake.clients()) ws.terminate();
    await closed;
    await expect(pending).rejects.toThrow(/closed/);
    expect(client.isOpen).toBe(false);
  });

  it('sends the API secret with every request, keepalive and destroy included', async () => {
    fake = fakeJanus(undefined, 'the-api-secret-123');
    await new Promise((r) => fake!.server.once('listening', r));
    const client = await JanusClient.connect(fake.url(), { apiSecret: 'the-api-secret-123', keepaliveMs: 20 });
    const handle = await client.attach('janus.plugin.videoroom');
    await client.message(handle, { request: 'join' });
    await client.trickle(handle, null);
    await new Promise((r) => setTimeout(r, 60));
    client.close();
    await new Promise((r) => setTimeout(r, 20));
    const kinds = new Set(fake.seen.map((m) => m.janus));
    for (const kind of ['create', 'attach', 'message', 'trickle', 'keepalive', 'destroy']) expect(kinds).toContain(kind);
    expect(fake.seen.every((m) => m.apisecret === 'the-api-secret-123')).toBe(true);
  });

  it('fails to connect when Janus refuses the secret (403), and sends none when it has none', async () => {
    fake = fakeJanus(undefined, 'the-api-secret-123');
    await new Promise((r) => fake!.server.once('listening', r));
    await expect(JanusClient.connect(fake.url(), { apiSecret: 'wrong-secret-0000000' })).rejects.toMatchObject({ code: 403 });
    await expect(JanusClient.connect(fake.url())).rejects.toBeInstanceOf(JanusError);
    expect(fake.seen.filter((m) => m.janus === 'create').map((m) => m.apisecret)).toEqual(['wrong-secret-0000000', undefined]);
  });

  it('keeps the session alive', async () => {
    fake = fakeJanus();
    await new Promise((r) => fake!.server.once('listening', r));
    const client = await JanusClient.connect(fake.url(), { keepaliveMs: 30 });
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.seen.filter((m) => m.janus === 'keepalive').length).toBeGreaterThanOrEqual(2);
    client.close();
  });

  it('claims an existing session on a new connection (keepalives for it follow), and refuses one Janus does not have (458)', async () => {
    fake = fakeJanus();
    await new Promise((r) => fake!.server.once('listening', r));
    const client = await JanusClient.claim(fake.url(), 111, { keepaliveMs: 20 });
    expect(client.sessionId).toBe(111);
    expect(await client.attach('janus.plugin.videoroom')).toBe(222);
    await new Promise((r) => setTimeout(r, 60));
    expect(fake.seen.find((m) => m.janus === 'claim')).toMatchObject({ session_id: 111 });
    expect(fake.seen.filter((m) => m.janus === 'keepalive').every((m) => m.session_id === 111)).toBe(true);
    expect(
      fake.seen.some((m) => m.janus === 'create'),
      'no new session',
    ).toBe(false);
    client.release();
    await expect(JanusClient.claim(fake.url(), 999)).rejects.toMatchObject({ code: 458 });
  });

  it('release() closes the connection without destroying the session (another process claims it)', async () => {
    fake = fakeJanus();
    await new Promise((r) => fake!.server.once('listening', r));
    const client = await JanusClient.connect(fake.url());
    const closed = new Promise<void>((resolve) => client.on('closed', () => resolve()));
    client.release();
    await closed;
    await new Promise((r) => setTimeout(r, 20));
    expect(client.isOpen).toBe(false);
    expect(fake.seen.some((m) => m.janus === 'destroy')).toBe(false);
  });
});
