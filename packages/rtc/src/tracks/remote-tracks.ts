/** Remote tracks: announced by their owner, ready once subscribed and their media arrived. */
import { RCRTCCode } from '@opencall/protocol';
import type { TrackKind } from '../ids.js';
import type { MediaTrackLike } from '../media/media-track-like.js';
import { RCTrack } from './rc-track.js';

export class RCRemoteTrack extends RCTrack {
  #subscribed = false;
  #ownerMuted = false;

  constructor(tag: string, userId: string, kind: TrackKind, ownerMuted = false) {
    super(tag, userId, kind, false, undefined);
    this.#ownerMuted = ownerMuted;
  }

  isSubscribed(): boolean {
    return this.#subscribed;
  }

  isOwnerMuted(): boolean {
    return this.#ownerMuted;
  }

  /** Subscribed and its media arrived. */
  override isReady(): boolean {
    return this.#subscribed && super.isReady();
  }

  protected async setLocalMuted(muted: boolean): Promise<{ code: RCRTCCode }> {
    this.localMuted = muted;
    if (this.mediaTrack) this.mediaTrack.enabled = !muted;
    return { code: RCRTCCode.SUCCESS };
  }

  /** Internal: the owner muted or unmuted. Returns whether the state changed. */
  __setOwnerMuted(muted: boolean): boolean {
    const changed = this.#ownerMuted !== muted;
    this.#ownerMuted = muted;
    return changed;
  }

  __setSubscribed(subscribed: boolean): void {
    this.#subscribed = subscribed;
  }

  /** Internal: the media arrived (or went away). */
  __setMediaTrack(track: MediaTrackLike | undefined): void {
    this.mediaTrack = track;
    if (track && this.localMuted) track.enabled = false;
    if (!track) this.releaseAudioElement();
  }

  __hasMedia(): boolean {
    return this.mediaTrack !== undefined;
  }
}

export class RCRemoteAudioTrack extends RCRemoteTrack {
  constructor(tag: string, userId: string, ownerMuted = false) {
    super(tag, userId, 'audio', ownerMuted);
  }
}

export class RCRemoteVideoTrack extends RCRemoteTrack {
  constructor(tag: string, userId: string, ownerMuted = false) {
    super(tag, userId, 'video', ownerMuted);
  }
}
