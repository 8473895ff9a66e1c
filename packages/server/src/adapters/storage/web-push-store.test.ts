import { beforeEach, expect, it } from 'vitest';
import type { Storage } from '../../ports/index.js';
import { describeEachEngine } from './storage-engines.test-support.js';

/** Epoch ms past 2^31, so a 32-bit column would show. */
const T = 1_767_225_600_000;

const subscription = (deviceId: string, endpoint = `https://push.example/${deviceId}`) => ({
  appKey: 'app1',
  userId: 'bob',
  deviceId,
  endpoint,
  p256dh: 'BPk',
  auth: 'au',
  capabilityHash: `hash-${deviceId}`,
  createdAt: T,
});

describeEachEngine('storage: web push', (engine) => {
  let storage: Storage;

  beforeEach(async () => {
    ({ storage } = await engine.open(() => T));
  });

  it('VAPID keys: generated once, then the stored pair is returned whatever is offered', async () => {
    const first = await storage.webPush.vapidKeys(() => ({ publicKey: 'pub1', privateKey: 'priv1' }), T);
    const second = await storage.webPush.vapidKeys(() => ({ publicKey: 'pub2', privateKey: 'priv2' }), T + 1);
    expect(first).toEqual({ publicKey: 'pub1', privateKey: 'priv1' });
    expect(second).toEqual(first);
  });

  it('subscriptions: one per device (a second save replaces it), found by user and by capability, removed by device or endpoint', async () => {
    await storage.webPush.save(subscription('laptop'));
    await storage.webPush.save(subscription('phone'));
    await storage.webPush.save({ ...subscription('laptop', 'https://push.example/laptop-2'), capabilityHash: 'hash-laptop-2' });
    const listed = await storage.webPush.listForUser('app1', 'bob');
    expect(listed.map((s) => [s.deviceId, s.endpoint])).toEqual([
      ['laptop', 'https://push.example/laptop-2'],
      ['phone', 'https://push.example/phone'],
    ]);
    expect(listed[0]).toMatchObject({ createdAt: T, lastOkAt: undefined });
    expect(await storage.webPush.listForUser('app2', 'bob')).toEqual([]);
    expect((await storage.webPush.byCapability('hash-laptop-2'))?.deviceId).toBe('laptop');
    expect(await storage.webPush.byCapability('hash-laptop')).toBeUndefined();

    await storage.webPush.markOk('app1', 'bob', 'https://push.example/phone', T + 5);
    expect((await storage.webPush.byCapability('hash-phone'))?.lastOkAt).toBe(T + 5);

    await storage.webPush.removeEndpoint('app1', 'bob', 'https://push.example/phone');
    expect(await storage.webPush.remove('app1', 'bob', 'laptop')).toBe(true);
    expect(await storage.webPush.remove('app1', 'bob', 'laptop')).toBe(false);
    expect(await storage.webPush.listForUser('app1', 'bob')).toEqual([]);
  });
});
