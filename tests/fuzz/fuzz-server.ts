/** Environment of a server process under fuzzing or soak: no SFU, short rings, no server-API rate limit. */
export const FUZZ_SERVER_ENV: Record<string, string> = {
  OPENCALL_SFU: 'off',
  OPENCALL_RING_TIMEOUT_MS: '1000',
  OPENCALL_API_RATE_PER_SEC: '1000000',
};
