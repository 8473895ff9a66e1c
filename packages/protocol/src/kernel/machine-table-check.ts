/**
 * Checks a machine against a list of expected legal edges written out by hand (a test's source of
 * truth): every (state, event) pair is tried, so an edge missing from the table, an edge the table
 * has but the list does not (a missing illegal edge), a wrong target and a wrong error all show up.
 * Pure; tests assert that it returns no mismatch.
 */
import { IllegalTransitionError, type Machine } from './state-machine.js';

export type ExpectedEdge<S, E, Edge> = readonly [from: S, event: E, edge: Edge];

/** Every disagreement between `machine` and `expected`, as readable lines (empty when they agree). */
export function machineMismatches<S extends PropertyKey, E extends string, Edge>(
  machine: Machine<S, E, Edge>,
  states: readonly S[],
  events: readonly E[],
  expected: readonly ExpectedEdge<S, E, Edge>[],
): string[] {
  const mismatches: string[] = [];
  const key = (from: S, event: E) => `${machine.label(from)} --${event}-->`;
  const wanted = new Map(expected.map(([from, event, edge]) => [key(from, event), edge]));
  if (wanted.size !== expected.length) mismatches.push('the expected list names a (state, event) pair twice');
  for (const [from] of expected) if (!states.includes(from)) mismatches.push(`expected edge from unknown state ${machine.label(from)}`);
  for (const [, event] of expected) if (!events.includes(event)) mismatches.push(`expected edge on unknown event ${event}`);
  const tableStates = Object.keys(machine.table).length;
  if (tableStates !== states.length) mismatches.push(`the table has ${tableStates} states, the list ${states.length}`);
  for (const from of states) {
    for (const event of events) {
      const name = key(from, event);
      const edge = wanted.get(name);
      let actual: Edge | undefined;
      let thrown: unknown;
      try {
        actual = machine.next(from, event);
      } catch (error) {
        thrown = error;
      }
      if (edge === undefined) {
        if (thrown === undefined) mismatches.push(`${name} should be illegal but leads to ${JSON.stringify(actual)}`);
        else if (!(thrown instanceof IllegalTransitionError))
          mismatches.push(`${name} threw ${String(thrown)}, not IllegalTransitionError`);
        else if (!thrown.message.includes(`${machine.label(from)} → ? (${event})`))
          mismatches.push(`${name} error says "${thrown.message}"`);
        else if (machine.can(from, event)) mismatches.push(`${name} can() says legal`);
      } else if (thrown !== undefined) {
        mismatches.push(`${name} should lead to ${JSON.stringify(edge)} but is illegal`);
      } else if (JSON.stringify(actual) !== JSON.stringify(edge)) {
        mismatches.push(`${name} leads to ${JSON.stringify(actual)}, expected ${JSON.stringify(edge)}`);
      } else if (!machine.can(from, event)) {
        mismatches.push(`${name} can() says illegal`);
      }
    }
  }
  return mismatches;
}
