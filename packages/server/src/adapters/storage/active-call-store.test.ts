import { beforeEach, expect, it } from 'vitest';
import type { Storage } from '../../ports/index.js';
import { describeEachEngine } from './storage-engines.test-support.js';

/** Epoch ms past 2^31, so a 32-bit column or a BIGINT read back as text would show. */
const T = 1_767_225_600_000;

describeEachEngine('storage: active call journal', (engine) => {
  let storage: Storage;

  beforeEach(async () => {
    ({ storage } = await engine.open());
  });

  it('save inserts then replaces a snapshot; all lists oldest update first; remove deletes one call', async () => {
    await storage.activeCalls.save({ appKey: 'app1', callId: 'c1', snapshot: '{"v":1}', updatedAt: T + 10 });
    await storage.activeCalls.save({ appKey: 'app1', callId: 'c2', snapshot: '{"v":2}', updatedAt: T + 5 });
    await storage.activeCalls.save({ appKey: 'app2', callId: 'c1', snapshot: '{"v":3}', updatedAt: T + 7 });
    await storage.activeCalls.save({ appKey: 'app1', callId: 'c1', snapshot: '{"v":4}', updatedAt: T + 20 });
    expect(await storage.activeCalls.all()).toEqual([
      { appKey: 'app1', callId: 'c2', snapshot: '{"v":2}', updatedAt: T + 5 },
      { appKey: 'app2', callId: 'c1', snapshot: '{"v":3}', updatedAt: T + 7 },
      { appKey: 'app1', callId: 'c1', snapshot: '{"v":4}', updatedAt: T + 20 },
    ]);
    await storage.activeCalls.remove('app1', 'c1');
    await storage.activeCalls.remove('app1', 'unknown');
    expect((await storage.activeCalls.all()).map((c) => `${c.appKey}/${c.callId}`)).toEqual(['app1/c2', 'app2/c1']);
  });

  it('keeps a large snapshot intact (unicode included)', async () => {
    const snapshot = JSON.stringify({ v: 1, extra: 'é☎'.repeat(20_000) });
    await storage.activeCalls.save({ appKey: 'app1', callId: 'big', snapshot, updatedAt: T });
    expect(await storage.activeCalls.all()).toEqual([{ appKey: 'app1', callId: 'big', snapshot, updatedAt: T }]);
  });
});
