import { beforeEach, expect, it } from 'vitest';
import type { Storage } from '../../ports/index.js';
import { describeEachEngine } from './storage-engines.test-support.js';

describeEachEngine('storage: blacklists.entriesAmong', (engine) => {
  let storage: Storage;

  beforeEach(async () => {
    ({ storage } = await engine.open(() => 1_767_225_600_000));
  });

  it('returns exactly the entries between the two sets, for one app', async () => {
    await storage.blacklists.add('app1', 'b', ['a', 'x']);
    await storage.blacklists.add('app1', 'c', ['b']);
    await storage.blacklists.add('app2', 'a', ['b']);
    const entries = await storage.blacklists.entriesAmong('app1', ['a', 'b', 'c'], ['a', 'b', 'c']);
    expect(entries.sort()).toEqual([
      ['b', 'a'],
      ['c', 'b'],
    ]);
    expect(await storage.blacklists.entriesAmong('app1', ['b'], ['x', 'y'])).toEqual([['b', 'x']]);
    expect(await storage.blacklists.entriesAmong('app2', ['b'], ['a'])).toEqual([]);
  });

  it('answers empty sets without a query error', async () => {
    expect(await storage.blacklists.entriesAmong('app1', [], ['a'])).toEqual([]);
    expect(await storage.blacklists.entriesAmong('app1', ['a'], [])).toEqual([]);
  });
});
