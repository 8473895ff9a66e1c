import { describe, expect, it } from 'vitest';
import { canonicalRequestV2, computeSignatureV2, signatureMatches, timestampToMs } from './verify-signature.js';

describe('version-2 signature', () => {
  it('matches the README recipe computed with openssl', () => {
    // SECRET=test-app-secret-0001 NONCE=5f0c3a9e12d4b7c8 TS=1767225600 BODY='userId=alice&name=Alice'
    // printf '%s\n%s\n%s\n%s\n%s' "$NONCE" "$TS" POST /user/getToken.json "$(printf '%s' "$BODY" | openssl dgst -sha256 -r | cut -d' ' -f1)" \
    //   | openssl dgst -sha256 -hmac "$SECRET" -r
    const signature = computeSignatureV2(
      'test-app-secret-0001',
      '5f0c3a9e12d4b7c8',
      '1767225600',
      'POST',
      '/user/getToken.json',
      'userId=alice&name=Alice',
    );
    expect(signature).toBe('66278d2432379f2df9ce396b42e3cbe1353d9e9b8bacf7dbde166ee0c4589e2d');
  });

  it('covers method (upper-cased), path with query and the body bytes', () => {
    expect(canonicalRequestV2('n', '1', 'post', '/a.json?x=1', '')).toBe(
      'n\n1\nPOST\n/a.json?x=1\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const base = computeSignatureV2('s', 'n', '1', 'POST', '/a.json', 'b=1');
    expect(computeSignatureV2('s', 'n', '1', 'POST', '/a.json', 'b=2')).not.toBe(base);
    expect(computeSignatureV2('s', 'n', '1', 'POST', '/b.json', 'b=1')).not.toBe(base);
    expect(computeSignatureV2('s', 'n', '1', 'PUT', '/a.json', 'b=1')).not.toBe(base);
    expect(computeSignatureV2('s', 'n', '1', 'POST', '/a.json', Buffer.from('b=1'))).toBe(base);
  });
});

describe('signatureMatches', () => {
  it('compares hex case-insensitively and refuses other lengths', () => {
    expect(signatureMatches('ABCdef', 'abcdef')).toBe(true);
    expect(signatureMatches('abcde', 'abcdef')).toBe(false);
    expect(signatureMatches('abcdeg', 'abcdef')).toBe(false);
  });
});

describe('timestampToMs', () => {
  it('reads seconds and milliseconds, refuses anything else', () => {
    expect(timestampToMs('1700000000')).toBe(1_700_000_000_000);
    expect(timestampToMs('1700000000123')).toBe(1_700_000_000_123);
    for (const bad of ['', 'yesterday', '-1', '1.5', '12345678901234567']) expect(timestampToMs(bad)).toBeUndefined();
  });
});
