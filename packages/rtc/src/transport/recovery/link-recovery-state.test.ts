import { allOf } from '@opencall/protocol';
import { machineMismatches } from '@opencall/protocol/testing';
import { describe, expect, it } from 'vitest';
import {
  LINK_RECOVERY_EVENTS,
  LINK_RECOVERY_MACHINE,
  LINK_RECOVERY_STATES,
  type LinkRecoveryAction,
  type LinkRecoveryEvent,
  type LinkRecoveryState,
} from './link-recovery-state.js';

/** Written independently of the module under test (the compiler checks that they name every state and event). */
const STATES = allOf<LinkRecoveryState>()(['watching', 'restarting', 'relinking', 'lost', 'closed']);
const EVENTS = allOf<LinkRecoveryEvent>()(['trouble', 'retry', 'exhausted', 'healthy', 'remote_relink', 'close']);

const LEGAL: Array<[LinkRecoveryState, LinkRecoveryEvent, LinkRecoveryState, LinkRecoveryAction]> = [
  ['watching', 'trouble', 'restarting', 'restart_ice'],
  ['watching', 'healthy', 'watching', 'none'],
  ['watching', 'remote_relink', 'relinking', 'wait'],
  ['watching', 'close', 'closed', 'none'],
  ['restarting', 'trouble', 'restarting', 'none'],
  ['restarting', 'retry', 'restarting', 'restart_ice'],
  ['restarting', 'exhausted', 'relinking', 'relink'],
  ['restarting', 'healthy', 'watching', 'recovered'],
  ['restarting', 'remote_relink', 'relinking', 'wait'],
  ['restarting', 'close', 'closed', 'none'],
  ['relinking', 'trouble', 'relinking', 'none'],
  ['relinking', 'retry', 'relinking', 'relink'],
  ['relinking', 'exhausted', 'lost', 'give_up'],
  ['relinking', 'healthy', 'watching', 'recovered'],
  ['relinking', 'remote_relink', 'relinking', 'wait'],
  ['relinking', 'close', 'closed', 'none'],
  ['lost', 'trouble', 'lost', 'none'],
  ['lost', 'healthy', 'watching', 'recovered'],
  ['lost', 'remote_relink', 'relinking', 'wait'],
  ['lost', 'close', 'closed', 'none'],
];

describe('link recovery transitions', () => {
  it('has exactly the listed legal edges and actions; every other (state, event) throws IllegalTransitionError', () => {
    const expected = LEGAL.map(([from, event, to, action]) => [from, event, { to, action }] as const);
    expect(machineMismatches(LINK_RECOVERY_MACHINE, STATES, EVENTS, expected)).toEqual([]);
  });

  it('exports complete state and event lists', () => {
    expect([...LINK_RECOVERY_STATES].sort()).toEqual([...STATES].sort());
    expect([...LINK_RECOVERY_EVENTS].sort()).toEqual([...EVENTS].sort());
  });

  it('names itself in errors', () => {
    expect(() => LINK_RECOVERY_MACHINE.next('closed', 'healthy')).toThrow('LinkRecovery: illegal transition closed → ? (healthy)');
  });
});
