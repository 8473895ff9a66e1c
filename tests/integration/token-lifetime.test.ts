/**
 * Token rules against the real server process: `/user/token/expire.json` only moves the revocation
 * point forward (an older `time` afterwards does not revive revoked tokens), and with
 * `OPENCALL_TOKEN_TTL_S` a token older than that is refused at connect with 31020.
 * Measured before the fix: a second expire.json with a time an hour earlier revived the revoked token
 * (hello → welcome); tokens never expired by age.
 */
import { ErrorCode, PROTOCOL_VERSION } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
let shortLived: ServerProcess;
const TTL_S = 2;

beforeAll(async () => {
  [server, shortLived] = await Promise.all([startServerProcess(), startServerProcess({ env: { OPENCALL_TOKEN_TTL_S: String(TTL_S) } })]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), shortLived?.stop()]);
});

/** Says hello; resolves with the answer (`welcome` or `refused`), then closes. */
async function hello(target: ServerProcess, token: string, deviceId: string): Promise<{ t: string; code?: number }> {
  const ws = new WebSocket(`${target.url.replace('http', 'ws')}/ws`);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const answer = new Promise<{ t: string; code?: number }>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)))));
    ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey: target.appKey, token, deviceId }));
    return await answer;
  } finally {
    ws.close();
  }
}

describe('/user/token/expire.json', () => {
  it('an older time afterwards never revives revoked tokens', async () => {
    const token = await server.getToken('fwd-user');
    expect((await hello(server, token, 'd1')).t).toBe('welcome');
    const revokedAt = Date.now() + 1;
    expect((await server.signedPost('/user/token/expire.json', { userId: 'fwd-user', time: String(revokedAt) })).body.code).toBe(200);
    expect(await hello(server, token, 'd2')).toMatchObject({ t: 'refused', code: ErrorCode.RC_CONN_TOKEN_EXPIRED });

    // The attack: move the revocation point back (ms and seconds spellings).
    for (const time of [String(revokedAt - 3_600_000), String(Math.floor(revokedAt / 1000) - 3600)]) {
      expect((await server.signedPost('/user/token/expire.json', { userId: 'fwd-user', time })).body.code).toBe(200);
      expect(await hello(server, token, 'd3')).toMatchObject({ t: 'refused', code: ErrorCode.RC_CONN_TOKEN_EXPIRED });
    }
    await new Promise((r) => setTimeout(r, 5));
    expect((await hello(server, await server.getToken('fwd-user'), 'd4')).t).toBe('welcome');
  });
});

describe('OPENCALL_TOKEN_TTL_S', () => {
  it(`a token older than ${TTL_S} s is refused at connect with 31020; a new one connects`, async () => {
    const token = await shortLived.getToken('ttl-user');
    const issuedAt = Date.now();
    expect((await hello(shortLived, token, 'd1')).t).toBe('welcome');
    await new Promise((r) => setTimeout(r, issuedAt + TTL_S * 1000 + 200 - Date.now()));
    expect(await hello(shortLived, token, 'd2')).toMatchObject({ t: 'refused', code: ErrorCode.RC_CONN_TOKEN_EXPIRED });
    expect((await hello(shortLived, await shortLived.getToken('ttl-user'), 'd3')).t).toBe('welcome');
  });

  it('without it, tokens do not expire by age (as RongCloud)', async () => {
    const token = await server.getToken('no-ttl-user');
    await new Promise((r) => setTimeout(r, TTL_S * 1000 + 200));
    expect((await hello(server, token, 'd1')).t).toBe('welcome');
  });
});
