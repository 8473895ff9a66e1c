import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIceServersFor, turnCredential } from './turn-credentials.js';

describe('turnCredential', () => {
  it('makes username expiry:userId and password base64 HMAC-SHA1(secret, username)', () => {
    const { username, credential } = turnCredential('s3cret', 'alice', 3600, 1_700_000_000_500);
    expect(username).toBe(`${1_700_000_000 + 3600}:alice`);
    expect(credential).toBe(createHmac('sha1', 's3cret').update(username).digest('base64'));
  });
});

describe('createIceServersFor', () => {
  it('hands out nothing unless both URLs and secret are configured', () => {
    expect(createIceServersFor({ urls: [], secret: 'x', ttlS: 60 })('a')).toEqual([]);
    expect(createIceServersFor({ urls: ['turn:127.0.0.1:3478'], secret: undefined, ttlS: 60 })('a')).toEqual([]);
  });

  it('gives each user their own credential with the configured URLs and TTL', () => {
    const servers = createIceServersFor(
      { urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'], secret: 'k', ttlS: 86400 },
      () => 1000_000,
    )('bob');
    expect(servers).toHaveLength(1);
    expect(servers[0]!.urls).toEqual(['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp']);
    expect(servers[0]!.username).toBe(`${1000 + 86400}:bob`);
    expect(servers[0]!.credential).toBe(
      createHmac('sha1', 'k')
        .update(`${1000 + 86400}:bob`)
        .digest('base64'),
    );
  });
});
