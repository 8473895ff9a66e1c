/**
 * Owner mute states of one room, for every transport: which of our published tracks we muted, which
 * remote tracks their owners muted, and states that arrived before their track (a `track_state`
 * signal may overtake the media that announces the track).
 */
export class TrackStateBook {
  readonly #localMuted = new Set<string>();
  readonly #remoteMuted = new Set<string>();
  /** Owner-muted states received before the track itself. */
  readonly #pending = new Map<string, boolean>();

  setLocalMuted(trackId: string, muted: boolean): void {
    if (muted) this.#localMuted.add(trackId);
    else this.#localMuted.delete(trackId);
  }

  isLocalMuted(trackId: string): boolean {
    return this.#localMuted.has(trackId);
  }

  /** The track was unpublished. */
  forgetLocal(trackId: string): void {
    this.#localMuted.delete(trackId);
  }

  /**
   * An owner's `track_state` for `trackId`. `known`: the track was already announced here. Returns
   * whether to report the change now; otherwise it is kept until the track arrives (`takePending`).
   */
  remoteStateArrived(trackId: string, muted: boolean, known: boolean): boolean {
    if (muted) this.#remoteMuted.add(trackId);
    else this.#remoteMuted.delete(trackId);
    if (!known) this.#pending.set(trackId, muted);
    return known;
  }

  isRemoteMuted(trackId: string): boolean {
    return this.#remoteMuted.has(trackId);
  }

  /** The owner-muted state a new remote track starts with (one that arrived before it, else `fallback`). */
  takePending(trackId: string, fallback: boolean): boolean {
    const muted = this.#pending.get(trackId) ?? fallback;
    this.#pending.delete(trackId);
    return muted;
  }
}
