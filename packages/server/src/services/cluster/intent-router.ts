/**
 * Cluster mode: a device's request about a call goes to the node that owns the call. Requests for
 * calls this node owns (and new calls) are handled here; the others are forwarded over the node bus
 * to the lease holder and its answer comes back the same way; a call whose owner is dead is taken
 * over first. The owner addresses the requesting device through a `RemoteDevice` (its events go to
 * the node that holds the device's stream).
 */
import { randomUUID } from 'node:crypto';
import { type CallResyncReply, type CallResyncState, type ClientRequest, checkReply, ErrorCode, RCCallErrorCode } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { CallLeases, DeviceRef, IntentReply, NodeBus } from '../../ports/index.js';
import type { CallService, IntentResult } from '../call/call-service.js';
import type { ImConnection } from '../im/im-connection.js';
import { RemoteDevice } from '../im/remote-devices.js';
import type { CallTakeover } from './call-takeover.js';

/** How long a forwarded request waits for its owner's answer (then TIMEOUT: the SDK sends it again; a dead owner is found out within the liveness TTL). */
const FORWARD_TIMEOUT_MS = 1500;
/** How long a call's owner, once looked up, is trusted without asking Redis again (while that node is alive). */
const OWNER_CACHE_MS = 5000;
const OWNER_CACHE_MAX = 50_000;

export type Dispatch = (from: ImConnection, request: ClientRequest) => IntentResult | Promise<IntentResult>;

/** The call a request is about (undefined for requests not tied to one call). */
function callIdOf(request: ClientRequest): string | undefined {
  // Telemetry is stored by whichever node takes it (shared database), never forwarded.
  if ('callId' in request && request.t !== 'call.invite' && request.t !== 'call.telemetry') return request.callId;
  if ('roomId' in request) return request.roomId;
  return undefined;
}

export class IntentRouter {
  readonly #pending = new Map<string, { resolve: (reply: IntentReply) => void; timer: NodeJS.Timeout }>();
  /**
   * Owners of calls this node forwarded to lately: the lease lookup is one Redis round trip on every
   * forwarded request otherwise. Dropped when the owner stops answering for the call (it died, or
   * handed the call over): the next request looks the owner up again.
   */
  readonly #owners = new Map<string, { nodeId: string; at: number }>();

  constructor(
    private readonly calls: CallService,
    private readonly dispatch: Dispatch,
    private readonly bus: NodeBus,
    private readonly leases: CallLeases,
    private readonly takeover: CallTakeover,
    private readonly logger: Logger,
  ) {}

  /** A request from a device connected to this node. */
  route(from: ImConnection, request: ClientRequest): IntentResult | Promise<IntentResult> {
    if (request.t === 'call.resync') return this.resync(from, request.callIds);
    const callId = callIdOf(request);
    if (callId === undefined || this.calls.calls.get(from.appKey, callId)) return this.guard(() => this.dispatch(from, request));
    return this.guard(() => this.elsewhere(from, callId, request));
  }

  /** A request another node forwarded because this node holds the call's lease. */
  async executeForwarded(id: string, ref: DeviceRef, request: ClientRequest, fromNode: string): Promise<void> {
    const device = new RemoteDevice(this.bus, { ...ref, attached: true });
    const callId = callIdOf(request) ?? (request.t === 'call.resync' ? request.callIds[0] : undefined);
    let reply: IntentReply;
    // Not run here: perhaps left by this node's previous process (same node id) — take it; else the
    // device's node asks again and finds the new owner.
    if (
      callId !== undefined &&
      !this.calls.calls.get(ref.appKey, callId) &&
      !this.calls.endedHere(ref.appKey, callId) &&
      !(await this.takeover.adopt(ref.appKey, callId))
    ) {
      reply = { code: ErrorCode.TIMEOUT, message: 'the call is changing servers; try again' };
    } else {
      reply = await Promise.resolve(this.guard(() => this.dispatch(device, request)));
    }
    this.bus.send(fromNode, { t: 'reply', id, reply });
  }

