/**
 * Secrets at rest and in logs, against the real server process: the data dir is owner-only (0700)
 * and its files (SQLite + -wal/-shm, `default-app-key`) 0600, also after an older version left them
 * wider; a generated App Secret is printed once, on the first start, and never in a log line; refused
 * logins and server-API signatures are logged at most once per reason per 10 s, without token,
 * signature, nonce or secret. Measured before the fix: data dir 0755, database files 0644.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTOCOL_VERSION } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeForm, readReply, type ServerProcess, signingHeaders, startServerProcess } from '../helpers/server-process.js';

/** A generated app (no env credentials); the dev token helper hands out tokens for it. */
const GENERATE = { OPENCALL_APP_KEY: '', OPENCALL_APP_SECRET: '', OPENCALL_DEV_TOKENS: '1' };
const parents: string[] = [];

afterAll(() => {
  for (const parent of parents) rmSync(parent, { recursive: true, force: true });
});

/** A data dir path that does not exist yet (the server creates it). */
function freshDataDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'opencall-secrets-'));
  parents.push(parent);
  return join(parent, 'data');
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

function modes(dataDir: string): Record<string, string> {
  const out: Record<string, string> = { '.': mode(dataDir) };
  for (const name of readdirSync(dataDir)) out[name] = mode(join(dataDir, name));
  return out;
}

/** A token from the development helper (the generated app's credentials are not known to the test helper). */
async function devToken(server: ServerProcess, userId: string): Promise<string> {
  const reply = await readReply(await fetch(`${server.url}/dev/token?userId=${userId}`));
  expect(reply.body.code).toBe(200);
  return reply.body.token as string;
}

const jsonLines = (output: string) => output.split('\n').filter((line) => line.startsWith('{'));

describe('the data dir', () => {
  it('is created 0700 with 0600 files, and tightened again after a wider chmod', async () => {
    const dataDir = freshDataDir();
    const first = await startServerProcess({ dataDir, env: GENERATE });
    await devToken(first, 'perm-user'); // a write, so the WAL exists
    expect(modes(dataDir)).toEqual({
      '.': '700',
      'default-app-key': '600',
      'opencall.sqlite': '600',
      'opencall.sqlite-wal': '600',
      'opencall.sqlite-shm': '600',
    });
    await first.stop();

    // As an older version (or a careless operator) left them.
    chmodSync(dataDir, 0o755);
    for (const name of readdirSync(dataDir)) chmodSync(join(dataDir, name), 0o644);
    const second = await startServerProcess({ dataDir, env: GENERATE });
    try {
      await devToken(second, 'perm-user');
      for (const [name, value] of Object.entries(modes(dataDir))) expect([name, value]).toEqual([name, name === '.' ? '700' : '600']);
    } finally {
      await second.stop();
    }
  });
});

describe('a generated App Secret', () => {
  it('is printed once, on the first start, and never in a log line', async () => {
    const dataDir = freshDataDir();
    const first = await startServerProcess({ dataDir, env: GENERATE });
    const token = await devToken(first, 'secret-user');
    await first.stop();
    const firstOutput = first.logs();
    const secret = /App Secret: (\S+)/.exec(firstOutput)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(firstOutput.split(secret!).length - 1).toBe(1);
    expect(jsonLines(firstOutput).length).toBeGreaterThan(0);
    for (const line of jsonLines(firstOutput)) {
      expect(line).not.toContain(secret);
      expect(line).not.toContain(token);
    }

    const second = await startServerProcess({ dataDir, env: GENERATE });
    try {
      // The same app (its secret is the one printed before), and nothing printed this time.
      const reply = await readReply(
        await fetch(`${second.url}/user/getToken.json`, {
          method: 'POST',
          headers: { ...signingHeaders(readKey(dataDir), secret!), 'Content-Type': 'application/x-www-form-urlencoded' },
          body: encodeForm({ userId: 'again' }),
        }),
      );
      expect(reply.body.code).toBe(200);
      expect(second.logs()).not.toContain(secret);
      expect(second.logs()).not.toContain('App Secret');
    } finally {
      await second.stop();
    }
  });
});

