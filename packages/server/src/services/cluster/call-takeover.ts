/**
 * Cluster mode: calls whose node died are taken over by a live node. Every node sweeps the journal
 * for calls owned by nodes it does not see alive (and confirms the death with Redis), and an intent
 * for a call with no live owner takes it over on the spot. A takeover is two compare-and-sets: the
 * Redis lease (only if the holder's liveness key is gone) and the call's row in Postgres (the fencing
 * epoch + 1). The winner rebuilds the call from its snapshot and carries it on: ring timers re-armed
 * at their journaled deadlines, the reconnect grace for devices that were on the dead node, and the
 * claim of its SFU room when that room outlives its node (a shared remote Janus). A call whose room
 * died with its node (its local Janus), or cannot be claimed, is ended (NETWORK_ERROR, in `carryOn`).
 */
import type { Logger } from 'pino';
import type { ActiveCallSnapshot, CallLeases, Storage } from '../../ports/index.js';
import type { Call } from '../call/call.js';
import { CallSnapshotError, callFromSnapshot } from '../call/call-snapshot.js';

export interface TakeoverNode {
  readonly nodeId: string;
  aliveNodes(): string[];
  confirmAlive(nodeId: string): Promise<boolean>;
}

export interface TakeoverTarget {
  /** Carry a taken-over call on (call service: its SFU room is claimed there, or the call ended if the room is gone). */
  carryOn(call: Call): void;
  /** Whether this process already runs the call. */
  hasCall(appKey: string, callId: string): boolean;
  /** Whether the call ended in this process lately (its row can still be in the journal for a moment). */
  endedHere(appKey: string, callId: string): boolean;
}

/** How often the journal is swept for orphaned calls. */
export const SWEEP_PERIOD_MS = 500;
const SWEEP_BATCH = 100;

export class CallTakeover {
  readonly #inFlight = new Map<string, Promise<boolean>>();
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;

  constructor(
    private readonly storage: Storage,
    private readonly node: TakeoverNode,
    private readonly leases: CallLeases,
    private readonly target: TakeoverTarget,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), SWEEP_PERIOD_MS);
    this.#timer.unref();
    void this.adoptOwnLeftovers();
  }

  /**
   * This node restarted with the same `OPENCALL_NODE_ID`: the calls its previous process owned look
   * owned by a live node to everyone else, so this process takes them over itself, at once.
   */
  async adoptOwnLeftovers(): Promise<number> {
    let taken = 0;
    try {
      for (const row of await this.storage.activeCalls.all()) {
        if (row.ownerNode === this.node.nodeId && !this.target.hasCall(row.appKey, row.callId) && (await this.adoptRow(row))) taken += 1;
      }
    } catch (error) {
      this.logger.warn({ err: error }, "cluster: calls of this node's previous process not taken over");
    }
    return taken;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One pass: take over what dead nodes left. Returns how many calls this node took. */
  async sweep(): Promise<number> {
    if (this.#sweeping) return 0;
    this.#sweeping = true;
    try {
      let taken = 0;
      for (const row of await this.storage.activeCalls.orphaned(this.node.aliveNodes(), SWEEP_BATCH)) {
        if (row.ownerNode !== '' && (await this.node.confirmAlive(row.ownerNode))) continue;
        if (await this.adoptRow(row)) taken += 1;
      }
      return taken;
    } catch (error) {
      this.logger.debug({ err: error }, 'cluster: takeover sweep failed');
      return 0;
    } finally {
      this.#sweeping = false;
    }
  }

  /** An intent arrived for a call no live node holds: take it over now. True if this node owns it after. */
  async adopt(appKey: string, callId: string): Promise<boolean> {
    const row = await this.storage.activeCalls.get(appKey, callId);
    if (!row) return false;
    if (this.target.hasCall(appKey, callId)) return this.leases.holds(appKey, callId);
    // Owned by this node's id but not run here: left by this node's previous process.
    if (row.ownerNode === this.node.nodeId) return this.adoptRow(row);
    if (row.ownerNode !== '' && (await this.node.confirmAlive(row.ownerNode))) return false;
    return this.adoptRow(row);
  }

  adoptRow(row: ActiveCallSnapshot): Promise<boolean> {
    // A request that arrives just after the hang-up would bring the call back to life (and bump its
    // fencing epoch, so the ended call's record could no longer be written).
    if (this.target.endedHere(row.appKey, row.callId)) return Promise.resolve(false);
    const key = `${row.appKey}\u0000${row.callId}`;
    let running = this.#inFlight.get(key);
    if (!running) {
      running = this.#take(row).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, running);
    }
    return running;
  }

  async #take(row: ActiveCallSnapshot): Promise<boolean> {
    const { appKey, callId, ownerEpoch } = row;
    const lease = await this.leases.takeOver(appKey, callId, ownerEpoch, row.ownerNode);
    if (!lease) return false;
    const claimed = await this.storage.activeCalls.claim(appKey, callId, this.node.nodeId, ownerEpoch);
    if (!claimed) {
      this.leases.release(appKey, callId);
      return false;
    }
    let call: Call;
    try {
      ({ call } = callFromSnapshot(claimed.snapshot));
    } catch (error) {
      if (!(error instanceof CallSnapshotError)) throw error;
      // A snapshot this server cannot read (a newer version, or damaged): dropped, as start-up recovery does.
      this.logger.error({ err: error, callId, reason: error.reason }, 'cluster: could not take over a call');
      await this.storage.activeCalls.remove(appKey, callId, claimed.ownerEpoch);
      this.leases.release(appKey, callId);
      return false;
    }
    call.ownerEpoch = claimed.ownerEpoch;
    this.target.carryOn(call);
    this.logger.warn({ callId, from: row.ownerNode || '(embedded)', epoch: claimed.ownerEpoch }, 'cluster: took over a call');
    return true;
  }
}
