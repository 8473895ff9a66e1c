import { describe, expect, it } from 'vitest';
import { BodySyntaxError, parseFormBody, parseFormOrJson } from './parse-body.js';
import { computeSignature, readSignatureHeaders } from './verify-signature.js';

describe('parseFormBody', () => {
  it('turns repeated keys into arrays and decodes values', () => {
    expect({ ...parseFormBody('userId=a&userId=b&userId=c&groupId=g%201&name=x+y') }).toEqual({
      userId: ['a', 'b', 'c'],
      groupId: 'g 1',
      name: 'x y',
    });
  });

  it('has no prototype, so __proto__ is just a field', () => {
    const fields = parseFormBody('__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(fields)).toBeNull();
    expect(Object.entries(fields)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
  });

  it('empty text → empty object', () => {
    expect(Object.keys(parseFormBody(''))).toEqual([]);
  });
});

describe('parseFormOrJson', () => {
  it('reads JSON objects sent with a form content type', () => {
    expect(parseFormOrJson(' {"userId":"a"}')).toEqual({ userId: 'a' });
  });
  it('rejects broken JSON with a BodySyntaxError', () => {
    expect(() => parseFormOrJson('{"userId":')).toThrow(BodySyntaxError);
  });
});

describe('signature helpers', () => {
  it('computes lower-case hex SHA-1 of secret + nonce + timestamp', () => {
    // printf 'secretnonce123' | sha1sum
    expect(computeSignature('secret', 'nonce', '123')).toBe('4355af677cad2d478986b25d8fab707b41fbcee5');
  });

  it('reads both header spellings', () => {
    expect(readSignatureHeaders({ 'rc-app-key': 'k', 'rc-nonce': 'n', 'rc-timestamp': '1', 'rc-signature': 's' })).toEqual({
      appKey: 'k',
      nonce: 'n',
      timestamp: '1',
      signature: 's',
      version: undefined,
    });
    expect(readSignatureHeaders({ 'app-key': 'k' }).appKey).toBe('k');
  });
});
