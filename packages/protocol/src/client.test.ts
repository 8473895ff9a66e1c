import { describe, expect, it } from 'vitest';
import * as client from './client.js';
import * as full from './index.js';

describe('@opencall/protocol/client', () => {
  it('re-exports the very values of the full index (one definition, nothing client-only)', () => {
    const names = Object.keys(client);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      expect(full, name).toHaveProperty(name);
      expect(client[name as keyof typeof client], name).toBe(full[name as keyof typeof full]);
    }
  });

  it('leaves out the server-only modules (server API, console API, call queries, web-push bodies)', () => {
    for (const serverOnly of [
      'decodeClientFrame',
      'GetTokenBody',
      'CONSOLE_ERROR_HTTP_STATUS',
      'CALL_QUERY_MAX_PAGE_SIZE',
      'WebPushMessage',
    ]) {
      expect(full, serverOnly).toHaveProperty(serverOnly);
      expect(client, serverOnly).not.toHaveProperty(serverOnly);
    }
  });
});
