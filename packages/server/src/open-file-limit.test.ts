import { describe, expect, it } from 'vitest';
import { defaultMaxPendingConnections, FALLBACK_MAX_PENDING_CONNECTIONS, parseSoftOpenFileLimit } from './open-file-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            20000                40000                files
Max locked memory         8388608              8388608              bytes
`;

describe('open-file limit', () => {
  it('reads the soft limit from /proc/<pid>/limits', () => {
    expect(parseSoftOpenFileLimit(LIMITS)).toBe(20_000);
    expect(parseSoftOpenFileLimit(LIMITS.replace('20000   ', 'unlimited'))).toBeUndefined();
    expect(parseSoftOpenFileLimit('nothing here')).toBeUndefined();
  });

  it('caps unauthenticated connections at half of it, at least 64, else the fallback', () => {
    expect(defaultMaxPendingConnections(20_000)).toBe(10_000);
    expect(defaultMaxPendingConnections(1024)).toBe(512);
    expect(defaultMaxPendingConnections(50)).toBe(64);
    expect(defaultMaxPendingConnections(undefined)).toBe(FALLBACK_MAX_PENDING_CONNECTIONS);
  });
});
