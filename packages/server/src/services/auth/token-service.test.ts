import { ErrorCode } from '@opencall/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../adapters/storage/sqlite/open-sqlite-storage.js';
import type { Storage, TokenService } from '../../ports/index.js';
import { createTokenService, MAX_TOKEN_BYTES } from './token-service.js';

let storage: Storage;
let tokens: TokenService;
let clock: number;

beforeEach(async () => {
  storage = await openSqliteStorage(':memory:');
  await storage.apps.upsert({
    appKey: 'appone',
    appSecret: 'secret-one-0123456789',
    name: '',
    createdAt: 0,
    audioCallEnabled: true,
    videoCallEnabled: true,
  });
  await storage.apps.upsert({
    appKey: 'apptwo',
    appSecret: 'secret-two-0123456789',
    name: '',
    createdAt: 0,
    audioCallEnabled: true,
    videoCallEnabled: true,
  });
  clock = 1_700_000_000_000;
  tokens = createTokenService(storage, () => clock);
});

afterEach(async () => {
  await storage.close();
});

function flip(token: string, index: number): string {
  const c = token[index] === 'A' ? 'B' : 'A';
  return token.slice(0, index) + c + token.slice(index + 1);
}

describe('token service', () => {
  it('issues URL-safe tokens ≤ 256 bytes that verify to app, user and issue time', async () => {
    const token = await tokens.issue('appone', 'alice');
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(Buffer.byteLength(token)).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
    expect(await tokens.verify(token)).toEqual({ ok: true, appKey: 'appone', userId: 'alice', issuedAt: clock });
    expect(await tokens.verify(token, 'appone')).toMatchObject({ ok: true });
  });

  it('stays ≤ 256 bytes with a 64-character app key and user id', async () => {
    const appKey = 'k'.repeat(64);
    await storage.apps.upsert({
      appKey,
      appSecret: 'x'.repeat(32),
      name: '',
      createdAt: 0,
      audioCallEnabled: true,
      videoCallEnabled: true,
    });
    const token = await tokens.issue(appKey, 'u'.repeat(64));
    expect(Buffer.byteLength(token)).toBeLessThanOrEqual(MAX_TOKEN_BYTES);
    expect(await tokens.verify(token)).toMatchObject({ ok: true, userId: 'u'.repeat(64) });
  });

  it('issues a different token each time (random nonce)', async () => {
    const a = await tokens.issue('appone', 'alice');
    const b = await tokens.issue('appone', 'alice');
    expect(a).not.toBe(b);
  });

  it('refuses to issue for an unknown app', async () => {
    await expect(tokens.issue('nope', 'alice')).rejects.toThrow(/unknown app/);
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not a token'],
    ['no dot', 'abcdef'],
    ['short mac', 'abc.def'],
    ['bad payload', `${Buffer.from('2\na\nb\n1\nn').toString('base64url')}.${'A'.repeat(43)}`],
    ['huge', `${'A'.repeat(5000)}.${'A'.repeat(43)}`],
  ])('malformed token (%s) → 31004', async (_name, token) => {
    expect(await tokens.verify(token)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_INCORRECT });
  });

  it('a tampered payload or signature → 31004', async () => {
    const token = await tokens.issue('appone', 'alice');
    const dot = token.indexOf('.');
    expect(await tokens.verify(flip(token, 3))).toMatchObject({ ok: false });
    expect(await tokens.verify(flip(token, dot + 5))).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_INCORRECT });
  });

  it('a token of another app → 31004', async () => {
    const token = await tokens.issue('apptwo', 'alice');
    expect(await tokens.verify(token, 'appone')).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_INCORRECT });
  });

  it('a token whose app no longer exists → 31002', async () => {
    const other = await openSqliteStorage(':memory:');
    try {
      await other.apps.upsert({
        appKey: 'ghost',
        appSecret: 'ghost-secret-000000',
        name: '',
        createdAt: 0,
        audioCallEnabled: true,
        videoCallEnabled: true,
      });
      const token = await createTokenService(other).issue('ghost', 'alice');
      expect(await tokens.verify(token)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_ID_REJECT });
    } finally {
      await other.close();
    }
  });

  it('rotating the app secret invalidates tokens (31004)', async () => {
    const token = await tokens.issue('appone', 'alice');
    await storage.apps.upsert({
      appKey: 'appone',
      appSecret: 'rotated-secret-000000',
      name: '',
      createdAt: 0,
      audioCallEnabled: true,
      videoCallEnabled: true,
    });
    expect(await tokens.verify(token)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_INCORRECT });
  });

  it('after a rotation with grace, tokens of the previous secret verify until the grace ends; new ones use the new secret', async () => {
    const old = await tokens.issue('appone', 'alice');
    await storage.apps.update('appone', {
      appSecret: 'rotated-secret-000000',
      previousSecret: 'secret-one-0123456789',
      previousSecretUntil: clock + 1000,
    });
    const fresh = await tokens.issue('appone', 'alice');
    expect(await tokens.verify(old)).toMatchObject({ ok: true });
    expect(await tokens.verify(fresh)).toMatchObject({ ok: true });
    clock += 1000;
    expect(await tokens.verify(old)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_INCORRECT });
    expect(await tokens.verify(fresh)).toMatchObject({ ok: true });
  });

  it('a disabled app refuses its valid tokens with 31008 (a forged one still gets 31004); enabled again they work', async () => {
    const token = await tokens.issue('appone', 'alice');
    await storage.apps.update('appone', { disabled: true });
    expect(await tokens.verify(token)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_APP_BLOCKED_OR_DELETED });
    expect(await tokens.verify(flip(token, token.length - 2))).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_INCORRECT });
    await storage.apps.update('appone', { disabled: false });
    expect(await tokens.verify(token)).toMatchObject({ ok: true });
  });

  it('expireTokens revokes tokens issued before the time (31020), not later ones or other users', async () => {
    const old = await tokens.issue('appone', 'alice');
    const bobs = await tokens.issue('appone', 'bob');
    clock += 10;
    await storage.users.expireTokens('appone', ['alice'], clock);
    const fresh = await tokens.issue('appone', 'alice');
    expect(await tokens.verify(old)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_EXPIRED });
    expect(await tokens.verify(fresh)).toMatchObject({ ok: true, userId: 'alice' });
    expect(await tokens.verify(bobs)).toMatchObject({ ok: true, userId: 'bob' });
  });

  it('a banned user is refused with 31009 until the ban ends or is lifted; others are not', async () => {
    const alice = await tokens.issue('appone', 'alice');
    const bob = await tokens.issue('appone', 'bob');
    await storage.bans.ban('appone', ['alice'], clock + 60_000);
    expect(await tokens.verify(alice)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_USER_BLOCKED });
    expect(await tokens.verify(bob)).toMatchObject({ ok: true, userId: 'bob' });
    clock += 60_000;
    expect(await tokens.verify(alice)).toMatchObject({ ok: true, userId: 'alice' });
    await storage.bans.ban('appone', ['alice'], clock + 1000);
    expect(await tokens.verify(alice)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_USER_BLOCKED });
    await storage.bans.unban('appone', ['alice']);
    expect(await tokens.verify(alice)).toMatchObject({ ok: true, userId: 'alice' });
  });
});

