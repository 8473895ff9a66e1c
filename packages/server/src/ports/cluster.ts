/**
 * The seams between one node's services and the rest of the cluster. The embedded default (one
 * process) implements them in memory (adapters/cluster/embedded.ts); cluster mode with Redis
 * (adapters/cluster/redis/*) — Postgres stays the ledger, Redis is the doorbell:
 *
 * - `NodeBus`: ordered messages from this node to another one (and to all); presence (which node
 *   hosts each device's event stream) travels on it and is replicated on every node, so the call
 *   service asks synchronously; events for a device on another node travel over it too.
 * - `CallLeases`: who applies a call's transitions. A lease carries a fencing epoch; the journal's
 *   writes are compare-and-set on that epoch, so a node that lost its lease (paused, partitioned)
 *   cannot overwrite the call.
 * - `UserCallIndex`: every user's calls in flight, wherever they are owned (busy and glare checks).
 */
import type { ClientRequest, ServerEvent } from '@opencall/protocol';

/** A device's event stream, as other nodes see it. */
export interface DeviceLocation {
  appKey: string;
  userId: string;
  deviceId: string;
  /** The node whose process holds the stream. */
  nodeId: string;
  /** A socket is attached (else the stream waits for a resume). */
  attached: boolean;
  tokenIssuedAt: number;
}

/** A device making a request on one node about a call owned by another. */
export interface DeviceRef {
  appKey: string;
  userId: string;
  deviceId: string;
  nodeId: string;
  tokenIssuedAt: number;
}

/** What an intent answers (the `res` frame's fields). */
export interface IntentReply {
  code: number;
  message?: string;
  data?: unknown;
}

/** Messages between nodes. */
export type NodeMessage =
  /** An event for a device whose stream this node holds. */
  | { t: 'deliver'; appKey: string; userId: string; deviceId?: string; event: ServerEvent }
  /** Close these users' device streams (ban; token revocation when `before` is set: tokens issued before it). */
  | { t: 'close_devices'; appKey: string; userIds: string[]; before?: number; code: number; message: string }
  /** Close one device's stream (the same device connected on another node). */
  | { t: 'close_device'; appKey: string; userId: string; deviceId: string; code: number; message: string }
  /** A device's request for a call this node owns. */
  | { t: 'intent'; id: string; from: DeviceRef; request: ClientRequest }
  /** The answer to a forwarded intent. */
  | { t: 'reply'; id: string; reply: IntentReply }
  /** Presence changed on the sender (replicated to every node); `fresh`: a new stream, not a resume. */
  | { t: 'presence'; location: DeviceLocation; gone: boolean; fresh?: boolean }
  /** A node asks every other for its presence (after it starts, or Redis came back). */
  | { t: 'presence_sync' }
  /** Every device stream the sender holds (the answer to `presence_sync`): replaces what was known of it. */
  | { t: 'presence_all'; locations: DeviceLocation[] }
  /** A device resumes its stream on the sender: hand the stream over (its unseen events). */
  | { t: 'stream_claim'; id: string; appKey: string; userId: string; deviceId: string; streamId: string; lastSeq: number }
  /** The answer: the stream, or nothing (not here any more). */
  | { t: 'stream_handed'; id: string; stream?: { streamId: string; seq: number; events: { seq: number; text: string }[] } }
  /** A command for the owner of a call (from another node's rule, e.g. stop ringing elsewhere). */
  | { t: 'call_command'; appKey: string; callId: string; command: CallCommand }
  /** Users were banned, or blacklisted someone: every owner applies it to its calls. */
  | { t: 'users_banned'; appKey: string; userIds: string[] }
  | { t: 'blacklist_added'; appKey: string; ownerId: string; blockedIds: string[] }
  /** Server API: kick users from a media room, or destroy it (the call's owner applies it). */
  | { t: 'rtc_kick'; appKey: string; roomId: string; userIds: string[] }
  | { t: 'rtc_destroy'; appKey: string; roomId: string }
  /** An app was changed by its administrator: drop cached lookups; `disabled`: close its devices, end its calls. */
  | { t: 'app_changed'; appKey: string; disabled?: boolean }
  /** The sender changed a store whose reads nodes cache (apps, blacklists, bans, RTC bans): drop the cache. */
  | { t: 'storage_changed'; store: 'apps' | 'blacklists' | 'bans' | 'rtcBans' };

/** What one node may ask the owner of a call to do. */
export type CallCommand =
  | { op: 'stop_ringing'; userId: string }
  /** A service worker declined the call from `deviceId` (Web Push): the owner rejects for the user if it still rings them. */
  | { op: 'decline'; userId: string; deviceId: string };

export interface NodeBus {
  readonly nodeId: string;
  /** Send to one node; messages from this node to that one arrive in order. */
  send(nodeId: string, message: NodeMessage): void;
  /** Send to every other node. */
  broadcast(message: NodeMessage): void;
  onMessage(listener: (message: NodeMessage, fromNodeId: string) => void): void;
  /** Whether a node is alive (its liveness key is fresh). */
  isAlive(nodeId: string): boolean;
  /** The bus can reach the other nodes now (false while Redis is down). */
  healthy(): boolean;
  close(): Promise<void>;
}

/** Calls a user takes part in, cluster-wide. */
export interface UserCallEntry {
  callId: string;
  /** The user's participant state in the call. */
  state: 'waiting' | 'keeping';
  isCaller: boolean;
  callerId: string;
  /** 1:1 callee or group id. */
  targetId: string;
  conversationType: number;
  /** The user's chosen device, if any. */
  deviceId?: string;
}

export interface UserCallIndex {
  /** The user's calls in flight, other than those this node owns (the call service knows those). */
  elsewhere(appKey: string, userId: string, ownCallIds: ReadonlySet<string>): Promise<UserCallEntry[]>;
  put(appKey: string, userId: string, entry: UserCallEntry): void;
  remove(appKey: string, userId: string, callId: string): void;
}

/** A held lease: the fencing epoch to write with. */
export interface Lease {
  epoch: number;
}

export interface CallLeases {
  /** Take the lease of a new call (epoch 1); undefined if the id is taken. */
  acquireNew(appKey: string, callId: string): Promise<Lease | undefined>;
  /**
   * Take over a call whose holder (`previousOwner`) is gone: the new epoch is `previousEpoch + 1`.
   * Undefined if another node was faster or the holder is alive after all.
   */
  takeOver(appKey: string, callId: string, previousEpoch: number, previousOwner: string): Promise<Lease | undefined>;
  /** The node holding the call's lease now, if any. */
  holder(appKey: string, callId: string): Promise<string | undefined>;
  /** Synchronously: this node's lease on the call was renewed recently enough to act on it. */
  holds(appKey: string, callId: string): boolean;
  /** The call ended (or was handed over): let the lease go. */
  release(appKey: string, callId: string): void;
  /** Called with the calls this node found it no longer holds (renewal failed or someone else holds them). */
  onLost(listener: (calls: { appKey: string; callId: string }[]) => void): void;
  close(): void;
}
