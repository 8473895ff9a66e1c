import type { PushNotice } from '@opencall/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import type { OutboxRow, Storage, UserRecord } from '../../ports/index.js';
import { PermanentDeliveryError } from '../outbox/outbox-handler.js';
import { OutboxWorker } from '../outbox/outbox-worker.js';
import { createPushOutbox, PUSH_TOPIC, pushDelivery, pushOutboxRow, type StoredPushNotice } from './push-outbox.js';

const stored: StoredPushNotice = {
  appKey: 'app',
  userId: 'bob',
  kind: 'call',
  title: 'Call',
  content: 'from alice',
  inviterId: 'alice',
  data: { callId: 'c1', mediaType: 1, userIdList: ['bob'] },
};

function claimed(payload: string, id = 'push:app:c1:bob:call:61000'): OutboxRow {
  const row = pushOutboxRow(stored, 'c1', 61_000, 5000);
  return { ...row, id, payload, attempts: 1, lastError: undefined, claimedBy: 'n', claimedUntil: 15_000, failedAt: undefined };
}

const alice: UserRecord = {
  appKey: 'app',
  userId: 'alice',
  name: 'Alice Server',
  portraitUri: 'https://cdn/a.png',
  tokensValidAfter: 0,
  createdAt: 0,
};

describe('push delivery', () => {
  it('sends the stored notice with its id and the inviter named from the user store at delivery time', async () => {
    const sent: PushNotice[] = [];
    const deliver = pushDelivery(
      { send: async (n) => void sent.push(n) },
      { get: async (_app, id) => (id === 'alice' ? alice : undefined) },
    );
    await deliver(claimed(JSON.stringify(stored)));
    expect(sent).toEqual([
      {
        id: 'push:app:c1:bob:call:61000',
        appKey: 'app',
        userId: 'bob',
        kind: 'call',
        title: 'Call',
        content: 'from alice',
        sender: { userId: 'alice', name: 'Alice Server', portraitUri: 'https://cdn/a.png' },
        data: { callId: 'c1', mediaType: 1, userIdList: ['bob'] },
      },
    ]);
    await deliver(claimed(JSON.stringify({ ...stored, inviterId: 'nobody' })));
    expect(sent[1]!.sender).toEqual({ userId: 'nobody', name: '', portraitUri: '' });
  });

  it('a payload that does not parse fails for good; a provider or user-store failure is retried', async () => {
    const deliver = pushDelivery({ send: async () => undefined }, { get: async () => undefined });
    await expect(deliver(claimed('{not json'))).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(deliver(claimed(JSON.stringify({ ...stored, kind: 'ring' })))).rejects.toBeInstanceOf(PermanentDeliveryError);
    const refused = pushDelivery(
      {
        send: async () => {
          throw new Error('push webhook answered HTTP 503');
        },
      },
      { get: async () => alice },
    );
    await expect(refused(claimed(JSON.stringify(stored)))).rejects.not.toBeInstanceOf(PermanentDeliveryError);
    const lookupDown = pushDelivery({ send: async () => undefined }, { get: () => Promise.reject(new Error('db down')) });
    await expect(lookupDown(claimed(JSON.stringify(stored)))).rejects.toThrow('db down');
  });

  it('ids are header-safe: every part URI-encoded', () => {
    const row = pushOutboxRow({ ...stored, appKey: 'a:b', userId: 'ü ser' }, 'c/1', 7, 1);
    expect(row.id).toBe('push:a%3Ab:c%2F1:%C3%BC%20ser:call:7');
    expect(row.orderKey).toBe('push:a%3Ab:c%2F1:%C3%BC%20ser');
    expect(/^[\x21-\x7e]+$/.test(row.id)).toBe(true);
  });
});

describe('push outbox configuration', () => {
  it('OPENCALL_OUTBOX_MAX_ATTEMPTS: default 8, 1-100, anything else stops the start', () => {
    expect(loadConfig({}).outboxMaxAttempts).toBe(8);
    expect(loadConfig({ OPENCALL_OUTBOX_MAX_ATTEMPTS: '1' }).outboxMaxAttempts).toBe(1);
    expect(loadConfig({ OPENCALL_OUTBOX_MAX_ATTEMPTS: '100' }).outboxMaxAttempts).toBe(100);
    for (const bad of ['0', '101', '2.5', 'many']) {
      expect(() => loadConfig({ OPENCALL_OUTBOX_MAX_ATTEMPTS: bad })).toThrow(
        'OPENCALL_OUTBOX_MAX_ATTEMPTS must be an integer in [1, 100]',
      );
    }
  });

  it('a worker for the push topic only when a push webhook is configured', () => {
    const storage = { outbox: {}, users: {} } as unknown as Storage;
    const logger = pino({ level: 'silent' });
    expect(createPushOutbox({ pushWebhookUrl: undefined, outboxMaxAttempts: 8 }, storage, logger)).toBeUndefined();
    const worker = createPushOutbox({ pushWebhookUrl: 'http://127.0.0.1:9/push', outboxMaxAttempts: 8 }, storage, logger);
    expect(worker).toBeInstanceOf(OutboxWorker);
    expect(PUSH_TOPIC).toBe('push');
  });
});
