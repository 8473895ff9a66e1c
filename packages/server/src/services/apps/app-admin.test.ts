import { beforeEach, expect, it } from 'vitest';
import { describeEachEngine } from '../../adapters/storage/storage-engines.test-support.js';
import type { Storage } from '../../ports/index.js';
import type { AppAdmin } from '../../ports/insights.js';
import { AppAdminError, type AppChange, createAppAdmin } from './app-admin.js';

/** Epoch ms past 2^31, so a 32-bit column would show. */
const T = 1_767_225_600_000;

describeEachEngine('apps: administration', (engine) => {
  let storage: Storage;
  let admin: AppAdmin;
  let clock: number;
  let changes: AppChange[];

  beforeEach(async () => {
    clock = T;
    changes = [];
    ({ storage } = await engine.open(() => clock));
    admin = createAppAdmin(storage, {
      now: () => clock,
      onChanged: (change) => {
        changes.push(change);
      },
    });
  });

  it('create makes a project with a development and a production key, both listed without secrets', async () => {
    const created = await admin.create('  Demo  ');
    expect(created.development.appKey).not.toBe(created.production.appKey);
    expect(created.development.appSecret).not.toBe(created.production.appSecret);
    const listed = await admin.list();
    expect(listed.map((a) => [a.appKey, a.environment, a.projectId, a.name]).sort()).toEqual(
      [
        [created.development.appKey, 'development', created.projectId, 'Demo'],
        [created.production.appKey, 'production', created.projectId, 'Demo'],
      ].sort(),
    );
    expect(JSON.stringify(listed)).not.toContain(created.production.appSecret);
    const stored = await storage.apps.get(created.production.appKey);
    expect(stored).toMatchObject({ appSecret: created.production.appSecret, disabled: false, audioCallEnabled: true, createdAt: T });
  });

  it('an app stored before migration 0009 reads as an enabled production key that is its own project', async () => {
    await storage.apps.upsert({
      appKey: 'legacy',
      appSecret: 's'.repeat(24),
      name: 'old',
      createdAt: T,
      audioCallEnabled: true,
      videoCallEnabled: false,
    });
    expect((await admin.list())[0]).toEqual({
      projectId: 'legacy',
      name: 'old',
      environment: 'production',
      appKey: 'legacy',
      createdAt: T,
      disabled: false,
      audioCallEnabled: true,
      videoCallEnabled: false,
    });
  });

  it('rotateSecret keeps the previous secret until the grace period ends; grace 0 drops it at once', async () => {
    const { production } = await admin.create('Rotating');
    const rotated = await admin.rotateSecret(production.appKey, 60_000);
    expect(rotated.previousValidUntil).toBe(T + 60_000);
    const stored = await storage.apps.get(production.appKey);
    expect(stored).toMatchObject({ appSecret: rotated.appSecret, previousSecret: production.appSecret, previousSecretUntil: T + 60_000 });
    expect((await admin.list()).find((a) => a.appKey === production.appKey)?.previousSecretValidUntil).toBe(T + 60_000);
    clock = T + 60_000;
    expect((await admin.list()).find((a) => a.appKey === production.appKey)?.previousSecretValidUntil).toBeUndefined();

    const again = await admin.rotateSecret(production.appKey, 0);
    const after = await storage.apps.get(production.appKey);
    expect(after?.appSecret).toBe(again.appSecret);
    expect(after?.previousSecret).toBeUndefined();
    expect(changes).toEqual([{ appKey: production.appKey }, { appKey: production.appKey }]);
  });

  it('setServices, setDisabled and setCallbacks change only their fields and announce the change', async () => {
    const { production, development } = await admin.create('Switches');
    await admin.setServices(production.appKey, { video: false });
    await admin.setDisabled(production.appKey, true);
    await admin.setCallbacks(production.appKey, {
      webhookUrl: 'https://hooks.example.com/a',
      rtcCallbackUrl: 'https://hooks.example.com/b',
    });
    expect(await storage.apps.get(production.appKey)).toMatchObject({
      audioCallEnabled: true,
      videoCallEnabled: false,
      disabled: true,
      webhookUrl: 'https://hooks.example.com/a',
      rtcCallbackUrl: 'https://hooks.example.com/b',
    });
    expect(await storage.apps.get(development.appKey)).toMatchObject({ disabled: false, videoCallEnabled: true });
    expect(changes).toContainEqual({ appKey: production.appKey, disabled: true });

    await admin.setCallbacks(production.appKey, { webhookUrl: null });
    const cleared = await storage.apps.get(production.appKey);
    expect(cleared?.webhookUrl).toBeUndefined();
    expect(cleared?.rtcCallbackUrl).toBe('https://hooks.example.com/b');
  });

  it('a full-record upsert (env app, /opencall/app/service.json) does not undo a disable or callbacks', async () => {
    const { production } = await admin.create('Upserted');
    await admin.setDisabled(production.appKey, true);
    await admin.setCallbacks(production.appKey, { webhookUrl: 'https://hooks.example.com/x' });
    const stale = {
      appKey: production.appKey,
      appSecret: 'n'.repeat(24),
      name: 'Upserted',
      createdAt: T,
      audioCallEnabled: false,
      videoCallEnabled: true,
    };
    await storage.apps.upsert(stale);
    expect(await storage.apps.get(production.appKey)).toMatchObject({
      disabled: true,
      webhookUrl: 'https://hooks.example.com/x',
      audioCallEnabled: false,
    });
  });

  it('refuses bad input with a code: unknown app, bad name, bad grace, bad or private URL', async () => {
    const { production } = await admin.create('Refusals');
    const code = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: unknown) => (error instanceof AppAdminError ? error.code : String(error)),
      );
    expect(await code(admin.setDisabled('nope', true))).toBe('unknown_app');
    expect(await code(admin.rotateSecret('nope', 0))).toBe('unknown_app');
    expect(await code(admin.setServices('nope', {}))).toBe('unknown_app');
    expect(await code(admin.setServices(production.appKey, {}))).toBe('accepted');
    expect(await code(admin.create('   '))).toBe('invalid_name');
    expect(await code(admin.create('x'.repeat(65)))).toBe('invalid_name');
    expect(await code(admin.rotateSecret(production.appKey, -1))).toBe('invalid_grace');
    expect(await code(admin.rotateSecret(production.appKey, 1.5))).toBe('invalid_grace');
    expect(await code(admin.setCallbacks(production.appKey, { webhookUrl: 'ftp://example.com/' }))).toBe('invalid_url');
    expect(await code(admin.setCallbacks(production.appKey, { webhookUrl: 'not a url' }))).toBe('invalid_url');
    expect(await code(admin.setCallbacks(production.appKey, { rtcCallbackUrl: 'http://127.0.0.1:9/' }))).toBe('invalid_url');
    expect(await code(admin.setCallbacks(production.appKey, { webhookUrl: 'http://10.1.2.3/' }))).toBe('invalid_url');
    const allowing = createAppAdmin(storage, { allowPrivateTargets: true });
    expect(await code(allowing.setCallbacks(production.appKey, { webhookUrl: 'http://127.0.0.1:9/' }))).toBe('accepted');
  });
});
