/**
 * The engine's `EventEmitter` (`RCEngine.EventEmitter`): listeners bound to an optional `target`
 * (`this` inside the listener, and the key that `off` matches), one-shot listeners via `once`, and
 * an `emit` that never lets a throwing listener stop the others.
 */

/** Any function: listeners of different events take different arguments. */
type Listener = (...args: never) => void;

interface Registration {
  listener: Listener;
  target: unknown;
  once: boolean;
}

/** Called with the event and the error when a listener throws (default: `console.error`). */
export type ListenerErrorHandler = (eventType: string, error: unknown) => void;

const reportToConsole: ListenerErrorHandler = (eventType, error) => {
  console.error(`EventEmitter: listener of ${eventType} threw`, error);
};

export class EventEmitter<EventType extends string = string> {
  private readonly byType = new Map<EventType, Registration[]>();

  constructor(private readonly onListenerError: ListenerErrorHandler = reportToConsole) {}

  /** Adds `listener` for `eventType`; `target` becomes its `this`. Non-functions are ignored. */
  on(eventType: EventType, listener: Listener, target?: unknown): void {
    this.add(eventType, listener, target, false);
  }

  /** Like `on`, but the listener is removed before its first call. */
  once(eventType: EventType, listener: Listener, target?: unknown): void {
    this.add(eventType, listener, target, true);
  }

  /** Removes the first registration of `listener` (and, when given, `target`) for `eventType`. */
  off(eventType: EventType, listener: Listener, target?: unknown): void {
    const list = this.byType.get(eventType);
    if (list === undefined) return;
    const index = list.findIndex((r) => r.listener === listener && (target === undefined || r.target === target));
    if (index >= 0) list.splice(index, 1);
  }

  /** Removes every listener of `eventType`. */
  removeAll(eventType: EventType): void {
    this.byType.delete(eventType);
  }

  /** Removes every listener of every event. */
  clear(): void {
    this.byType.clear();
  }

  /** Calls the listeners of `eventType` in registration order with `args`. */
  emit(eventType: EventType, ...args: unknown[]): void {
    const list = this.byType.get(eventType);
    if (list === undefined) return;
    for (const registration of [...list]) {
      if (registration.once) {
        const index = list.indexOf(registration);
        if (index >= 0) list.splice(index, 1);
      }
      try {
        (registration.listener as (...a: unknown[]) => void).apply(registration.target, args);
      } catch (error) {
        this.onListenerError(eventType, error);
      }
    }
  }

  private add(eventType: EventType, listener: Listener, target: unknown, once: boolean): void {
    if (typeof listener !== 'function') return;
    const list = this.byType.get(eventType) ?? [];
    list.push({ listener, target, once });
    this.byType.set(eventType, list);
  }
}
