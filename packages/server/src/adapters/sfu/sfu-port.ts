/**
 * The SFU port: what the call media relay needs from a selective forwarding unit. Browsers never
 * talk to the SFU; the server relays SDP and trickle candidates (docs/architecture.md, "Media").
 *
 * Ownership: the `Sfu` owns its rooms. `SfuRoom.destroy()` is the room's close; when the SFU
 * instance behind a room dies, the `Sfu` emits `sfuLost` with the refs of every room it held
 * (those rooms are gone, their calls must end with NETWORK_ERROR) and the rooms emit `closed`.
 *
 * Hand-over (cluster mode): a room whose SFU outlives this process has a `state()` (stored with the
 * call); another process `resumeRoom`s it from that state and drives it on — the media never stops.
 * `release()` lets go of a room here without destroying it.
 */
import type { SafeEmitter } from '@opencall/protocol';

/** Identifies a room: one per call. */
export interface SfuRoomRef {
  readonly appKey: string;
  readonly callId: string;
}

/** An ICE candidate as the browser reports it (already validated). `null` = end of candidates. */
export interface SfuCandidate {
  candidate: string;
  sdpMid?: string | null | undefined;
  sdpMLineIndex?: number | null | undefined;
}

export type SfuRoomEvents = {
  /** `userId`'s published media is up: others may subscribe to it now. */
  feed: [userId: string];
  /** `userId` stopped publishing (left or unpublished). */
  feedGone: [userId: string];
  /** A candidate from the SFU for `userId`'s publisher connection (`feedUserId` undefined) or its subscription to `feedUserId`. */
  trickle: [userId: string, feedUserId: string | undefined, candidate: SfuCandidate | null];
  /** A subscription to `feedUserId` came up: that publisher should send a key frame now. */
  keyFrameWanted: [feedUserId: string];
  /** The room's state changed (connections added or dropped): store `state()` again. */
  changed: [];
  /** The room is gone from this process (destroyed, released, or its SFU died). */
  closed: [];
};

/**
 * What another process needs to take a room over: JSON-safe, stored with the call. `sfu` names the
 * adapter; `data` is the adapter's own (validated by it when resuming, like any input).
 */
export interface SfuRoomState {
  sfu: string;
  data: Record<string, unknown>;
}

export interface SfuRoom extends Pick<SafeEmitter<SfuRoomEvents>, 'on' | 'off'> {
  readonly ref: SfuRoomRef;
  /** Users whose feed is up. */
  feeds(): string[];
  /** Publishes `userId`'s offer; resolves with the SFU's answer SDP. `fresh`: drop the old publisher connection first. */
  publish(userId: string, offerSdp: string, fresh?: boolean): Promise<string>;
  /** Starts `userId`'s subscription to `feedUserId`; resolves with the SFU's offer SDP. */
  subscribe(userId: string, feedUserId: string): Promise<string>;
  /** Completes a subscription with the browser's answer. */
  start(userId: string, feedUserId: string, answerSdp: string): Promise<void>;
  /** Forwards a browser candidate to the publisher (`feedUserId` undefined) or subscriber connection. */
  trickle(userId: string, feedUserId: string | undefined, candidate: SfuCandidate | null): Promise<void>;
  /** Drops every connection of `userId`. */
  leave(userId: string): Promise<void>;
  /** Destroys the room on the SFU. Idempotent. */
  destroy(): Promise<void>;
  /** How another process takes this room over; undefined when the room cannot outlive this process (a local SFU). */
  state(): SfuRoomState | undefined;
  /** Lets go of the room here without destroying it (its new owner drives it). Idempotent. */
  release(): void;
}

export type SfuEvents = {
  /** An SFU instance died: these rooms are gone and their calls must end (NETWORK_ERROR). */
  sfuLost: [rooms: SfuRoomRef[]];
};

export interface RoomOptions {
  /** Publishers limit of the room. */
  maxPublishers: number;
}

export interface Sfu extends Pick<SafeEmitter<SfuEvents>, 'on' | 'off'> {
  /** `off`: no SFU; `local`: a supervised local Janus; `remote`: configured Janus URLs. */
  readonly mode: 'off' | 'local' | 'remote';
  /** Whether a room can be opened now. */
  available(): boolean;
  openRoom(ref: SfuRoomRef, options: RoomOptions): Promise<SfuRoom>;
  /** Takes over a room another process drove (from its `state()`); rejects if the SFU no longer has it. */
  resumeRoom(ref: SfuRoomRef, state: SfuRoomState): Promise<SfuRoom>;
  close(): Promise<void>;
}

/** No SFU: group calls use the P2P mesh. */
export class NoSfu implements Sfu {
  readonly mode = 'off' as const;
  available(): boolean {
    return false;
  }
  openRoom(): Promise<SfuRoom> {
    return Promise.reject(new Error('no SFU configured'));
  }
  resumeRoom(): Promise<SfuRoom> {
    return Promise.reject(new Error('no SFU configured'));
  }
  on(): () => void {
    return () => {};
  }
  off(): void {}
  async close(): Promise<void> {}
}
