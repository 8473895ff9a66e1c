/**
 * What most call tests set up around one server process: headless users with unique ids (and their
 * cleanup), a group of them, the session of a call on a client, and a local push receiver.
 */
import { createServer } from 'node:http';
import type { RCCallSession } from '@opencall/call';
import { expect } from 'vitest';
import { connectHeadless, type HeadlessClient } from './headless-client.js';
import type { ServerProcess } from './server-process.js';

export interface TestUsers {
  readonly clients: HeadlessClient[];
  /** A fresh id with this prefix. */
  nextId(prefix: string): string;
  /** A connected user (device id `<userId>-<deviceSuffix>`). */
  user(prefix: string, deviceSuffix?: string, userId?: string): Promise<HeadlessClient>;
  /** A group of these users, created through the server API. */
  group(members: HeadlessClient[]): Promise<string>;
  /** Disconnects every user. */
  disconnectAll(): Promise<void>;
}

/** `server` is read when a user connects (it is usually started in `beforeAll`). */
export function testUsers(server: () => ServerProcess): TestUsers {
  const clients: HeadlessClient[] = [];
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}${++counter}`;
  return {
    clients,
    nextId,
    async user(prefix, deviceSuffix = 'dev1', userId = nextId(prefix)) {
      const s = server();
      const client = await connectHeadless(s.url, s.appKey, userId, await s.getToken(userId), `${userId}-${deviceSuffix}`);
      clients.push(client);
      return client;
    },
    async group(members) {
      const groupId = nextId('g');
      const reply = await server().signedPost('/group/create.json', { groupId, groupName: 'team', userId: members.map((m) => m.userId) });
      expect(reply.body.code).toBe(200);
      return groupId;
    },
    async disconnectAll() {
      await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
    },
  };
}

/** The session of `callId` on `client`, once its `onSession` came. */
export async function sessionOf(client: HeadlessClient, callId: string): Promise<RCCallSession> {
  await client.waitFor('onSession', (c) => c.sessionId === callId);
  return client.sessions.find((s) => s.getSessionId() === callId)!;
}

/** The user id of a callback's first argument (the sender). */
export const senderId = (c: { args: unknown[] }) => (c.args[0] as { userId: string }).userId;

export interface PushSink {
  /** `OPENCALL_PUSH_WEBHOOK_URL` for the server. */
  url: string;
  /** Every notice received, in order. */
  pushes: Record<string, unknown>[];
  close(): void;
}

/** A local HTTP receiver of push notices (answers 200 to each). */
export async function startPushSink(): Promise<PushSink> {
  const pushes: Record<string, unknown>[] = [];
  const sink = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      pushes.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const address = sink.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/push`, pushes, close: () => sink.close() };
}
