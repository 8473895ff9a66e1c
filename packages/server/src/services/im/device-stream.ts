/**
 * A device's ordered event stream. It outlives the device's sockets: events sent while the device is
 * away are kept (bounded) and, when the device comes back with `hello.resume`, sent again after the
 * last one it had — in order, once. Services address devices through it (it is their `ImConnection`).
 *
 *   attached ──socket closed──▶ detached ──resumed──▶ attached
 *                                  │
 *                                  └──ttl elapsed / closed──▶ ended (removed by the registry)
 *
 * An event sent with a `DeliveryReceipt` learns its fate: `acked` when the device acks it, `lost`
 * when the stream ends first or drops it from the kept window.
 */
import { randomUUID } from 'node:crypto';
import type { ServerEvent } from '@opencall/protocol';
import type { DeliveryReceipt, ImConnection } from './im-connection.js';

/** What a stream writes to: the socket of its current connection. */
export interface FrameSink {
  readonly id: string;
  sendText(text: string): void;
  /** Send `bye {code}` and close the socket. */
  close(code: number, message: string): void;
}

/**
 * JSON of events already encoded for another stream: a fan-out hands the same event object to every
 * recipient, so it is stringified once. Events are never mutated after they are sent.
 */
const encodedEvents = new WeakMap<ServerEvent, string>();

function encodeEvent(event: ServerEvent): string {
  let json = encodedEvents.get(event);
  if (json === undefined) {
    json = JSON.stringify(event);
    encodedEvents.set(event, json);
  }
  return json;
}

/** Events kept per device until acked; beyond it the oldest are dropped. */
export const MAX_UNACKED_EVENTS = 1000;

interface KeptEvent {
  seq: number;
  text: string;
  receipt: DeliveryReceipt | undefined;
}

/** A stream as it moves to another node: its id, its last number and the events not yet acked. */
export interface HandedStream {
  streamId: string;
  seq: number;
  /** Kept events after the device's last seen one, oldest first. */
  events: { seq: number; text: string }[];
}

export class DeviceStream implements ImConnection {
  /** Also the resume token: only the device that got it in `welcome` can resume. */
  readonly id: string;
  private seq = 0;
  private readonly unacked: KeptEvent[] = [];
  private sink: FrameSink | undefined;
  private ended = false;
  detachedAt = 0;

  /** @param handed the same stream as another node held it (cluster mode: the device moved here) */
  constructor(
    readonly appKey: string,
    readonly userId: string,
    readonly deviceId: string,
    public tokenIssuedAt: number,
    handed?: HandedStream,
  ) {
    this.id = handed?.streamId ?? randomUUID();
    if (handed) {
      this.seq = handed.seq;
      for (const { seq, text } of handed.events) this.unacked.push({ seq, text, receipt: undefined });
    }
  }

  /**
   * The device resumes on another node: the events it has not seen (after `lastSeq`), and the stream
   * ends here (receipts of the moved events are told `lost`: their records go out again if need be).
   */
  handOff(lastSeq: number): HandedStream {
    const events = this.unacked.filter((e) => e.seq > lastSeq).map(({ seq, text }) => ({ seq, text }));
    const handed = { streamId: this.id, seq: this.seq, events };
    this.end();
    return handed;
  }

  get attached(): boolean {
    return this.sink !== undefined;
  }

  /** The socket currently attached, if any. */
  get currentSink(): FrameSink | undefined {
    return this.sink;
  }

  sendEvent(event: ServerEvent, receipt?: DeliveryReceipt): void {
    if (this.ended) {
      receipt?.lost();
      return;
    }
    this.seq += 1;
    // The text encodeFrame({ t: 'evt', seq, evt: event }) gives, with the event encoded once per fan-out.
    const text = `{"t":"evt","seq":${this.seq},"evt":${encodeEvent(event)}}`;
    this.unacked.push({ seq: this.seq, text, receipt });
    if (this.unacked.length > MAX_UNACKED_EVENTS) this.unacked.shift()!.receipt?.lost();
    this.sink?.sendText(text);
  }

  /** The client has every event up to `seq`. */
  ack(seq: number): void {
    while (this.unacked.length > 0 && this.unacked[0]!.seq <= seq) this.unacked.shift()!.receipt?.acked();
  }

  /** Attach a socket; with `lastSeq` (a resume), first send again every kept event after it. */
  attach(sink: FrameSink, lastSeq?: number): void {
    this.sink = sink;
    this.detachedAt = 0;
    if (lastSeq === undefined) return;
    this.ack(lastSeq);
    for (const { text } of this.unacked) sink.sendText(text);
  }

  /** The socket went away; returns whether it was the attached one. */
  detach(sink: FrameSink, now: number): boolean {
    if (this.sink !== sink) return false;
    this.sink = undefined;
    this.detachedAt = now;
    return true;
  }

  /** Close the socket and end the stream (it is not resumed after this). */
  close(code: number, message: string): void {
    const sink = this.sink;
    this.sink = undefined;
    sink?.close(code, message);
    this.end();
  }

  /** The stream is gone for good: events still unacked are lost (their receipts say so); idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.sink = undefined;
    const kept = this.unacked.splice(0);
    for (const { receipt } of kept) receipt?.lost();
  }
}
