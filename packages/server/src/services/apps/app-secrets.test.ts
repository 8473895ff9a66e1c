import { describe, expect, it } from 'vitest';
import type { AppRecord } from '../../ports/index.js';
import { acceptedSecrets } from './app-secrets.js';

const APP: AppRecord = { appKey: 'k1', appSecret: 'current', name: 'n', createdAt: 0, audioCallEnabled: true, videoCallEnabled: true };

describe('acceptedSecrets', () => {
  it('is the current secret, plus the previous one strictly before its end', () => {
    expect(acceptedSecrets(APP, 5)).toEqual(['current']);
    const rotated = { ...APP, previousSecret: 'old', previousSecretUntil: 10 };
    expect(acceptedSecrets(rotated, 9)).toEqual(['current', 'old']);
    expect(acceptedSecrets(rotated, 10)).toEqual(['current']);
  });
});
