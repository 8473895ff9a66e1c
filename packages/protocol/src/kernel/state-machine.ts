/**
 * The one state-machine kernel every package uses: a machine is its table of legal edges,
 * `table[from][event]`, and a missing entry is an illegal move. Each machine module defines its
 * table with `defineMachine` and moves only through `next`, so an illegal move always throws the
 * same `IllegalTransitionError` with the same message shape: `<machine>: illegal transition
 * <from> → ? (<event>)`.
 *
 * An edge is usually the next state; a machine may also carry more per edge (the link-recovery
 * machine names an action with each target), in which case `targetOf` says which state it leads to.
 */

/** `table[from][event]` = the edge taken; a missing entry is an illegal move. */
export type TransitionTable<S extends PropertyKey, E extends string, Edge = S> = Readonly<Record<S, Readonly<Partial<Record<E, Edge>>>>>;

/** An illegal move was attempted: a bug in the caller, never a network condition. */
export class IllegalTransitionError extends Error {
  constructor(
    /** The machine's name, as given to `defineMachine`. */
    readonly machine: string,
    /** The state (as labelled) the move started from. */
    readonly from: string,
    readonly event: string,
  ) {
    super(`${machine}: illegal transition ${from} → ? (${event})`);
    this.name = 'IllegalTransitionError';
  }
}

export interface MachineOptions<S extends PropertyKey, Edge> {
  /** How a state is shown in errors and diagrams (default `String(state)`; numeric enums pass their names). */
  label?: (state: S) => string;
  /** The state an edge leads to (default: the edge is the state). */
  targetOf?: (edge: Edge) => S;
}

export interface Machine<S extends PropertyKey, E extends string, Edge = S> {
  readonly name: string;
  readonly table: TransitionTable<S, E, Edge>;
  /** The edge `event` takes from `from`; throws `IllegalTransitionError` when there is none. */
  next(from: S, event: E): Edge;
  /** Whether `event` is legal in `from`. */
  can(from: S, event: E): boolean;
  /** The state an edge leads to. */
  targetOf(edge: Edge): S;
  /** A state as shown in errors and diagrams. */
  label(state: S): string;
}

export function defineMachine<S extends PropertyKey, E extends string, Edge = S>(
  name: string,
  table: TransitionTable<S, E, Edge>,
  options: MachineOptions<S, Edge> = {},
): Machine<S, E, Edge> {
  const label = options.label ?? ((state: S) => String(state));
  const targetOf = options.targetOf ?? ((edge: Edge) => edge as unknown as S);
  return {
    name,
    table,
    next(from, event) {
      const edge = table[from][event];
      if (edge === undefined) throw new IllegalTransitionError(name, label(from), event);
      return edge as Edge;
    },
    can: (from, event) => table[from][event] !== undefined,
    targetOf,
    label,
  };
}

/**
 * `allOf<U>()([...])` returns the list unchanged and compiles only when it names every member of
 * the union `U` — so a test's list of states or events cannot silently miss one added later.
 */
export function allOf<U>() {
  return <const L extends readonly U[]>(list: L & ([U] extends [L[number]] ? unknown : { missing: Exclude<U, L[number]> })): L => list;
}
