/** A state machine's legal edges as data, and the one place that checks a move. */

export class IllegalTransitionError<S extends string, E extends string> extends Error {
  constructor(
    readonly machine: string,
    readonly from: S,
    readonly event: E,
  ) {
    super(`${machine}: illegal transition from ${from} (${event})`);
    this.name = 'IllegalTransitionError';
  }
}

/** `table[from][event] = to`; a missing entry is an illegal move. */
export type TransitionTable<S extends string, E extends string> = Readonly<Record<S, Readonly<Partial<Record<E, S>>>>>;

export function nextState<S extends string, E extends string>(machine: string, table: TransitionTable<S, E>, from: S, event: E): S {
  const to = table[from][event];
  if (to === undefined) throw new IllegalTransitionError(machine, from, event);
  return to;
}
