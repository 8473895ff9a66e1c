/** A small typed event emitter whose listener exceptions are caught and logged, never propagated. */
import type { PluginLogger } from './plugin-context.js';

type EventMap = Record<string, unknown[]>;
type ListenerSets<M extends EventMap> = { [K in keyof M]?: Set<(...args: M[K]) => void> };

export class SafeEmitter<M extends EventMap> {
  private readonly listeners: ListenerSets<M> = {};

  constructor(
    private readonly logger: Pick<PluginLogger, 'error'>,
    private readonly name: string,
  ) {}

  /** Subscribe; returns the unsubscribe function. */
  on<K extends keyof M>(event: K, listener: (...args: M[K]) => void): () => void {
    const set = this.listeners[event] ?? new Set<(...args: M[K]) => void>();
    this.listeners[event] = set;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Call every listener of `event` in subscription order; a throwing listener is logged and skipped. */
  emit<K extends keyof M>(event: K, ...args: M[K]): void {
    const set = this.listeners[event];
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (err) {
        this.logger.error(`${this.name}: listener of ${String(event)} threw`, err);
      }
    }
  }
}
