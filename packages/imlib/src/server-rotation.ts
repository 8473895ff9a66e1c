/**
 * Which server the IM connection tries next, over the `navigators` list (pure logic).
 *
 * A *round* tries every server once, back to back; the backoff delay applies only between rounds.
 * - `connect`: a new connect starts at the server that answered last (the first one before any).
 * - `failed`: an attempt got no `welcome` (socket error, timeout, non-fatal refusal): go on to the
 *   next server at once, unless that closes the round (every server failed): then `wait`.
 * - `dropped`: an established connection died; its server is likely the one that is gone, so a new
 *   round starts at the next server, after a backoff delay like any round (jitter spreads the
 *   devices of a dead node).
 * - `welcome`: the server answered; remember it.
 *
 * With one server every round is one attempt: each retry waits its backoff delay, as before.
 */

export type RotationEvent = 'connect' | 'welcome' | 'failed' | 'dropped';

export interface RotationState {
  /** The server being tried (or connected to): an index into the list. */
  readonly index: number;
  /** Where the current round started: coming back to it means every server failed once. */
  readonly roundStart: number;
  /** The server that answered last (0 before any). */
  readonly answered: number;
}

export interface RotationStep {
  readonly state: RotationState;
  /** True when the caller must wait a backoff delay (or give up) before trying `state.index`. */
  readonly wait: boolean;
}

export const INITIAL_ROTATION: RotationState = { index: 0, roundStart: 0, answered: 0 };

/** The rotation after `event`, over a list of `count` (≥ 1) servers. */
export function rotate(state: RotationState, event: RotationEvent, count: number): RotationStep {
  const next = (state.index + 1) % count;
  switch (event) {
    case 'connect':
      return { state: { index: state.answered, roundStart: state.answered, answered: state.answered }, wait: false };
    case 'welcome':
      return { state: { index: state.index, roundStart: state.index, answered: state.index }, wait: false };
    case 'failed': {
      const roundOver = next === state.roundStart;
      return { state: { ...state, index: next }, wait: roundOver };
    }
    case 'dropped':
      return { state: { ...state, index: next, roundStart: next }, wait: true };
  }
}
