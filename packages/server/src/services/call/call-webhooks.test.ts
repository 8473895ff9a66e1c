import { RCCallEndReason } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import type { NewOutboxRow } from '../../ports/index.js';
import { groupCallFromAlice } from './call.test-support.js';
import { CallWebhooks } from './call-webhooks.js';

function setup(targets = { callEvents: true, roomSync: true }) {
  const rows: NewOutboxRow[] = [];
  let now = 1000;
  const hooks = new CallWebhooks({ enqueue: (_call, added) => rows.push(...added) }, targets, () => now);
  return { rows, hooks, tick: (ms: number) => (now += ms) };
}

const typeOf = (row: NewOutboxRow) => (JSON.parse(row.payload) as { type: string }).type;

describe('call webhooks (rows written with the transitions)', () => {
  it('one order key per call; ids sort in write order even within one millisecond', () => {
    const { rows, hooks } = setup();
    const call = groupCallFromAlice();
    const bob = call.addInvitee('bob', 'alice', 5000, true);
    hooks.invited(call, 'alice', ['bob']);
    hooks.ringing(call, bob);
    hooks.accepted(call, bob);
    const events = rows.filter((r) => r.topic === 'webhook');
    expect(events.map(typeOf)).toEqual(['call.invited', 'call.ringing', 'call.accepted']);
    expect(new Set(events.map((r) => r.orderKey))).toEqual(new Set(['webhook:app:c1']));
    expect([...events.map((r) => r.id)].sort()).toEqual(events.map((r) => r.id));
    expect(events.every((r) => r.id.startsWith('msg_'))).toBe(true);
  });

  it('call.ended carries both sides; call.missed goes to invitees who never answered nor declined', () => {
    const { rows, hooks } = setup();
    const call = groupCallFromAlice();
    const caller = call.caller();
    for (const [id, reason] of [
      ['bob', RCCallEndReason.REMOTE_CANCEL],
      ['carol', RCCallEndReason.REJECT],
      ['dave', RCCallEndReason.NO_RESPONSE],
    ] as const) {
      const p = call.addInvitee(id, 'alice', 5000, true);
      p.leave(0, reason);
    }
    caller.leave(0, RCCallEndReason.CANCEL);
    hooks.ended(call);
    expect(rows.map(typeOf)).toEqual(['call.ended', 'call.missed', 'call.missed']);
    const [ended, ...missed] = rows.map((r) => JSON.parse(r.payload).data);
    expect(ended).toMatchObject({ endReason: RCCallEndReason.CANCEL, answered: false, durationMs: 0, media: 'audio' });
    expect(ended.participants).toHaveLength(4);
    // Never answered: nobody was in the call, the caller's ringing does not count.
    expect(ended.participants.map((p: { durationMs: number }) => p.durationMs)).toEqual([0, 0, 0, 0]);
    expect(missed.map((m: { userId: string }) => m.userId)).toEqual(['bob', 'dave']);
  });

  it('room status sync: created then joined for the first member, left (exitType 3 on a network loss) then destroyed for the last', () => {
    const { rows, hooks, tick } = setup({ callEvents: false, roomSync: true });
    const call = groupCallFromAlice();
    call.beginAt = 1000;
    const caller = call.caller();
    caller.enterRoom();
    hooks.roomJoined(call, caller);
    tick(4000);
    caller.leave(0, RCCallEndReason.NETWORK_ERROR);
    caller.exitRoom();
    hooks.roomLeft(call, caller, true);
    const bodies = rows.map((r) => JSON.parse(r.payload).body);
    expect(bodies.map((b) => b.event)).toEqual([2, 11, 12, 3]);
    expect(bodies[2]).toMatchObject({
      userId: 'alice',
      exitType: 3,
      durationTime: 4000,
      version: '1.1',
      roomId: 'c1',
      sessionId: 'c1_1000',
    });
    expect(bodies[3]).toMatchObject({ durationTime: 4000, userId: '' });
    expect(new Set(rows.map((r) => r.orderKey))).toEqual(new Set(['rtc_sync:app:c1']));
  });

  it('writes nothing for a target that is not configured', () => {
    const { rows, hooks } = setup({ callEvents: false, roomSync: false });
    const call = groupCallFromAlice();
    hooks.invited(call, 'alice', ['bob']);
    hooks.ended(call);
    hooks.roomJoined(call, call.caller());
    expect(rows).toEqual([]);
  });
});
