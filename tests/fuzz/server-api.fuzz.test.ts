/** Fuzzing the server API of the real server process (bounded for CI; `npm run fuzz` scales it). */
import { ServerApiCode } from '@opencall/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { fuzzServerApi } from './api-fuzzer.js';
import { fuzzRuns } from './fuzz-runs.js';
import { FUZZ_SERVER_ENV } from './fuzz-server.js';
import { assertCleanLogs } from './server-log-check.js';

const WORKERS = 4;
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ env: FUZZ_SERVER_ENV });
});

afterAll(async () => {
  await server?.stop();
});

describe('server API under fuzzed requests', () => {
  it('answers every request with a catalogued envelope and status, never 5xx; refused requests change nothing', async () => {
    const codes = new Map<number, number>();
    await Promise.all(
      Array.from({ length: WORKERS }, (_, i) =>
        fuzzServerApi({
          target: server,
          prefix: `apifz${i}-`,
          numRuns: fuzzRuns(250),
          storageCheckEvery: 5,
          onInput: (code) => codes.set(code, (codes.get(code) ?? 0) + 1),
        }),
      ),
    );
    // The mix reached both acceptance and the main refusals.
    expect(codes.get(ServerApiCode.OK)).toBeGreaterThan(0);
    expect(codes.get(ServerApiCode.PARAM_ERROR)).toBeGreaterThan(0);
    expect(codes.get(ServerApiCode.SIGNATURE_FAILED)).toBeGreaterThan(0);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    assertCleanLogs(server.logs());
  });

  // Product bug: packages/server/src/transport/http/server-api/register-server-api.ts sets the 404
  // envelope with setNotFoundHandler, but the root instance keeps Fastify's default JSON parser and
  // error handler, so an unknown path with a JSON content type and a non-JSON (or empty) body answers
  // {statusCode:400, code:'FST_ERR_CTP_INVALID_JSON_BODY' | 'FST_ERR_CTP_EMPTY_JSON_BODY'} (and a body over
  // 100 KB {statusCode:413, code:'FST_ERR_CTP_BODY_TOO_LARGE'}) instead of {code:404, errorMessage}.
  it('an unknown path with a malformed JSON body still gets the 404 envelope', async () => {
    const response = await fetch(`${server.url}/user/no-such-endpoint.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{oops',
    });
    expect({ status: response.status, body: await response.json() }).toMatchObject({
      status: 404,
      body: { code: ServerApiCode.NOT_FOUND },
    });
  });
});
