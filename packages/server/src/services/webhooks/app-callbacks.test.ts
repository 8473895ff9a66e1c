import { describe, expect, it } from 'vitest';
import type { AppRecord } from '../../ports/index.js';
import { AppCallbacks } from './app-callbacks.js';

const base = { appSecret: 's', name: '', createdAt: 0, audioCallEnabled: true, videoCallEnabled: true };

function store(apps: AppRecord[]) {
  const byKey = new Map(apps.map((a) => [a.appKey, a]));
  return { byKey, apps: { get: async (k: string) => byKey.get(k), list: async () => [...byKey.values()] } };
}

describe('AppCallbacks', () => {
  it("an app's own URLs turn its rows on; other apps follow the env URLs", async () => {
    const { apps } = store([
      { ...base, appKey: 'own', webhookUrl: 'https://a.example/h' },
      { ...base, appKey: 'sync', rtcCallbackUrl: 'https://a.example/r' },
      { ...base, appKey: 'plain' },
    ]);
    const none = new AppCallbacks({ url: undefined, rtcCallbackUrl: undefined }, apps);
    await none.load();
    expect(none.targetsFor('own')).toEqual({ callEvents: true, roomSync: false });
    expect(none.targetsFor('sync')).toEqual({ callEvents: false, roomSync: true });
    expect(none.targetsFor('plain')).toEqual({ callEvents: false, roomSync: false });
    const env = new AppCallbacks({ url: 'https://env.example/h', rtcCallbackUrl: undefined }, apps);
    await env.load();
    expect(env.targetsFor('plain')).toEqual({ callEvents: true, roomSync: false });
    expect(env.targets().forApp?.('sync')).toEqual({ callEvents: true, roomSync: true });
  });

  it('refresh follows a changed or cleared URL', async () => {
    const { byKey, apps } = store([{ ...base, appKey: 'k' }]);
    const callbacks = new AppCallbacks({ url: undefined, rtcCallbackUrl: undefined }, apps);
    await callbacks.load();
    expect(callbacks.targetsFor('k').callEvents).toBe(false);
    byKey.set('k', { ...base, appKey: 'k', webhookUrl: 'https://a.example/h' });
    await callbacks.refresh('k');
    expect(callbacks.targetsFor('k').callEvents).toBe(true);
    byKey.set('k', { ...base, appKey: 'k' });
    await callbacks.refresh('k');
    expect(callbacks.targetsFor('k').callEvents).toBe(false);
  });

  it('re-reads the whole list in the background once it is older than 30 s (a lost bus message)', async () => {
    const { byKey, apps } = store([{ ...base, appKey: 'k' }]);
    let clock = 1000;
    const callbacks = new AppCallbacks({ url: undefined, rtcCallbackUrl: undefined }, apps, () => clock);
    await callbacks.load();
    byKey.set('k', { ...base, appKey: 'k', webhookUrl: 'https://a.example/h' });
    expect(callbacks.targetsFor('k').callEvents).toBe(false);
    clock += 30_000;
    expect(callbacks.targetsFor('k').callEvents).toBe(false); // this lookup starts the reload
    await new Promise((r) => setTimeout(r, 10));
    expect(callbacks.targetsFor('k').callEvents).toBe(true);
  });
});
