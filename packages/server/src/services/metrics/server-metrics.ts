/**
 * The `/metrics` registry of one server (prom-client, its own registry so several servers can run in
 * one process): Node.js and process metrics (prom-client defaults: CPU, memory, handles, GC, event-loop
 * lag), live figures read at scrape time (connections, calls in flight, Janus health, refused
 * authentications) and the call metrics fed by the call service ({@link CallMetrics}).
 */
import type { Logger } from 'pino';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { SecurityCounters } from '../security/security-counters.js';
import { CallMetrics } from './call-metrics.js';

/** What the live figures are read from (at each scrape). */
export interface LiveFigures {
  /** Device WebSockets attached to this node. */
  connections(): number;
  /** Calls in flight on this node. */
  activeCalls(): number;
  /** The SFU: its mode and whether a room can be opened now (a local Janus is up, or remote URLs are set). */
  sfu: { readonly mode: 'off' | 'local' | 'remote'; available(): boolean };
  /** The local Janus supervisor (local mode), for restarts. */
  janusSupervisor?: { on(event: 'down', listener: (reason: string) => void): unknown };
  security: SecurityCounters;
  /** Frames the device WebSockets received (by type) and sent. */
  frames?: { receivedByType(): ReadonlyMap<string, number>; sentTotal(): number };
}

export interface ServerMetrics {
  registry: Registry;
  /** Feed for the call service (`CallServiceOptions.lifecycle`). */
  calls: CallMetrics;
}

export function createServerMetrics(live: LiveFigures, logger: Pick<Logger, 'warn'>): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  new Gauge({
    name: 'opencall_connections',
    help: 'Device WebSockets attached to this node',
    registers,
    collect() {
      this.set(live.connections());
    },
  });
  const frames = live.frames;
  if (frames) {
    new Counter({
      name: 'opencall_ws_frames_received_total',
      help: 'Frames the device WebSockets of this node received, by frame type (t)',
      labelNames: ['type'],
      registers,
      collect() {
        this.reset();
        for (const [type, count] of frames.receivedByType()) this.inc({ type }, count);
      },
    });
    new Counter({
      name: 'opencall_ws_frames_sent_total',
      help: 'Frames this node wrote to device WebSockets (answers, events, pongs)',
      registers,
      collect() {
        this.reset();
        this.inc(frames.sentTotal());
      },
    });
  }
  new Gauge({
    name: 'opencall_active_calls',
    help: 'Calls in flight on this node',
    registers,
    collect() {
      this.set(live.activeCalls());
    },
  });
  new Gauge({
    name: 'opencall_janus_up',
    help: 'Whether the SFU can open a room now (1) or not (0), by SFU mode (off = no SFU: group calls use a P2P mesh)',
    labelNames: ['mode'],
    registers,
    collect() {
      this.reset();
      this.set({ mode: live.sfu.mode }, live.sfu.available() ? 1 : 0);
    },
  });
  const janusRestarts = new Counter({
    name: 'opencall_janus_down_total',
    help: 'Times the supervised local Janus died or stopped answering (it is then restarted)',
    registers,
  });
  live.janusSupervisor?.on('down', () => janusRestarts.inc());
  new Counter({
    name: 'opencall_security_events_total',
    help: 'Refused authentication attempts since start, by event (api_signature_refused, ws_hello_refused) and reason',
    labelNames: ['event', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const { event, reason, count } of live.security.snapshot()) this.inc({ event, reason }, count);
    },
  });
  return { registry, calls: new CallMetrics(registry, logger) };
}