  /** The answer to a request this node forwarded. */
  settle(id: string, reply: IntentReply): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    pending.resolve(reply);
  }

  private async elsewhere(from: ImConnection, callId: string, request: ClientRequest): Promise<IntentResult> {
    const key = `${from.appKey}\u0000${callId}`;
    const known = this.#owners.get(key);
    if (known && Date.now() - known.at < OWNER_CACHE_MS && this.bus.isAlive(known.nodeId))
      return this.forward(known.nodeId, from, request, key);
    const holder = await this.leases.holder(from.appKey, callId);
    if (holder && holder !== this.bus.nodeId) return this.forward(holder, from, request, key);
    // No live owner (or this node's id, from a previous process): take the call over, then answer here.
    if (!(await this.takeover.adopt(from.appKey, callId)) && !holder) {
      // Another node was faster: it holds the lease now.
      const winner = await this.leases.holder(from.appKey, callId);
      if (winner && winner !== this.bus.nodeId) return this.forward(winner, from, request, key);
    }
    return this.dispatch(from, request);
  }

  private forward(nodeId: string, from: ImConnection, request: ClientRequest, ownerKey: string): Promise<IntentResult> {
    const id = randomUUID();
    const ref: DeviceRef = {
      appKey: from.appKey,
      userId: from.userId,
      deviceId: from.deviceId,
      nodeId: this.bus.nodeId,
      tokenIssuedAt: from.tokenIssuedAt,
    };
    if (this.#owners.size >= OWNER_CACHE_MAX) this.#owners.clear();
    if (!this.#owners.has(ownerKey)) this.#owners.set(ownerKey, { nodeId, at: Date.now() });
    const reply = new Promise<IntentReply>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({ code: ErrorCode.TIMEOUT, message: 'the call owner did not answer in time' });
      }, FORWARD_TIMEOUT_MS);
      timer.unref();
      this.#pending.set(id, { resolve, timer });
      this.bus.send(nodeId, { t: 'intent', id, from: ref, request });
    });
    return reply.then((unchecked) => {
      // The owner did not answer, or no longer runs the call: ask Redis who does next time.
      if (unchecked.code === ErrorCode.TIMEOUT) this.#owners.delete(ownerKey);
      // Another node's answer crosses a boundary: its data is checked against the protocol's reply map.
      const { reply: result, problem } = checkReply(request.t, unchecked);
      if (problem !== undefined) this.logger.warn({ nodeId, problem }, 'cluster: dropped the data of a forwarded reply');
      return result;
    });
  }

  /** `call.resync` spans calls that different nodes may own: asked one call at a time. */
  private async resync(from: ImConnection, callIds: string[]): Promise<IntentResult> {
    const calls: CallResyncState[] = [];
    for (const callId of new Set(callIds)) {
      const single: ClientRequest = { t: 'call.resync', rid: 0, callIds: [callId] };
      const result = this.calls.calls.get(from.appKey, callId)
        ? await this.dispatch(from, single)
        : await this.guard(() => this.elsewhere(from, callId, single));
      const state = result.data !== undefined && 'calls' in result.data ? result.data.calls[0] : undefined;
      // An owner that cannot answer now: say nothing about the call (the SDK keeps it and asks again later).
      calls.push(state ?? { callId, live: true });
    }
    return { code: RCCallErrorCode.SUCCESS, data: { calls } satisfies CallResyncReply };
  }

  /** Cluster trouble (Redis away) is a clear answer, not an internal error. */
  private guard(work: () => IntentResult | Promise<IntentResult>): IntentResult | Promise<IntentResult> {
    const unavailable = (error: unknown): IntentResult => {
      this.logger.warn({ err: error }, 'cluster: request failed');
      return { code: RCCallErrorCode.CLUSTER_UNAVAILABLE, message: 'the servers cannot reach each other right now' };
    };
    try {
      const result = work();
      return result instanceof Promise ? result.catch(unavailable) : result;
    } catch (error) {
      return unavailable(error);
    }
  }
}
