/** IMLib 5 `Events` and the listener registry behind `addEventListener` and friends. */
import type { ErrorCode } from '@opencall/protocol';
import type { PluginLogger } from './plugin-context.js';

/** IMLib 5 `Events` (string enum, same names and values). */
export enum Events {
  /** Connecting (first connect). */
  CONNECTING = 'CONNECTING',
  /** Connected (first connect or after a reconnect). */
  CONNECTED = 'CONNECTED',
  /** Disconnected for good; argument: the `ErrorCode` why (31011 when the app disconnected). */
  DISCONNECT = 'DISCONNECT',
  /** The connection dropped and is being re-established; argument: the `ErrorCode` why. */
  SUSPEND = 'SUSPEND',
  /** IM messages arrived; argument `{ messages }` (OpenCall carries no IM messages). */
  MESSAGES = 'MESSAGES',
  /** Offline messages have been pulled after a connect. */
  PULL_OFFLINE_MESSAGE_FINISHED = 'PULL_OFFLINE_MESSAGE_FINISHED',
}

/** Listener argument lists per event. */
export interface EventArgs {
  [Events.CONNECTING]: [];
  [Events.CONNECTED]: [];
  [Events.DISCONNECT]: [code: ErrorCode | number];
  [Events.SUSPEND]: [code: ErrorCode | number];
  [Events.MESSAGES]: [event: { messages: unknown[] }];
  [Events.PULL_OFFLINE_MESSAGE_FINISHED]: [];
}

export type EventListener<E extends Events> = (...args: EventArgs[E]) => void;

interface Registration {
  listener: (...args: never[]) => void;
  target: unknown;
  once: boolean;
}

/** IMLib's listener registry: listeners bound to an optional `target`, one-shot listeners, safe emit. */
export class EventRegistry {
  private readonly byType = new Map<string, Registration[]>();

  constructor(private readonly logger: Pick<PluginLogger, 'error'>) {}

  add<E extends Events>(type: E, listener: EventListener<E>, target?: unknown, once = false): void {
    if (typeof listener !== 'function') return;
    const list = this.byType.get(type) ?? [];
    list.push({ listener: listener as (...args: never[]) => void, target, once });
    this.byType.set(type, list);
  }

  remove<E extends Events>(type: E, listener: EventListener<E>, target?: unknown): void {
    const list = this.byType.get(type);
    if (list === undefined) return;
    const index = list.findIndex((r) => r.listener === listener && (target === undefined || r.target === target));
    if (index >= 0) list.splice(index, 1);
  }

  removeAll(type: Events): void {
    this.byType.delete(type);
  }

  clear(): void {
    this.byType.clear();
  }

  emit<E extends Events>(type: E, ...args: EventArgs[E]): void {
    const list = this.byType.get(type);
    if (list === undefined) return;
    for (const registration of [...list]) {
      if (registration.once) {
        const index = list.indexOf(registration);
        if (index >= 0) list.splice(index, 1);
      }
      try {
        (registration.listener as (...a: EventArgs[E]) => void).apply(registration.target, args);
      } catch (err) {
        this.logger.error(`listener of ${type} threw`, err);
      }
    }
  }
}
