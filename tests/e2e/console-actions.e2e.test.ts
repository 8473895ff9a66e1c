/**
 * The console's user and app actions clicked in real Chromium, with their effect on a real SDK:
 * Ban disconnects the user's SDK with 31009 (RC_CONN_USER_BLOCKED) and refuses a new connect; Unban
 * lets it connect again; Revoke tokens disconnects it with 31020 (RC_CONN_TOKEN_EXPIRED); a webhook
 * URL saved in the callbacks form is listed on the apps page and by the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsolePage } from './harness/console-page.js';
import { type E2eEnv, startE2eEnv } from './harness/e2e-env.js';

const PASSWORD = 'e2e-console-actions-password';
const USER_BLOCKED = 31009;
const TOKEN_EXPIRED = 31020;

describe('console actions in the browser', () => {
  let env: E2eEnv;
  let consolePage: ConsolePage;

  beforeAll(async () => {
    env = await startE2eEnv({
      label: 'console-actions',
      budgetMs: 60_000,
      // Loopback callback URLs allowed: the form below saves one (nothing is delivered to it).
      serverEnv: { OPENCALL_ADMIN_PASSWORD: PASSWORD, OPENCALL_SFU: 'off', OPENCALL_WEBHOOK_ALLOW_PRIVATE: '1' },
    });
    consolePage = await ConsolePage.login(env, PASSWORD);
  });

  afterAll(async () => {
    await env?.close();
  });

  async function clickUserAction(userId: string, label: 'Ban' | 'Unban' | 'Revoke tokens'): Promise<void> {
    await consolePage.open(`/console/users?userId=${userId}`);
    await consolePage.page.getByRole('button', { name: label, exact: true }).click();
  }

  /** Waits (bounded) until the user panel, re-rendered after an action, does or does not show a ban. */
  async function untilBanShown(shown: boolean): Promise<void> {
    await consolePage.page.waitForFunction(
      (want) => (document.querySelector('[data-testid="user-result"]')?.textContent ?? '').includes('banned until') === want,
      shown,
      { timeout: 5_000, polling: 50 },
    );
  }

  it('Ban disconnects the SDK with 31009 and refuses a new connect; Unban lets it connect again', async () => {
    const banned = await env.openSdkUser('console-banned');
    await clickUserAction('console-banned', 'Ban');
    const closed = await banned.waitFor({ name: 'im', event: 'DISCONNECT' }, 10_000);
    expect(closed.code).toBe(USER_BLOCKED);
    await untilBanShown(true);
    await expect(env.openSdkUser('console-banned')).rejects.toThrow(`connect failed with code ${USER_BLOCKED}`);

    await clickUserAction('console-banned', 'Unban');
    await untilBanShown(false);
    const back = await env.openSdkUser('console-banned');
    expect(await back.page.evaluate(() => window.__e2e.imStatus())).toBe(0);
  });

  it('Revoke tokens disconnects the SDK with 31020', async () => {
    const revoked = await env.openSdkUser('console-revoked');
    await clickUserAction('console-revoked', 'Revoke tokens');
    const closed = await revoked.waitFor({ name: 'im', event: 'DISCONNECT' }, 10_000);
    expect(closed.code).toBe(TOKEN_EXPIRED);
    await expect(revoked.page.evaluate(() => window.__e2e.imStatus())).resolves.toBe(2);
  });

  it('a webhook URL saved in the callbacks form is listed', async () => {
    const url = 'http://127.0.0.1:9/opencall-console-e2e';
    await consolePage.open('/console/apps');
    const form = consolePage.page.locator('form', { has: consolePage.page.locator('input[name="webhookUrl"]') });
    await form.locator('select[name="appKey"]').selectOption(env.server.appKey);
    await form.locator('input[name="webhookUrl"]').fill(url);
    await form.getByRole('button', { name: 'Save callbacks' }).click();
    const row = consolePage.page.locator(`tr[data-app="${env.server.appKey}"]`);
    await row.filter({ hasText: `webhook: ${url}` }).waitFor({ timeout: 5_000 });
    const listed = await consolePage.api('/apps');
    const app = listed.body.apps.find((a: { appKey: string }) => a.appKey === env.server.appKey);
    expect(app.webhookUrl).toBe(url);
  });
});
