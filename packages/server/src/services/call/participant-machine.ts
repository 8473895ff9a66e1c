/**
 * State of one user in a call, owned by the server.
 *
 *   waiting ──accept──▶ keeping
 *      │                   │
 *      └──leave──▶ left ◀──┘ leave
 *
 * The caller starts `waiting` and moves to `keeping` with the first answer (`join`),
 * as in CallLib, where every user is WAITING until someone accepts.
 */
import { defineMachine } from '@opencall/protocol';

export type ParticipantState = 'waiting' | 'keeping' | 'left';
export type ParticipantEvent = 'accept' | 'join' | 'leave';

export const PARTICIPANT_MACHINE = defineMachine<ParticipantState, ParticipantEvent>('participant', {
  waiting: { accept: 'keeping', join: 'keeping', leave: 'left' },
  keeping: { leave: 'left' },
  left: {},
});
