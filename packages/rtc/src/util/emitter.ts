/**
 * A small typed event emitter (the engine `EventEmitter` shape: `on`, `once`, `off`, `emit`,
 * `removeAll`, `clear`). A throwing listener is caught and logged; it never stops the others.
 */
// biome-ignore lint/suspicious/noExplicitAny: listener argument tuples are checked per event map
export type EventMap = Record<string, any[]>;
type Listener<A extends unknown[]> = (...args: A) => void;

export type ListenerErrorHandler = (event: string, error: unknown) => void;

const defaultErrorHandler: ListenerErrorHandler = (event, error) => {
  console.error(`[RCRTC] listener of "${event}" threw`, error);
};

export class EventEmitter<Events extends EventMap = EventMap> {
  readonly #listeners = new Map<keyof Events, Set<Listener<Events[keyof Events]>>>();
  #onListenerError: ListenerErrorHandler = defaultErrorHandler;

  /** Replaces how listener exceptions are reported (default: `console.error`). */
  protected setListenerErrorHandler(handler: ListenerErrorHandler): void {
    this.#onListenerError = handler;
  }

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as unknown as Listener<Events[keyof Events]>);
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    const wrapper: Listener<Events[K]> = (...args) => {
      this.off(event, wrapper);
      listener(...args);
    };
    this.on(event, wrapper);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as unknown as Listener<Events[keyof Events]>);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as Listener<Events[K]>)(...args);
      } catch (error) {
        this.#onListenerError(String(event), error);
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

/** Calls `fn` and logs instead of throwing: for app callbacks (room listeners). */
export function callSafely(label: string, log: (message: string, error: unknown) => void, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    log(`app listener ${label} threw`, error);
  }
}
