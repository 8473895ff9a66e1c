/**
 * docs/architecture.md draws every state machine from its transition table: each diagram block must
 * be exactly what `scripts/machine-diagrams.ts` generates from the table today (rewrite them with
 * `npx tsx scripts/machine-diagrams.ts --write`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARCHITECTURE_DOC, diagramBlock, documentedBlock, MACHINES } from '../../scripts/machine-diagrams.js';

const doc = readFileSync(ARCHITECTURE_DOC, 'utf8');

describe('docs/architecture.md state diagrams', () => {
  it.each(MACHINES.map((drawn) => [drawn.id, drawn] as const))('%s matches its transition table', (id, drawn) => {
    expect(documentedBlock(doc, id), `no <!-- machine:${id} --> block`).toBeDefined();
    expect(documentedBlock(doc, id)).toBe(diagramBlock(drawn));
  });

  it('draws one line per legal edge of every machine', () => {
    for (const drawn of MACHINES) {
      const edges = drawn.states.reduce<number>((n, state) => n + Object.keys(drawn.machine.table[state as string] ?? {}).length, 0);
      expect(
        diagramBlock(drawn)
          .split('\n')
          .filter((line) => line.includes(' --> ')),
      ).toHaveLength(edges);
    }
  });
});
