import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../adapters/storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../../ports/index.js';
import { ConnectionRegistry } from '../im/connection-registry.js';
import type { DeviceStream, FrameSink } from '../im/device-stream.js';
import { offlineCallRecord } from './offline-record.test-support.js';
import { MAX_DELIVERED_PER_CONNECT, OfflineRecords } from './offline-records.js';

const logger = pino({ level: 'silent' });
let storage: Storage;
let registry: ConnectionRegistry;
let offline: OfflineRecords;

beforeEach(async () => {
  storage = await openSqliteStorage(':memory:');
  registry = new ConnectionRegistry(logger, 50);
  offline = new OfflineRecords(storage, logger, Date.now);
});

afterEach(async () => {
  registry.closeAll();
  await storage.close();
});

const record = (callId: string) => offlineCallRecord(callId);

interface Device {
  stream: DeviceStream;
  sink: FrameSink;
  /** Call ids of the offline records this socket received, in order. */
  received: string[];
  /** seq of the last event received. */
  lastSeq: number;
}

/** A fresh (not resumed) connect of `deviceId` for bob, with his pending records delivered. */
function connect(deviceId: string): Device {
  const device = { received: [] as string[], lastSeq: 0 } as Device;
  device.sink = {
    id: `${deviceId}-${Math.random()}`,
    sendText(text) {
      const frame = JSON.parse(text) as { seq: number; evt: { type: string; callId: string } };
      device.lastSeq = frame.seq;
      if (frame.evt.type === 'call.offline_record') device.received.push(frame.evt.callId);
    },
    close() {},
  };
  const identity = { appKey: 'app', userId: 'bob', deviceId, tokenIssuedAt: 0 };
  device.stream = registry.attach(identity, device.sink, undefined, () => {}).stream;
  offline.deliver(device.stream);
  return device;
}

async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const stored = async () =>
  (await storage.offlineRecords.pending('app', 'bob', { limit: 1000, notBefore: 0, exclude: [] })).map((r) => r.callId);

describe('offline record delivery', () => {
  it('keeps a record until its event is acked, then deletes it', async () => {
    await storage.offlineRecords.add('app', 'bob', record('c1'), 10);
    const a = connect('phone');
    await until('the record', () => a.received.length === 1);
    expect(await stored()).toEqual(['c1']);
    a.stream.ack(a.lastSeq);
    await until('the delete', async () => (await stored()).length === 0);
    await until('the release', () => offline.inFlightCount('app', 'bob') === 0);
    const b = connect('laptop');
    await new Promise((r) => setTimeout(r, 30));
    expect(b.received).toEqual([]);
  });

  it('a stream that ends unacked (replaced, or not resumed in time) gives its records back', async () => {
    await storage.offlineRecords.add('app', 'bob', record('c1'), 10);
    await storage.offlineRecords.add('app', 'bob', record('c2'), 10);
    const first = connect('phone');
    await until('the records', () => first.received.length === 2);
    const again = connect('phone'); // the same device, fresh: the old stream is closed
    await until('the records again', () => again.received.length === 2);
    registry.detach(again.stream, again.sink);
    await until('the expiry', () => offline.inFlightCount('app', 'bob') === 0);
    const later = connect('tablet');
    await until('the records a third time', () => later.received.length === 2);
    expect(later.received).toEqual(['c1', 'c2']);
    expect(await stored()).toEqual(['c1', 'c2']);
  });

  it('two devices of the user share the records out: none is in flight on both', async () => {
    for (let i = 0; i < 3; i += 1) await storage.offlineRecords.add('app', 'bob', record(`c${i}`), 10);
    const a = connect('phone');
    const b = connect('laptop');
    await until('every record once', () => a.received.length + b.received.length === 3);
    await new Promise((r) => setTimeout(r, 30));
    expect([...a.received, ...b.received].sort()).toEqual(['c0', 'c1', 'c2']);
    const c = connect('tablet');
    await new Promise((r) => setTimeout(r, 30));
    expect(c.received).toEqual([]);
    a.stream.ack(a.lastSeq);
    b.stream.ack(b.lastSeq);
    await until('the deletes', async () => (await stored()).length === 0);
  });

  it('sends at most MAX_DELIVERED_PER_CONNECT per connect; the next device gets the rest', async () => {
    for (let i = 0; i < MAX_DELIVERED_PER_CONNECT + 5; i += 1) await storage.offlineRecords.add('app', 'bob', record(`c${i}`), 1000);
    const a = connect('phone');
    await until('the first batch', () => a.received.length === MAX_DELIVERED_PER_CONNECT);
    const b = connect('laptop');
    await until('the rest', () => b.received.length === 5);
  });
});
