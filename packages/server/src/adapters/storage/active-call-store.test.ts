import { beforeEach, expect, it } from 'vitest';
import type { ActiveCallSnapshot, Storage } from '../../ports/index.js';
import { describeEachEngine } from './storage-engines.test-support.js';

/** Epoch ms past 2^31, so a 32-bit column or a BIGINT read back as text would show. */
const T = 1_767_225_600_000;

const row = (appKey: string, callId: string, snapshot: string, updatedAt: number, ownerNode = '', ownerEpoch = 1): ActiveCallSnapshot => ({
  appKey,
  callId,
  snapshot,
  updatedAt,
  ownerNode,
  ownerEpoch,
});

describeEachEngine('storage: active call journal', (engine) => {
  let storage: Storage;

  beforeEach(async () => {
    ({ storage } = await engine.open());
  });

  it('save inserts then replaces a snapshot; all lists oldest update first; remove deletes one call', async () => {
    expect(await storage.activeCalls.save(row('app1', 'c1', '{"v":1}', T + 10))).toBe(true);
    await storage.activeCalls.save(row('app1', 'c2', '{"v":2}', T + 5));
    await storage.activeCalls.save(row('app2', 'c1', '{"v":3}', T + 7));
    expect(await storage.activeCalls.save(row('app1', 'c1', '{"v":4}', T + 20))).toBe(true);
    expect(await storage.activeCalls.all()).toEqual([
      row('app1', 'c2', '{"v":2}', T + 5),
      row('app2', 'c1', '{"v":3}', T + 7),
      row('app1', 'c1', '{"v":4}', T + 20),
    ]);
    expect(await storage.activeCalls.remove('app1', 'c1')).toBe(true);
    expect(await storage.activeCalls.remove('app1', 'unknown')).toBe(false);
    expect((await storage.activeCalls.all()).map((c) => `${c.appKey}/${c.callId}`)).toEqual(['app1/c2', 'app2/c1']);
  });

  it('keeps a large snapshot intact (unicode included)', async () => {
    const snapshot = JSON.stringify({ v: 1, extra: 'é☎'.repeat(20_000) });
    await storage.activeCalls.save(row('app1', 'big', snapshot, T));
    expect(await storage.activeCalls.all()).toEqual([row('app1', 'big', snapshot, T)]);
  });

  it('fencing: after a takeover (claim raises the epoch) writes and removes at the old epoch are refused', async () => {
    await storage.activeCalls.save(row('app1', 'c1', '{"v":1}', T, 'node-a', 1));
    expect(await storage.activeCalls.claim('app1', 'c1', 'node-b', 1)).toEqual(row('app1', 'c1', '{"v":1}', T, 'node-b', 2));
    // A second claimer that saw epoch 1 loses; the paused old owner's writes are fenced.
    expect(await storage.activeCalls.claim('app1', 'c1', 'node-c', 1)).toBeUndefined();
    expect(await storage.activeCalls.save(row('app1', 'c1', '{"v":"stale"}', T + 1, 'node-a', 1))).toBe(false);
    expect(await storage.activeCalls.remove('app1', 'c1', 1)).toBe(false);
    expect(await storage.activeCalls.save(row('app1', 'c1', '{"v":2}', T + 2, 'node-b', 2))).toBe(true);
    expect(await storage.activeCalls.all()).toEqual([row('app1', 'c1', '{"v":2}', T + 2, 'node-b', 2)]);
    expect(await storage.activeCalls.remove('app1', 'c1', 2)).toBe(true);
  });

  it('saveMany inserts and updates in one go, answering per entry; a fenced entry is left as it was', async () => {
    expect(await storage.activeCalls.saveMany([])).toEqual([]);
    await storage.activeCalls.save(row('app1', 'old', '{"v":1}', T, 'node-a', 1));
    await storage.activeCalls.save(row('app1', 'taken', '{"v":1}', T, 'node-a', 1));
    await storage.activeCalls.claim('app1', 'taken', 'node-b', 1);
    const written = await storage.activeCalls.saveMany([
      row('app1', 'new', '{"v":1}', T + 1, 'node-a', 1),
      row('app1', 'taken', '{"v":"stale"}', T + 1, 'node-a', 1),
      row('app1', 'old', '{"v":2}', T + 1, 'node-a', 1),
    ]);
    expect(written).toEqual([true, false, true]);
    expect(await storage.activeCalls.get('app1', 'new')).toEqual(row('app1', 'new', '{"v":1}', T + 1, 'node-a', 1));
    expect(await storage.activeCalls.get('app1', 'old')).toEqual(row('app1', 'old', '{"v":2}', T + 1, 'node-a', 1));
    expect(await storage.activeCalls.get('app1', 'taken')).toEqual(row('app1', 'taken', '{"v":1}', T, 'node-b', 2));
  });

  it('saveMany splits a large batch over several statements', async () => {
    const rows = Array.from({ length: 1_201 }, (_, i) => row('app1', `c${i}`, `{"i":${i}}`, T + i));
    expect((await storage.activeCalls.saveMany(rows)).every(Boolean)).toBe(true);
    expect((await storage.activeCalls.all()).length).toBe(1_201);
  });

  it('removeMany deletes rows at their epoch, answering per entry (fenced or gone: false)', async () => {
    expect(await storage.activeCalls.removeMany([])).toEqual([]);
    await storage.activeCalls.saveMany([row('app1', 'a', '{}', T), row('app1', 'b', '{}', T), row('app2', 'a', '{}', T)]);
    await storage.activeCalls.claim('app1', 'b', 'node-b', 1);
    const removed = await storage.activeCalls.removeMany([
      { appKey: 'app1', callId: 'a', ownerEpoch: 1 },
      { appKey: 'app1', callId: 'b', ownerEpoch: 1 },
      { appKey: 'app1', callId: 'gone', ownerEpoch: 1 },
    ]);
    expect(removed).toEqual([true, false, false]);
    expect((await storage.activeCalls.all()).map((r) => `${r.appKey}/${r.callId}`).sort()).toEqual(['app1/b', 'app2/a']);
  });

  it('orphaned lists the calls of nodes not in the live set', async () => {
    await storage.activeCalls.save(row('app1', 'a1', '{}', T, 'node-a'));
    await storage.activeCalls.save(row('app1', 'b1', '{}', T + 1, 'node-b'));
    await storage.activeCalls.save(row('app1', 'c1', '{}', T + 2, 'node-c'));
    expect((await storage.activeCalls.orphaned(['node-a', 'node-c'], 10)).map((r) => r.callId)).toEqual(['b1']);
    expect((await storage.activeCalls.orphaned([], 2)).map((r) => r.callId)).toEqual(['a1', 'b1']);
  });
});