/** The generated App Key the server remembers in its data dir. */
function readKey(dataDir: string): string {
  return readFileSync(join(dataDir, 'default-app-key'), 'utf8').trim();
}

describe('refused logins and signatures are logged, rate-limited, without secrets', () => {
  let server: ServerProcess;
  const sent: string[] = [];

  beforeAll(async () => {
    server = await startServerProcess();
  });

  afterAll(async () => {
    await server?.stop();
  });

  /** Says hello with `token` (and `appKey`); resolves with the server's answer frame. */
  async function hello(token: string, appKey = server.appKey): Promise<{ t: string; code?: number }> {
    sent.push(token);
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const answer = new Promise<{ t: string; code?: number }>((resolve) =>
        ws.once('message', (data) => resolve(JSON.parse(String(data)))),
      );
      ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, appKey, token, deviceId: 'log-d' }));
      return await answer;
    } finally {
      ws.close();
    }
  }

  function securityLines(reason: string): Record<string, unknown>[] {
    return jsonLines(server.logs())
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.security !== undefined && entry.reason === reason);
  }

  it('12 forged tokens, an unknown app and a revoked token: one line per reason, no token text', async () => {
    const valid = await server.getToken('log-user');
    for (let i = 0; i < 12; i++) {
      const forged = `${valid.slice(0, -4)}${String(1000 + i)}`;
      expect(await hello(forged)).toMatchObject({ t: 'refused', code: 31004 });
    }
    // A well-formed token of an App Key the server does not know.
    const payload = Buffer.from(`1\nnoappkey\nlog-user\n${Date.now().toString(36)}\nnonce`).toString('base64url');
    expect(await hello(`${payload}.${'A'.repeat(43)}`, 'noappkey')).toMatchObject({ t: 'refused', code: 31002 });
    await server.signedPost('/user/token/expire.json', { userId: 'log-user', time: String(Date.now() + 1) });
    expect(await hello(valid)).toMatchObject({ t: 'refused', code: 31020 });

    const deadline = Date.now() + 3000;
    while (securityLines('token_expired').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(securityLines('token_incorrect')).toEqual([
      expect.objectContaining({
        security: 'ws_hello_refused',
        total: 1,
        suppressed: 0,
        appKey: server.appKey,
        remoteAddress: expect.any(String),
      }),
    ]);
    expect(securityLines('unknown_app')).toHaveLength(1);
    expect(securityLines('token_expired')).toHaveLength(1);
  });

  it('15 bad signatures and 5 unknown App Keys: one line each, no signature, nonce or secret', async () => {
    const post = async (headers: Record<string, string>) => {
      sent.push(headers.Signature!, headers.Nonce!);
      return readReply(
        await fetch(`${server.url}/user/getToken.json`, {
          method: 'POST',
          headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'userId=x',
        }),
      );
    };
    for (let i = 0; i < 15; i++) expect((await post(signingHeaders(server.appKey, `wrong-${i}`))).body.code).toBe(1004);
    for (let i = 0; i < 5; i++) expect((await post(signingHeaders(`ghost${i}`, server.appSecret))).body.code).toBe(1004);
    const deadline = Date.now() + 3000;
    while (securityLines('unknown_app_key').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(securityLines('signature_mismatch')).toEqual([
      expect.objectContaining({
        security: 'api_signature_refused',
        total: 1,
        suppressed: 0,
        appKey: server.appKey,
        remoteAddress: expect.any(String),
      }),
    ]);
    expect(securityLines('unknown_app_key')).toEqual([expect.objectContaining({ appKey: 'ghost0' })]);
  });

  it('nothing sent above, nor the app secret, appears in the output', () => {
    const output = server.logs();
    expect(sent.length).toBeGreaterThan(40);
    for (const secret of [server.appSecret, ...sent]) expect(output).not.toContain(secret);
  });
});
