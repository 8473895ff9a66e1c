/**
 * Fresh TURN credentials reach live connections: the server pushes new ICE servers before the old
 * credentials expire; every live RTCPeerConnection (P2P links, SFU publisher and subscriptions) gets
 * them with `setConfiguration` (its other settings kept), new connections are made with them, and
 * closed or left ones are not touched.
 */
import type { PluginContext } from '@opencall/imlib';
import { type IceServer, RCConnectionStatus, RCRTCCode, type RtcEvent, type ServerEvent } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { fakePeerConnections } from '../testing/fake-peer-connection.js';
import { P2PTransport } from './p2p/p2p-transport.js';
import { createRoomSignaling, type RoomSignalingPort } from './room-signaling.js';
import { SfuTransport } from './sfu/sfu-transport.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const OLD: IceServer[] = [{ urls: ['turn:127.0.0.1:3478'], username: '1000:alice', credential: 'old' }];
const FRESH: IceServer[] = [{ urls: ['turn:127.0.0.1:3478'], username: '3880:alice', credential: 'fresh' }];

/** The server side as the transports see it: current ICE servers, and a way to push new ones. */
function iceSource() {
  let current = OLD;
  const listeners = new Set<(servers: IceServer[]) => void>();
  return {
    get: () => current,
    on: (listener: (servers: IceServer[]) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    push(servers: IceServer[]) {
      current = servers;
      for (const listener of [...listeners]) listener(servers);
    },
    listeners,
  };
}

function signalingPort(ice: ReturnType<typeof iceSource>, peers: string[]) {
  const roomListeners = new Set<(event: RtcEvent) => void>();
  const port: RoomSignalingPort = {
    selfUserId: () => 'alice',
    selfDeviceId: () => 'alice-d',
    iceServers: ice.get,
    onIceServersChange: ice.on,
    join: async () => ({ code: RCRTCCode.SUCCESS, peers: peers.map((userId) => ({ userId, deviceId: `${userId}-d` })), mode: 'p2p' }),
    leave: async () => ({ code: RCRTCCode.SUCCESS }),
    signal: async () => ({ code: RCRTCCode.SUCCESS }),
    sfuPublish: async () => ({ code: RCRTCCode.SIGNAL_ERROR }),
    sfuSubscribe: async () => ({ code: RCRTCCode.SIGNAL_ERROR }),
    sfuStart: async () => ({ code: RCRTCCode.SIGNAL_ERROR }),
    sfuTrickle: async () => ({ code: RCRTCCode.SUCCESS }),
    onRoomEvent: (_roomId, listener) => {
      roomListeners.add(listener);
      return () => roomListeners.delete(listener);
    },
  };
  const peerJoined = (userId: string) => {
    for (const l of [...roomListeners]) l({ type: 'rtc.peer_joined', roomId: 'room', userId, deviceId: `${userId}-d` });
  };
  return { port, peerJoined };
}

describe('P2P links get fresh ICE servers', () => {
  it('live links are reconfigured (bundle policy kept), later links start with the fresh ones, left rooms are not touched', async () => {
    const ice = iceSource();
    const { port, peerJoined } = signalingPort(ice, ['bob']);
    const pcs = fakePeerConnections();
    const transport = new P2PTransport(
      { signaling: port, logger: silent },
      { createPeerConnection: pcs.create, createMediaStream: () => ({ id: 's' }) as MediaStream },
    );
    expect((await transport.join('room')).code).toBe(RCRTCCode.SUCCESS);
    peerJoined('carol');
    expect(pcs.created).toHaveLength(2);
    expect(pcs.created.map((pc) => pc.configuration.iceServers)).toEqual([OLD, OLD]);

    ice.push(FRESH);
    for (const pc of pcs.created) {
      expect(pc.reconfigurations).toEqual([{ iceServers: FRESH, bundlePolicy: 'max-bundle' }]);
      expect(pc.getConfiguration().iceServers).toEqual(FRESH);
    }

    peerJoined('dave');
    expect(pcs.created[2]!.configuration).toEqual({ iceServers: FRESH, bundlePolicy: 'max-bundle' });
    expect(pcs.created[2]!.reconfigurations).toEqual([]);

    await transport.leave();
    expect(ice.listeners.size).toBe(0);
    ice.push(OLD);
    for (const pc of pcs.created) expect(pc.reconfigurations.length).toBeLessThanOrEqual(1);
  });
});

function sfuContext(ice: ReturnType<typeof iceSource>): PluginContext {
  return {
    getCurrentId: () => 'alice',
    getCurrentServer: () => 'ws://127.0.0.1:1/ws',
    getDeviceId: () => 'alice-d',
    getServerTime: () => Date.now(),
    getIceServers: ice.get,
    onIceServersChange: ice.on,
    getRingTimeoutMs: () => 60_000,
    getConnectionStatus: () => RCConnectionStatus.CONNECTED,
    // The SFU never answers with a description here: connections are made, not negotiated.
    request: async () => ({ code: RCRTCCode.SIGNAL_ERROR }),
    onEvent: (_listener: (event: ServerEvent) => void) => () => undefined,
    onStatusChange: () => () => undefined,
    onStreamReset: () => () => undefined,
    logger: silent,
  };
}

describe('SFU connections get fresh ICE servers', () => {
  it('the publisher and every subscription are reconfigured, keeping relay-only ICE; none after leave', async () => {
    const ice = iceSource();
    const pcs = fakePeerConnections();
    const transport = new SfuTransport({
      signaling: createRoomSignaling(sfuContext(ice)),
      logger: silent,
      roomId: 'room',
      peers: ['bob'],
      iceTransportPolicy: 'relay',
      createPeerConnection: pcs.create,
    });
    await transport.publish([
      {
        trackId: 'alice_RongCloudRTC_audio',
        streamId: 's',
        tag: 'RongCloudRTC',
        kind: 'audio',
        track: { id: 't', kind: 'audio' } as never,
        muted: false,
      },
    ]);
    transport.handleEvent({ type: 'sfu.feed', roomId: 'room', userId: 'bob' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(pcs.created).toHaveLength(2);

    ice.push(FRESH);
    for (const pc of pcs.created) {
      expect(pc.reconfigurations).toEqual([{ iceServers: FRESH, iceTransportPolicy: 'relay' }]);
    }

    await transport.leave();
    expect(ice.listeners.size).toBe(0);
  });
});
