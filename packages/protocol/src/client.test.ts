import { describe, expect, it } from 'vitest';
import * as client from './client.js';
import * as full from './index.js';

describe('@opencall/protocol/client', () => {
  it('re-exports the very values of the full index (one definition, nothing client-only)', () => {
    const clientValues = Object.entries(client);
    const fullValues = new Map(Object.entries(full));
    expect(clientValues.length).toBeGreaterThan(20);
    for (const [name, value] of clientValues) {
      expect(fullValues.has(name), name).toBe(true);
      expect(value, name).toBe(fullValues.get(name));
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
