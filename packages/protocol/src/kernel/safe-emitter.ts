/**
 * The one typed event emitter every package uses (`on`, `once`, `off`, `emit`, `removeAll`,
 * `clear`). A throwing listener never stops the others nor reaches the emitter's owner: its error
 * goes to the owner's `ListenerErrorHandler`, which by default writes it to the console — never
 * silently dropped.
 */

// biome-ignore lint/suspicious/noExplicitAny: listener argument tuples are checked per event map
export type EventMap = Record<string, any[]>;
export type Listener<A extends unknown[]> = (...args: A) => void;
/** Told about every listener that threw: the event's name and what was thrown. */
export type ListenerErrorHandler = (event: string, error: unknown) => void;
// biome-ignore lint/suspicious/noExplicitAny: listeners of every event share one store
type AnyListener = (...args: any[]) => void;

/** A handler that writes listener errors to `console.error`, prefixed with the owner's name. */
export function consoleListenerErrors(owner: string): ListenerErrorHandler {
  return (event, error) => console.error(`[${owner}] listener of "${event}" threw`, error);
}

export class SafeEmitter<Events extends EventMap = EventMap> {
  readonly #listeners = new Map<keyof Events, Set<AnyListener>>();
  #onListenerError: ListenerErrorHandler;

  /** @param onListenerError where listener errors go (default: `console.error`) */
  constructor(onListenerError: ListenerErrorHandler = consoleListenerErrors('OpenCall')) {
    this.#onListenerError = onListenerError;
  }

  /** Replaces where listener errors go (for owners that know their logger only after `super()`). */
  protected setListenerErrorHandler(handler: ListenerErrorHandler): void {
    this.#onListenerError = handler;
  }

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return () => this.off(event, listener);
  }

  /** Subscribes for the next emit only; returns the unsubscribe function. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const wrapper: Listener<Events[K]> = (...args) => {
      this.off(event, wrapper);
      listener(...args);
    };
    return this.on(event, wrapper);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as AnyListener);
  }

  /** Calls every listener of `event` in subscription order; a throwing one is reported and skipped. */
  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        try {
          this.#onListenerError(String(event), error);
        } catch {
          // A throwing error handler must not break the emit either.
        }
      }
    }
  }

  /** Removes every listener of one event. */
  removeAll<K extends keyof Events>(event: K): void {
    this.#listeners.delete(event);
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
