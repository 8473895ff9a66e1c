import { describe, expect, it } from 'vitest';
import type { AppRecord } from '../../ports/index.js';
import { AppDirectory, acceptedSecrets } from './app-directory.js';

const APP: AppRecord = { appKey: 'k1', appSecret: 'current', name: 'n', createdAt: 0, audioCallEnabled: true, videoCallEnabled: true };

function countingStore(apps: Map<string, AppRecord>) {
  const store = {
    reads: 0,
    async get(appKey: string) {
      store.reads += 1;
      return apps.get(appKey);
    },
  };
  return store;
}

describe('AppDirectory', () => {
  it('caches known and unknown keys until invalidated', async () => {
    const apps = new Map([[APP.appKey, APP]]);
    const store = countingStore(apps);
    const directory = new AppDirectory(store, { ttlMs: 60_000 });
    expect(await directory.get('k1')).toEqual(APP);
    expect(await directory.get('k1')).toEqual(APP);
    expect(await directory.get('unknown')).toBeUndefined();
    expect(await directory.get('unknown')).toBeUndefined();
    expect(store.reads).toBe(2);
    apps.set('k1', { ...APP, disabled: true });
    expect((await directory.get('k1'))?.disabled).toBeUndefined();
    directory.invalidate('k1');
    expect((await directory.get('k1'))?.disabled).toBe(true);
    expect(store.reads).toBe(3);
  });

  it('reads the store again once the lifetime has passed', async () => {
    const store = countingStore(new Map([[APP.appKey, APP]]));
    const directory = new AppDirectory(store, { ttlMs: 30 });
    await directory.get('k1');
    await new Promise((r) => setTimeout(r, 60));
    await directory.get('k1');
    expect(store.reads).toBe(2);
  });
});

describe('acceptedSecrets', () => {
  it('is the current secret, plus the previous one strictly before its end', () => {
    expect(acceptedSecrets(APP, 5)).toEqual(['current']);
    const rotated = { ...APP, previousSecret: 'old', previousSecretUntil: 10 };
    expect(acceptedSecrets(rotated, 9)).toEqual(['current', 'old']);
    expect(acceptedSecrets(rotated, 10)).toEqual(['current']);
  });
});
