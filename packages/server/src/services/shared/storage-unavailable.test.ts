import { describe, expect, it } from 'vitest';
import { isStorageUnavailable } from './storage-unavailable.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isStorageUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['Postgres shutting down (57P01)', withCode('57P01')],
    ['a connection failure (08006)', withCode('08006')],
    ["node-postgres' terminated connection", new Error('Connection terminated unexpectedly')],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['SQLite busy', withCode('SQLITE_BUSY')],
    ['SQLite disk I/O error (extended code)', withCode('SQLITE_IOERR_WRITE')],
    ['a wrapped cause', new Error('query failed', { cause: withCode('ECONNREFUSED') })],
  ])('%s → unavailable', (_name, error) => {
    expect(isStorageUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505')],
    ['a syntax error (42601)', withCode('42601')],
    ['SQLite constraint', withCode('SQLITE_CONSTRAINT_UNIQUE')],
    ['a plain bug', new TypeError('x is undefined')],
    ['not an error', 'oops'],
  ])('%s → not unavailable', (_name, error) => {
    expect(isStorageUnavailable(error)).toBe(false);
  });
});
