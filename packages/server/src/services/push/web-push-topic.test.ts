import { describe, expect, it } from 'vitest';
import { pushTopicFor } from './web-push-topic.js';

describe('pushTopicFor', () => {
  it('keeps a call id that already is a valid topic', () => {
    expect(pushTopicFor('abc_DEF-123')).toBe('abc_DEF-123');
    expect(pushTopicFor('a'.repeat(32))).toBe('a'.repeat(32));
  });

  it('hashes a longer or otherwise invalid id into 32 base64url characters, the same every time', () => {
    const long = 'x'.repeat(33);
    const topic = pushTopicFor(long);
    expect(topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(pushTopicFor(long)).toBe(topic);
    expect(pushTopicFor('x'.repeat(34))).not.toBe(topic);
    expect(pushTopicFor('call.id')).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
