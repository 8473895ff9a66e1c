/**
 * A CallService for unit tests, wired as app.ts wires it (real SQLite storage in memory, real
 * ConnectionRegistry, CallDirectory and MediaRoomService), and fake devices: each attaches to the
 * registry through a frame sink that records the events its stream writes, so the service talks to
 * real `DeviceStream`s (its `ImConnection`s) and the test reads what each device was sent.
 */
import { ClientFrame, type ClientRequest, type ServerEvent, ServerFrame } from '@opencall/protocol';
import { pino } from 'pino';
import { openSqliteStorage } from '../../adapters/storage/sqlite/open-sqlite-storage.js';
import type { Storage } from '../../ports/index.js';
import { dispatchRequest } from '../../transport/ws/request-dispatch.js';
import { ConnectionRegistry } from '../im/connection-registry.js';
import type { FrameSink } from '../im/device-stream.js';
import type { ImConnection } from '../im/im-connection.js';
import { MediaRoomService } from '../room/media-room-service.js';
import { CallDirectory } from './call-directory.js';
import type { CallLifecycleObserver } from './call-lifecycle.js';
import { CallService, type IntentResult } from './call-service.js';

export const APP_KEY = 'app';
export const RING_TIMEOUT_MS = 30_000;

/** One device of a user: its connection (what intents come from) and the events it was sent, in order. */
export interface FakeDevice {
  readonly connection: ImConnection;
  readonly events: ServerEvent[];
  /** Events about one call, by type (in order). */
  typesFor(callId: string): string[];
}

export interface CallServiceHarness {
  readonly service: CallService;
  readonly storage: Storage;
  readonly registry: ConnectionRegistry;
  /** A request frame as a device sends it: validated by the protocol, routed as the WebSocket transport routes it. */
  send(from: FakeDevice, frame: Record<string, unknown>): Promise<IntentResult>;
  /** Connect a device of `userId` (a fresh stream). */
  connect(userId: string, deviceId?: string): FakeDevice;
  close(): Promise<void>;
}

let sinkCounter = 0;

function fakeDevice(registry: ConnectionRegistry, userId: string, deviceId: string): FakeDevice {
  const events: ServerEvent[] = [];
  const sink: FrameSink = {
    id: `sink-${++sinkCounter}`,
    sendText(text) {
      // Validated at the boundary as a client would: a malformed frame fails the test here.
      const frame = ServerFrame.parse(JSON.parse(text));
      if (frame.t === 'evt') events.push(frame.evt);
    },
    close() {},
  };
  const { stream } = registry.attach({ appKey: APP_KEY, userId, deviceId, tokenIssuedAt: 0 }, sink, undefined, () => undefined);
  return {
    connection: stream,
    events,
    typesFor: (callId) => events.filter((e) => 'callId' in e && e.callId === callId).map((e) => e.type),
  };
}

function parseRequest(frame: Record<string, unknown>): ClientRequest {
  const parsed = ClientFrame.parse(frame);
  if (!('rid' in parsed)) throw new Error(`${parsed.t} is not a request`);
  return parsed;
}

export async function createCallServiceHarness(
  now: () => number,
  options: { lifecycle?: CallLifecycleObserver } = {},
): Promise<CallServiceHarness> {
  const logger = pino({ level: 'silent' });
  const storage = await openSqliteStorage(':memory:');
  const registry = new ConnectionRegistry(logger, 30_000, now);
  const calls = new CallDirectory(now);
  const mediaRooms = new MediaRoomService(calls, registry);
  const service = new CallService({ storage, registry, logger, ringTimeoutMs: RING_TIMEOUT_MS, calls, mediaRooms, now, ...options });
  return {
    service,
    storage,
    registry,
    send: async (from, frame) => dispatchRequest({ calls: service, mediaRooms }, from.connection, parseRequest({ rid: 1, ...frame })),
    connect: (userId, deviceId = `${userId}-d1`) => fakeDevice(registry, userId, deviceId),
    async close() {
      await service.close();
      registry.closeAll();
      await storage.close();
    },
  };
}
