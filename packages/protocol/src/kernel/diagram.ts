/**
 * A machine's table as a mermaid `stateDiagram-v2`, one line per legal edge in table order:
 * docs/architecture.md embeds these, and a test checks the docs still match the tables.
 */
import type { Machine } from './state-machine.js';

export function mermaidDiagram<S extends PropertyKey, E extends string, Edge>(
  machine: Machine<S, E, Edge>,
  states: readonly S[],
  /** An edge's label (default: its event). */
  label: (event: E, edge: Edge) => string = (event) => event,
): string {
  const id = (state: S) => machine.label(state).replace(/[^A-Za-z0-9_]/g, '_');
  const lines = ['stateDiagram-v2'];
  for (const from of states) {
    const row = machine.table[from] as Readonly<Partial<Record<E, Edge>>>;
    for (const [event, edge] of Object.entries(row) as [E, Edge][]) {
      lines.push(`  ${id(from)} --> ${id(machine.targetOf(edge))}: ${label(event, edge)}`);
    }
  }
  return lines.join('\n');
}
