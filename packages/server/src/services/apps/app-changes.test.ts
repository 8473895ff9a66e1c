import { ErrorCode } from '@opencall/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { NodeMessage } from '../../ports/cluster.js';
import { AppChanges, type AppChangeTargets } from './app-changes.js';

function recording(calls: { appKey: string; users: string[] }[]) {
  const log: string[] = [];
  const targets: AppChangeTargets = {
    invalidate: (appKey) => void log.push(`invalidate ${appKey}`),
    callsInFlight: () => calls.map((c) => ({ appKey: c.appKey, participants: new Map(c.users.map((u) => [u, {}])) })),
    endCallsOf: (appKey, userIds) => void log.push(`end ${appKey} ${userIds.join(',')}`),
    closeDevices: (appKey, code) => void log.push(`close ${appKey} ${code}`),
  };
  return { targets, log };
}

describe('AppChanges', () => {
  it('a change is applied here and broadcast; a disable ends only that app’s calls, then closes its devices', async () => {
    const { targets, log } = recording([
      { appKey: 'a', users: ['u1', 'u2'] },
      { appKey: 'b', users: ['u3'] },
      { appKey: 'a', users: ['u2', 'u4'] },
    ]);
    const sent: NodeMessage[] = [];
    const changes = new AppChanges(targets, pino({ level: 'silent' }), { broadcast: (m) => void sent.push(m) });
    await changes.announce({ appKey: 'a' });
    expect(log).toEqual(['invalidate a']);
    await changes.announce({ appKey: 'a', disabled: true });
    expect(log.slice(1)).toEqual(['invalidate a', 'end a u1,u2,u4', `close a ${ErrorCode.RC_CONN_APP_BLOCKED_OR_DELETED}`]);
    expect(sent).toEqual([
      { t: 'app_changed', appKey: 'a' },
      { t: 'app_changed', appKey: 'a', disabled: true },
    ]);
  });

  it('a change from another node is applied without a broadcast; enabling closes nothing', async () => {
    const { targets, log } = recording([{ appKey: 'a', users: ['u1'] }]);
    const sent: NodeMessage[] = [];
    const changes = new AppChanges(targets, pino({ level: 'silent' }), { broadcast: (m) => void sent.push(m) });
    await changes.apply({ appKey: 'a', disabled: false });
    expect(log).toEqual(['invalidate a']);
    expect(sent).toEqual([]);
  });
});
