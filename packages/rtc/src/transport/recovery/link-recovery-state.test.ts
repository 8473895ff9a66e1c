import { describe, expect, it } from 'vitest';
import {
  LINK_RECOVERY_EVENTS,
  LINK_RECOVERY_STATES,
  type LinkRecoveryAction,
  type LinkRecoveryEvent,
  type LinkRecoveryState,
  LinkRecoveryTransitionError,
  recoveryTransition,
} from './link-recovery-state.js';

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

const isLegal = (from: LinkRecoveryState, event: LinkRecoveryEvent) => LEGAL.some(([f, e]) => f === from && e === event);
const ILLEGAL = LINK_RECOVERY_STATES.flatMap((from) =>
  LINK_RECOVERY_EVENTS.filter((event) => !isLegal(from, event)).map((event) => [from, event] as const),
);

describe('link recovery transitions', () => {
  it.each(LEGAL)('%s --%s--> %s (%s)', (from, event, to, action) => {
    expect(recoveryTransition(from, event)).toEqual({ to, action });
  });

  it.each(ILLEGAL)('%s --%s--> rejected', (from, event) => {
    expect(() => recoveryTransition(from, event)).toThrow(LinkRecoveryTransitionError);
  });

  it('covers every (state, event) pair exactly once', () => {
    expect(LEGAL.length + ILLEGAL.length).toBe(LINK_RECOVERY_STATES.length * LINK_RECOVERY_EVENTS.length);
  });
});
