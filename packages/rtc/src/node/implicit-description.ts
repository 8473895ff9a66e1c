/**
 * `@roamhq/wrtc` rejects `setLocalDescription()` without a description ("Expected an object"), which
 * the P2P link's perfect negotiation uses. This subclass fills in the offer or answer the way
 * browsers do for the implicit form.
 */

type PeerConnectionClass = new (config?: RTCConfiguration) => RTCPeerConnection;

export function withImplicitDescription(Base: PeerConnectionClass): PeerConnectionClass {
  return class ImplicitDescriptionPeerConnection extends Base {
    override async setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      if (description?.sdp) return super.setLocalDescription(description);
      const answering = this.signalingState === 'have-remote-offer' || this.signalingState === 'have-local-pranswer';
      const type = description?.type ?? (answering ? 'answer' : 'offer');
      if (type === 'rollback') return super.setLocalDescription({ type });
      return super.setLocalDescription(type === 'offer' ? await this.createOffer() : await this.createAnswer());
    }
  };
}
