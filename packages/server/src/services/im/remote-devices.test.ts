import { describe, expect, it } from 'vitest';
import type { DeviceLocation, NodeBus } from '../../ports/index.js';
import { RemoteDevices } from './remote-devices.js';

const bus = { send: () => undefined } as unknown as NodeBus;
const at = (nodeId: string, userId: string, deviceId = `${userId}-d1`, attached = true): DeviceLocation => ({
  appKey: 'app',
  userId,
  deviceId,
  nodeId,
  tokenIssuedAt: 0,
  attached,
});

describe('remote devices: the nodes that host them', () => {
  it('follows every change: arrive, move, gone, forgotten, a node list replaced, a node dropped', () => {
    const remote = new RemoteDevices(bus);
    remote.apply(at('b', 'u1'), false, true);
    remote.apply(at('b', 'u2'), false, true);
    remote.apply(at('c', 'u3'), false, true);
    expect(remote.nodes()).toEqual(new Set(['b', 'c']));

    // u3's device moved from c to b: c hosts nothing any more.
    remote.apply(at('b', 'u3'), false, true);
    expect(remote.nodes()).toEqual(new Set(['b']));
    // A stale "gone" from c (the device moved on) changes nothing.
    expect(remote.apply(at('c', 'u3'), true, false)).toBeUndefined();
    expect(remote.of('app', 'u3')).toHaveLength(1);

    remote.apply(at('b', 'u1'), true, false);
    remote.forget('app', 'u2', 'u2-d1');
    remote.forget('app', 'nobody', 'x');
    expect(remote.nodes()).toEqual(new Set(['b']));

    // b's full list says only u4 now (u3 gone); d appears.
    expect(remote.replaceNode('b', [at('b', 'u4')]).map((c) => [c.device.userId, c.kind])).toEqual([
      ['u3', 'gone'],
      ['u4', 'attached'],
    ]);
    remote.apply(at('d', 'u5'), false, true);
    expect(remote.nodes()).toEqual(new Set(['b', 'd']));

    expect(remote.dropNode('b').map((d) => d.userId)).toEqual(['u4']);
    expect(remote.nodes()).toEqual(new Set(['d']));
    remote.apply(at('d', 'u5'), true, false);
    expect(remote.nodes()).toEqual(new Set());
  });
});
