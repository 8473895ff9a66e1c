/** `MediaStream` stand-in of the WebRTC test kit: a stream of remote tracks with `onremovetrack`. */
import type { MediaTrackLike } from '../media/media-track-like.js';

let nextStream = 0;

export class FakeMediaStream {
  readonly id: string;
  onremovetrack: ((event: { track: MediaTrackLike }) => void) | null = null;
  readonly #tracks: MediaTrackLike[] = [];

  constructor(id = `fake-stream-${++nextStream}`) {
    this.id = id;
  }

  getTracks(): MediaTrackLike[] {
    return [...this.#tracks];
  }

  addTrack(track: MediaTrackLike): void {
    if (!this.#tracks.includes(track)) this.#tracks.push(track);
  }

  /** Removes `track` as the remote side does when its sender stops: fires `removetrack`. */
  removeTrack(track: MediaTrackLike): void {
    const index = this.#tracks.indexOf(track);
    if (index < 0) return;
    this.#tracks.splice(index, 1);
    this.onremovetrack?.({ track });
  }
}

/** A `createMediaStream` option for transports under test. */
export function createFakeMediaStream(): MediaStream {
  return new FakeMediaStream() as unknown as MediaStream;
}
