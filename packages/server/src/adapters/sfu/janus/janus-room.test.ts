import { describe, expect, it, vi } from 'vitest';
import { type JanusClient, JanusError } from './janus-client.js';
import { JanusRoom } from './janus-room.js';

/** The part of a JanusClient a room uses; `create` of the room fails with 427 (room exists). */
function refusingClient() {
  const detach = vi.fn(async (_handleId: number) => {});
  const close = vi.fn();
  const client = {
    close,
    on: () => () => {},
    attach: async () => 42,
    message: async () => {
      throw new JanusError(427, 'room exists');
    },
    detach,
  };
  return { client: client as unknown as JanusClient, detach, close };
}

describe('JanusRoom.create', () => {
  it('detaches its admin handle and closes its own session when Janus refuses the room', async () => {
    const { client, detach, close } = refusingClient();
    await expect(JanusRoom.create({ appKey: 'k', callId: 'c' }, client, { maxPublishers: 16 })).rejects.toThrow(/427/);
    expect(detach).toHaveBeenCalledWith(42);
    expect(close).toHaveBeenCalledOnce();
  });
});
