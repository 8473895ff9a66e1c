/**
 * `npm run fuzz`: the fuzz properties of tests/fuzz at scale, with progress and throughput:
 * the two decoders (500,000 inputs each), the IM WebSocket of a real server (20 sockets) and its
 * server API (8 workers). Env `FUZZ_RUNS` scales every count (default 1 ≈ 1.1 M inputs in total).
 */

import { startServerProcess } from '../helpers/server-process.js';
import { fuzzServerApi } from './api-fuzzer.js';
import { fuzzClientDecoder, fuzzServerDecoder } from './decoder-properties.js';
import { fuzzRuns } from './fuzz-runs.js';
import { FUZZ_SERVER_ENV } from './fuzz-server.js';
import { assertCleanLogs } from './server-log-check.js';
import { FuzzSocket, fuzzSocket } from './ws-fuzzer.js';

const DECODER_RUNS = fuzzRuns(500_000);
const SOCKETS = 20;
const FRAMES_PER_SOCKET = fuzzRuns(4_000);
const API_WORKERS = 8;
const REQUESTS_PER_WORKER = fuzzRuns(4_000);

let total = 0;
const results: string[] = [];

function timed(name: string, inputs: number, started: number): void {
  const seconds = (Date.now() - started) / 1000;
  total += inputs;
  const line = `${name}: ${inputs} inputs in ${seconds.toFixed(1)} s (${(inputs / seconds).toFixed(0)}/s)`;
  results.push(line);
  console.log(`fuzz: ${line}`);
}

function progress(name: string, goal: number): (done: number) => void {
  return (done) => console.log(`fuzz: ${name} ${done}/${goal}`);
}

let started = Date.now();
fuzzClientDecoder({ numRuns: DECODER_RUNS, onProgress: progress('decodeClientFrame', DECODER_RUNS), progressEvery: 100_000 });
timed('decodeClientFrame', DECODER_RUNS, started);
started = Date.now();
fuzzServerDecoder({ numRuns: DECODER_RUNS, onProgress: progress('decodeServerFrame', DECODER_RUNS), progressEvery: 100_000 });
timed('decodeServerFrame', DECODER_RUNS, started);

const server = await startServerProcess({ env: FUZZ_SERVER_ENV });
const sockets: FuzzSocket[] = [];
try {
  started = Date.now();
  let frames = 0;
  const goal = SOCKETS * FRAMES_PER_SOCKET;
  for (let i = 0; i < SOCKETS; i += 1) {
    sockets.push(await FuzzSocket.open(server.url, server.appKey, await server.getToken(`fz${i}`), `fz${i}-dev`));
  }
  const ticker = setInterval(() => console.log(`fuzz: websocket ${frames}/${goal}`), 10_000);
  try {
    await Promise.all(sockets.map((socket) => fuzzSocket(socket, { numRuns: FRAMES_PER_SOCKET, onFrame: () => (frames += 1) })));
  } finally {
    clearInterval(ticker);
  }
  timed(`websocket (${SOCKETS} sockets)`, goal, started);

  started = Date.now();
  let requests = 0;
  const apiGoal = API_WORKERS * REQUESTS_PER_WORKER;
  const apiTicker = setInterval(() => console.log(`fuzz: server API ${requests}/${apiGoal}`), 10_000);
  try {
    await Promise.all(
      Array.from({ length: API_WORKERS }, (_, i) =>
        fuzzServerApi({
          target: server,
          prefix: `fz${i}-`,
          numRuns: REQUESTS_PER_WORKER,
          storageCheckEvery: 25,
          onInput: () => (requests += 1),
        }),
      ),
    );
  } finally {
    clearInterval(apiTicker);
  }
  timed(`server API (${API_WORKERS} workers)`, apiGoal, started);

  const health = await fetch(`${server.url}/healthz`);
  if (!health.ok) throw new Error(`/healthz answered ${health.status}`);
  assertCleanLogs(server.logs());
} finally {
  for (const socket of sockets) socket.close();
  await server.stop();
}
console.log(`fuzz: PASS — ${total} inputs in total`);
for (const line of results) console.log(`  ${line}`);
