import { describe, expect, it } from 'vitest';
import { withImplicitDescription } from './implicit-description.js';

/** A stand-in for wrtc's RTCPeerConnection: rejects the implicit form like wrtc does. */
class StrictPeerConnection {
  signalingState: RTCSignalingState = 'stable';
  readonly set: RTCLocalSessionDescriptionInit[] = [];
  async createOffer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'offer', sdp: 'v=0 offer' };
  }
  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'answer', sdp: 'v=0 answer' };
  }
  async setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
    if (!description) throw new TypeError('Expected an object');
    this.set.push(description);
  }
}

const Patched = withImplicitDescription(StrictPeerConnection as unknown as new () => RTCPeerConnection);

function make(state: RTCSignalingState): RTCPeerConnection & StrictPeerConnection {
  const pc = new Patched() as unknown as RTCPeerConnection & StrictPeerConnection;
  pc.signalingState = state;
  return pc;
}

describe('withImplicitDescription', () => {
  it.each([
    ['stable', 'offer'],
    ['have-local-offer', 'offer'],
    ['have-remote-offer', 'answer'],
    ['have-local-pranswer', 'answer'],
  ] as const)('setLocalDescription() in %s sets a created %s', async (state, type) => {
    const pc = make(state);
    await pc.setLocalDescription();
    expect(pc.set).toEqual([{ type, sdp: `v=0 ${type}` }]);
  });

  it('passes a full description through unchanged', async () => {
    const pc = make('stable');
    await pc.setLocalDescription({ type: 'offer', sdp: 'given' });
    expect(pc.set).toEqual([{ type: 'offer', sdp: 'given' }]);
  });

  it('a type without sdp creates that type; rollback goes through', async () => {
    const pc = make('have-remote-offer');
    await pc.setLocalDescription({ type: 'answer' });
    await pc.setLocalDescription({ type: 'rollback' });
    expect(pc.set).toEqual([{ type: 'answer', sdp: 'v=0 answer' }, { type: 'rollback' }]);
  });
});
