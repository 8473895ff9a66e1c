/**
 * The Janus supervisor's machine (see janus-supervisor.ts for what each state does).
 *
 * ```
 *   stopped ──start──▶ starting ──answered──▶ up
 *      ▲                 │   ▲                 │
 *      │            died │   │ retry      died │ (exit, failed health check, no answer in 10 s)
 *      │                 ▼   │                 │
 *      │               backoff ◀───────────────┘
 *      │
 *      │   starting / up ──exhausted──▶ failed   (more than `maxFailures` failures in a row)
 *      └──stop── every state (stop() is idempotent: stopped ──stop──▶ stopped)
 * ```
 */
import { defineMachine } from '@opencall/protocol';

export type SupervisorState = 'stopped' | 'starting' | 'up' | 'backoff' | 'failed';
export type SupervisorEvent = 'start' | 'answered' | 'died' | 'exhausted' | 'retry' | 'stop';

/** Every legal edge: `SUPERVISOR_MACHINE.table[from][event] = to`. */
export const SUPERVISOR_MACHINE = defineMachine<SupervisorState, SupervisorEvent>('janus supervisor', {
  stopped: { start: 'starting', stop: 'stopped' },
  starting: { answered: 'up', died: 'backoff', exhausted: 'failed', stop: 'stopped' },
  up: { died: 'backoff', exhausted: 'failed', stop: 'stopped' },
  backoff: { retry: 'starting', stop: 'stopped' },
  failed: { stop: 'stopped' },
});
