import { ErrorCode } from '@opencall/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStorage } from '../../../adapters/storage/sqlite/open-sqlite-storage.js';
import type { Storage, TokenService, TokensRevokedListener } from '../../../ports/index.js';
import { createTokenService } from '../../../services/auth/token-service.js';
import { registerServerApi } from './register-server-api.js';
import { signedInject } from './signed-inject.test-support.js';

const APP = {
  appKey: 'unitapp00001',
  appSecret: 'unit-secret-00000001',
  name: '',
  createdAt: 0,
  audioCallEnabled: true,
  videoCallEnabled: true,
};
let storage: Storage;
let tokens: TokenService;
let app: FastifyInstance;
let onTokensRevoked: ReturnType<typeof vi.fn<TokensRevokedListener>>;

beforeEach(async () => {
  storage = await openSqliteStorage(':memory:');
  await storage.apps.upsert(APP);
  tokens = createTokenService(storage);
  onTokensRevoked = vi.fn<TokensRevokedListener>();
  app = Fastify({ bodyLimit: 100 * 1024 });
  await registerServerApi(app, { storage, tokens, logger: pino({ level: 'silent' }), onTokensRevoked, onUsersBanned: () => {} });
});

afterEach(async () => {
  await app.close();
  await storage.close();
});

function signedPost(url: string, payload: string) {
  return signedInject(app, APP, url, payload);
}

describe('registerServerApi', () => {
  it('token expiry revokes old tokens and notifies the listener', async () => {
    const issued = await signedPost('/user/getToken.json', 'userId=alice');
    const { token } = issued.json() as { token: string };
    const check = await tokens.verify(token);
    expect(check.ok).toBe(true);
    const issuedAt = check.ok ? check.issuedAt : 0;

    const reply = await signedPost('/user/token/expire.json', `userId=alice&userId=bob&time=${issuedAt + 1}`);
    expect(reply.json()).toEqual({ code: 200 });
    expect(onTokensRevoked).toHaveBeenCalledWith(APP.appKey, ['alice', 'bob'], issuedAt + 1);
    expect(await tokens.verify(token)).toMatchObject({ ok: false, code: ErrorCode.RC_CONN_TOKEN_EXPIRED });
  });

  it('converts a time in seconds to milliseconds', async () => {
    await signedPost('/user/token/expire.json', 'userId=alice&time=1700000000');
    expect(onTokensRevoked).toHaveBeenCalledWith(APP.appKey, ['alice'], 1_700_000_000_000);
    expect((await storage.users.get(APP.appKey, 'alice'))?.tokensValidAfter).toBe(1_700_000_000_000);
  });

  it('a throwing revocation listener does not fail the request', async () => {
    onTokensRevoked.mockImplementation(() => {
      throw new Error('boom');
    });
    const reply = await signedPost('/user/token/expire.json', 'userId=alice&time=1');
    expect(reply.statusCode).toBe(200);
  });

  it('a storage failure → 500 / 1000 without details', async () => {
    vi.spyOn(storage.groups, 'addMembers').mockRejectedValueOnce(new Error('disk on fire'));
    const reply = await signedPost('/group/create.json', 'userId=a&groupId=g');
    expect(reply.statusCode).toBe(500);
    expect(reply.json()).toEqual({ code: 1000, errorMessage: 'Internal server error' });
  });

  it('getToken keeps the profile (name, portrait) in storage', async () => {
    await signedPost('/user/getToken.json', 'userId=alice&name=Alice&portraitUri=http%3A%2F%2Fp');
    expect(await storage.users.get(APP.appKey, 'alice')).toMatchObject({ name: 'Alice', portraitUri: 'http://p' });
  });
});
