/**
 * Web Push in cluster mode (two real nodes, Postgres, Redis): both nodes sign with the one VAPID key
 * kept in the database, and a decline sent to the node that does not run the call reaches its owner
 * over the bus — the caller (connected to the owner) sees REMOTE_REJECT.
 */
import { RCCallEndReason, RCCallMediaType } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import {
  decryptPush,
  newSubscriptionKeys,
  type PushServiceStandIn,
  startPushServiceStandIn,
  verifyVapid,
} from '../helpers/push-service-stand-in.js';

let cluster: TestCluster;
let pushService: PushServiceStandIn;
const clients: HeadlessClient[] = [];

beforeAll(async () => {
  pushService = await startPushServiceStandIn();
  cluster = await startCluster(['node-a', 'node-b'], {
    OPENCALL_WEB_PUSH_SUBJECT: 'mailto:ops@opencall.test',
    OPENCALL_WEB_PUSH_ALLOW_PRIVATE: '1',
  });
}, 90_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await cluster?.stop();
  await pushService?.close();
});

const publicKeyOf = async (url: string) =>
  ((await (await fetch(`${url}/webpush/vapid-public-key`)).json()) as { publicKey: string }).publicKey;

describe('web push in a cluster', () => {
  it('one VAPID key for every node; a decline on the other node ends the call on its owner with REMOTE_REJECT', async () => {
    const a = cluster.node('node-a');
    const b = cluster.node('node-b');
    const publicKey = await publicKeyOf(a.url);
    expect(await publicKeyOf(b.url)).toBe(publicKey);

    const keys = newSubscriptionKeys();
    const registered = await fetch(`${b.url}/webpush/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await b.getToken('wcBob')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        deviceId: 'wcBob-laptop',
        subscription: { endpoint: `${pushService.origin}/push/wcBob`, keys: { p256dh: keys.p256dh, auth: keys.auth } },
      }),
    });
    const { declineToken } = (await registered.json()) as { declineToken: string };

    const alice = await connectHeadless(a.url, a.appKey, 'wcAlice', await a.getToken('wcAlice'));
    clients.push(alice);
    const placed = await alice.client.call({ targetId: 'wcBob', mediaType: RCCallMediaType.AUDIO, listener: alice.listener() });
    const callId = placed.session!.getSessionId();
    expect(await pushService.until(() => pushService.pushes.length >= 1, 10_000)).toBe(true);
    const [ring] = pushService.pushes;
    verifyVapid(ring!.headers.authorization as string, publicKey);
    expect(JSON.parse(decryptPush(ring!.body, keys))).toMatchObject({ kind: 'call', callId });

    const declined = await fetch(`${b.url}/webpush/decline`, {
      method: 'POST',
      headers: { authorization: `Bearer ${declineToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ callId }),
    });
    expect(declined.status).toBe(200);
    const closed = await alice.waitForClose(callId, 10_000);
    expect(closed.summary.endReason).toBe(RCCallEndReason.REMOTE_REJECT);
  }, 60_000);
});
