/** Environment of a server process under fuzzing or soak: no SFU, short rings, no server-API rate limit, a wide error budget. */
export const FUZZ_SERVER_ENV: Record<string, string> = {
  OPENCALL_SFU: 'off',
  OPENCALL_RING_TIMEOUT_MS: '1000',
  OPENCALL_API_RATE_PER_SEC: '1000000',
  // The WebSocket fuzzer checks the answer to every rejected frame at 80 frames/s; the default error
  // budget (20 replies/s, burst 40) would drop most of them silently, by design (limits.test.ts).
  OPENCALL_WS_ERROR_REPLIES_PER_SEC: '200',
};
