import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ActiveCallSnapshot, CallLeases, Storage } from '../../ports/index.js';
import { CallTakeover, type TakeoverTarget } from './call-takeover.js';

const NODE = 'node-a';

/** A journal row this node's id owns, as a hang-up leaves it for a moment (the delete is written after the events go out). */
const row: ActiveCallSnapshot = { appKey: 'app', callId: 'call-1', snapshot: '{}', updatedAt: 0, ownerNode: NODE, ownerEpoch: 2 };

function setUp(endedHere: boolean) {
  const leaseRequests: string[] = [];
  const storage = {
    activeCalls: {
      get: async (appKey: string, callId: string) => (appKey === row.appKey && callId === row.callId ? row : undefined),
      // Refused: the test is about whether a takeover is attempted at all, not about rebuilding the call.
      claim: async () => undefined,
      all: async () => [row],
      orphaned: async () => [],
    },
  } as unknown as Storage;
  const leases = {
    takeOver: async (_appKey: string, callId: string) => {
      leaseRequests.push(callId);
      return undefined;
    },
    holds: () => false,
    release: () => undefined,
  } as unknown as CallLeases;
  const target: TakeoverTarget = { carryOn: () => undefined, hasCall: () => false, endedHere: () => endedHere };
  const node = { nodeId: NODE, aliveNodes: () => [NODE], confirmAlive: async () => true };
  const takeover = new CallTakeover(storage, node, leases, target, pino({ level: 'silent' }));
  return { takeover, leaseRequests };
}

describe('call takeover', () => {
  it('a request for a call this process ended a moment ago does not bring it back (no lease taken, nothing carried on)', async () => {
    const { takeover, leaseRequests } = setUp(true);
    expect(await takeover.adopt(row.appKey, row.callId)).toBe(false);
    expect(await takeover.adoptOwnLeftovers()).toBe(0);
    expect(leaseRequests).toEqual([]);
  });

  it("a call this node's previous process left behind is taken over (the lease is asked for)", async () => {
    const { takeover, leaseRequests } = setUp(false);
    await takeover.adopt(row.appKey, row.callId);
    expect(leaseRequests).toEqual([row.callId]);
  });
});

describe('call takeover of a snapshot this server cannot read', () => {
  it('drops the row at its epoch and lets the lease go, without throwing', async () => {
    const future: ActiveCallSnapshot = { ...row, snapshot: JSON.stringify({ v: 99 }), ownerNode: 'dead-node' };
    const removed: unknown[][] = [];
    const released: string[] = [];
    const carried: string[] = [];
    const storage = {
      activeCalls: {
        get: async () => future,
        claim: async () => ({ ...future, ownerNode: NODE, ownerEpoch: future.ownerEpoch + 1 }),
        remove: async (...args: unknown[]) => {
          removed.push(args);
          return true;
        },
      },
    } as unknown as Storage;
    const leases = {
      takeOver: async () => ({}),
      holds: () => false,
      release: (_appKey: string, callId: string) => released.push(callId),
    } as unknown as CallLeases;
    const target: TakeoverTarget = { carryOn: (call) => carried.push(call.callId), hasCall: () => false, endedHere: () => false };
    const node = { nodeId: NODE, aliveNodes: () => [NODE], confirmAlive: async () => false };
    const takeover = new CallTakeover(storage, node, leases, target, pino({ level: 'silent' }));
    expect(await takeover.adopt(future.appKey, future.callId)).toBe(false);
    expect(removed).toEqual([[future.appKey, future.callId, future.ownerEpoch + 1]]);
    expect(released).toEqual([future.callId]);
    expect(carried).toEqual([]);
  });
});
