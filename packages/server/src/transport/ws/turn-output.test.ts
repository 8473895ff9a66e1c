/** The frames one callback writes to one socket leave in one write; nothing is held past it. */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { TurnOutput } from './turn-output.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function socketPair(): Promise<{ sender: Socket; receiver: Socket }> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  const accepted = once(server, 'connection');
  const sender = connect(address.port, '127.0.0.1');
  const [receiver] = (await accepted) as [Socket];
  await once(sender, 'connect');
  cleanups.push(() => {
    sender.destroy();
    receiver.destroy();
    server.close();
  });
  return { sender, receiver };
}

/** Counts the syscall-level writes the stream makes (`_write` for one chunk, `_writev` for several). */
function countWrites(socket: Socket): { writes: number } {
  const counter = { writes: 0 };
  const internals = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => unknown>;
  for (const name of ['_write', '_writev'] as const) {
    const original = internals[name].bind(socket);
    internals[name] = (...args: unknown[]) => {
      counter.writes++;
      return original(...args);
    };
  }
  return counter;
}

describe('TurnOutput', () => {
  it('sends three frames of one turn in one write, after the turn', async () => {
    const { sender, receiver } = await socketPair();
    const counter = countWrites(sender);
    const output = new TurnOutput();
    const ws = { _socket: sender } as unknown as WebSocket;
    let received = '';
    receiver.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    for (const frame of ['a', 'b', 'c']) {
      output.hold(ws);
      sender.write(frame);
    }
    expect(counter.writes).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(counter.writes).toBe(1);
    await expect.poll(() => received, { timeout: 2000 }).toBe('abc');
  });

  it('flushes one socket on demand, before the turn ends', async () => {
    const { sender } = await socketPair();
    const counter = countWrites(sender);
    const output = new TurnOutput();
    const ws = { _socket: sender } as unknown as WebSocket;
    output.hold(ws);
    sender.write('a');
    sender.write('b');
    output.flush(ws);
    expect(counter.writes).toBe(1);
    expect(sender.writableLength).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(counter.writes).toBe(1);
  });

  it('releases every socket held in the turn, and holds again in the next', async () => {
    const first = await socketPair();
    const second = await socketPair();
    const output = new TurnOutput();
    const counters = [countWrites(first.sender), countWrites(second.sender)];
    for (const { sender } of [first, second]) {
      output.hold({ _socket: sender } as unknown as WebSocket);
      sender.write('x');
      sender.write('y');
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(counters.map((c) => c.writes)).toEqual([1, 1]);
    output.hold({ _socket: first.sender } as unknown as WebSocket);
    first.sender.write('z');
    expect(counters[0]?.writes).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(counters[0]?.writes).toBe(2);
  });
});