describe('token lifetime (OPENCALL_TOKEN_TTL_S)', () => {
  it('without a TTL a token never expires by age', async () => {
    const token = await tokens.issue('appone', 'alice');
    clock += 10 * 365 * 86_400_000;
    expect(await tokens.verify(token)).toMatchObject({ ok: true });
  });

  it('a token older than the TTL is refused with 31020, one within it is accepted', async () => {
    const limited = createTokenService(storage, () => clock, { ttlS: 3600 });
    const token = await limited.issue('appone', 'alice');
    clock += 3_600_000;
    expect(await limited.verify(token)).toMatchObject({ ok: true });
    clock += 1;
    expect(await limited.verify(token)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_EXPIRED, message: 'token expired' });
    expect(await limited.verify(await limited.issue('appone', 'alice'))).toMatchObject({ ok: true });
  });
});

describe('revocation point (/user/token/expire.json)', () => {
  it('only moves forward: an older time never revives revoked tokens', async () => {
    const old = await tokens.issue('appone', 'alice');
    clock += 1000;
    await storage.users.expireTokens('appone', ['alice', 'bob'], clock);
    expect(await tokens.verify(old)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_EXPIRED });
    await storage.users.expireTokens('appone', ['alice', 'bob'], clock - 60_000);
    expect(await tokens.verify(old)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_EXPIRED });
    expect((await storage.users.get('appone', 'alice'))?.tokensValidAfter).toBe(clock);
    expect((await storage.users.get('appone', 'bob'))?.tokensValidAfter).toBe(clock);
    await storage.users.expireTokens('appone', ['alice'], clock + 5);
    expect((await storage.users.get('appone', 'alice'))?.tokensValidAfter).toBe(clock + 5);
  });
});
