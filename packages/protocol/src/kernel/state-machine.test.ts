import { describe, expect, it } from 'vitest';
import { mermaidDiagram } from './diagram.js';
import { machineMismatches } from './machine-table-check.js';
import { allOf, defineMachine, IllegalTransitionError } from './state-machine.js';

type Door = 'open' | 'closed' | 'locked';
type DoorEvent = 'close' | 'open' | 'lock' | 'unlock';
const STATES = allOf<Door>()(['open', 'closed', 'locked']);
const EVENTS = allOf<DoorEvent>()(['close', 'open', 'lock', 'unlock']);
const TABLE = {
  open: { close: 'closed' },
  closed: { open: 'open', lock: 'locked' },
  locked: { unlock: 'closed' },
} as const satisfies Record<Door, Partial<Record<DoorEvent, Door>>>;
const LEGAL = [
  ['open', 'close', 'closed'],
  ['closed', 'open', 'open'],
  ['closed', 'lock', 'locked'],
  ['locked', 'unlock', 'closed'],
] as const;

const door = defineMachine<Door, DoorEvent>('door', TABLE);

describe('defineMachine', () => {
  it('returns the edge of a legal move', () => {
    expect(door.next('closed', 'lock')).toBe('locked');
    expect(door.can('closed', 'lock')).toBe(true);
  });

  it('throws one IllegalTransitionError naming machine, from and event', () => {
    expect(door.can('locked', 'open')).toBe(false);
    let thrown: unknown;
    try {
      door.next('locked', 'open');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IllegalTransitionError);
    expect(thrown).toMatchObject({ name: 'IllegalTransitionError', machine: 'door', from: 'locked', event: 'open' });
    expect((thrown as Error).message).toBe('door: illegal transition locked → ? (open)');
  });

  it('labels numeric states with the given label', () => {
    enum Light {
      OFF = 0,
      ON = 1,
    }
    const light = defineMachine<Light, 'toggle'>(
      'light',
      { [Light.OFF]: { toggle: Light.ON }, [Light.ON]: {} },
      { label: (s) => Light[s] },
    );
    expect(() => light.next(Light.ON, 'toggle')).toThrow('light: illegal transition ON → ? (toggle)');
  });

  it('maps richer edges to their target state', () => {
    const m = defineMachine<'a' | 'b', 'go', { to: 'a' | 'b'; action: string }>(
      'rich',
      { a: { go: { to: 'b', action: 'x' } }, b: {} },
      { targetOf: (edge) => edge.to },
    );
    expect(m.targetOf(m.next('a', 'go'))).toBe('b');
  });
});

describe('machineMismatches', () => {
  it('finds nothing when table and list agree', () => {
    expect(machineMismatches(door, STATES, EVENTS, LEGAL)).toEqual([]);
  });

  it('fails on a missing illegal edge (the table allows a move the list does not)', () => {
    const loose = defineMachine<Door, DoorEvent>('door', { ...TABLE, locked: { unlock: 'closed', open: 'open' } });
    expect(machineMismatches(loose, STATES, EVENTS, LEGAL)).toEqual(['locked --open--> should be illegal but leads to "open"']);
  });

  it('fails on a missing legal edge', () => {
    const strict = defineMachine<Door, DoorEvent>('door', { ...TABLE, closed: { open: 'open' } });
    expect(machineMismatches(strict, STATES, EVENTS, LEGAL)).toEqual(['closed --lock--> should lead to "locked" but is illegal']);
  });

  it('fails on a wrong target', () => {
    const wrong = defineMachine<Door, DoorEvent>('door', { ...TABLE, open: { close: 'locked' } });
    expect(machineMismatches(wrong, STATES, EVENTS, LEGAL)).toEqual(['open --close--> leads to "locked", expected "closed"']);
  });

  it('fails when the state list misses a state of the table', () => {
    expect(machineMismatches(door, ['open', 'closed'], EVENTS, LEGAL.slice(0, 3))).toContain('the table has 3 states, the list 2');
  });

  it('fails on a list naming a pair twice or an unknown event', () => {
    const twice = [...LEGAL, ['open', 'close', 'closed']] as const;
    expect(machineMismatches(door, STATES, EVENTS, twice)).toContain('the expected list names a (state, event) pair twice');
    expect(machineMismatches(door, STATES, ['close', 'open', 'lock'], LEGAL)).toContain('expected edge on unknown event unlock');
  });
});

describe('mermaidDiagram', () => {
  it('draws one line per legal edge in table order', () => {
    expect(mermaidDiagram(door, STATES)).toBe(
      [
        'stateDiagram-v2',
        '  open --> closed: close',
        '  closed --> open: open',
        '  closed --> locked: lock',
        '  locked --> closed: unlock',
      ].join('\n'),
    );
  });
});
