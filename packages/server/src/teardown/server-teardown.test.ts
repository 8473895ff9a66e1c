/**
 * One test per edge of the server's teardown cascade (docs/teardown.md): each names the two steps
 * and why the first comes first; then, per step, that its failure skips nothing after it.
 */
import { describe, expect, it } from 'vitest';
import { runTeardown, TeardownError } from './run-teardown.js';
import { serverTeardownSteps, type TeardownParts } from './server-teardown.js';

/** Parts whose every close records its name; `failing` ones throw after recording. */
function recordingParts(options: { cluster: boolean; failing?: string }) {
  const done: string[] = [];
  const act = (name: string) => {
    done.push(name);
    if (options.failing === name) throw new Error(`${name} failed`);
  };
  const parts: TeardownParts = {
    calls: { close: async () => act('calls.close'), handOver: async () => act('calls.handOver') },
    cluster: options.cluster
      ? { node: { stop: () => act('cluster.stop') }, adapters: { close: async () => act('cluster.close') } }
      : undefined,
    insights: { flush: async () => act('insights.flush') },
    pushOutbox: { stop: async () => act('push.stop') },
    webhookOutbox: { stop: async () => act('webhooks.stop') },
    registry: { closeAll: () => act('devices.close') },
    ws: { close: async () => act('websocket.close') },
    media: { stop: async () => act('media.stop') },
    http: { close: async () => act('http.close') },
    storage: { close: async () => act('storage.close') },
  };
  return { parts, done };
}

const quiet = { error: () => {} };

const SINGLE_NODE_EDGES: [before: string, after: string, why: string][] = [
  ['calls.close', 'push.stop', 'ending calls writes their notices to the outbox the worker still delivers'],
  ['calls.close', 'devices.close', 'devices are told their calls ended (NETWORK_ERROR) before their sockets close'],
  ['calls.close', 'storage.close', 'call records are stored before the database closes'],
  ['push.stop', 'devices.close', 'the outbox worker stops while everything it reads is still open'],
  ['push.stop', 'storage.close', 'deliveries in flight finish while storage is open'],
  ['calls.close', 'webhooks.stop', 'ending calls writes their call.ended webhooks to the outbox the worker still delivers'],
  ['calls.close', 'insights.flush', 'the timeline events of the calls just ended are in the buffer being flushed'],
  ['insights.flush', 'webhooks.stop', 'a settled call.quality row is written while the webhook worker still runs'],
  ['insights.flush', 'storage.close', 'timeline events and record MOS are written while storage is open'],
  ['webhooks.stop', 'storage.close', 'webhook deliveries in flight finish while storage is open'],
  ['devices.close', 'websocket.close', 'streams close with OC_SERVER_SHUTDOWN before the endpoint goes'],
  ['websocket.close', 'media.stop', 'no device can ask the SFU for anything once the endpoint is closed'],
  ['media.stop', 'http.close', 'the SFU (and a supervised Janus) stops while the server is still whole'],
  ['http.close', 'storage.close', 'no request reads or writes the database once HTTP is closed'],
];

const CLUSTER_EDGES: [before: string, after: string, why: string][] = [
  ['calls.handOver', 'cluster.stop', 'calls are journaled for takeover before this node leaves'],
  ['cluster.stop', 'cluster.close', 'the node stops its sweep before its Redis connections close'],
  ['cluster.close', 'push.stop', 'this node is gone from the cluster before its local parts close'],
  ['calls.handOver', 'storage.close', 'the journal is written before the database closes'],
];

async function order(cluster: boolean): Promise<string[]> {
  const { parts, done } = recordingParts({ cluster });
  await runTeardown(serverTeardownSteps(parts), quiet);
  return done;
}

describe('server teardown, single node', () => {
  it.each(SINGLE_NODE_EDGES)('%s before %s: %s', async (before, after) => {
    const done = await order(false);
    expect(done).toContain(before);
    expect(done).toContain(after);
    expect(done.indexOf(before)).toBeLessThan(done.indexOf(after));
  });

  it('ends calls instead of handing them over', async () => {
    const done = await order(false);
    expect(done).not.toContain('calls.handOver');
    expect(done[0]).toBe('calls.close');
  });
});

describe('server teardown, cluster', () => {
  it.each(CLUSTER_EDGES)('%s before %s: %s', async (before, after) => {
    const done = await order(true);
    expect(done.indexOf(before)).toBeGreaterThanOrEqual(0);
    expect(done.indexOf(before)).toBeLessThan(done.indexOf(after));
  });

  it('hands calls over instead of ending them', async () => {
    expect(await order(true)).not.toContain('calls.close');
  });
});

describe('a failing step skips nothing', () => {
  const cases = [
    ...serverTeardownSteps(recordingParts({ cluster: false }).parts).map((s) => [false, s.name] as const),
    ...['calls.handOver', 'cluster.stop', 'cluster.close'].map((name) => [true, name] as const),
  ];
  it.each(cases)('cluster %s: %s fails, every other step still runs', async (cluster, failing) => {
    const { parts, done } = recordingParts({ cluster, failing });
    const all = await order(cluster);
    const error = await runTeardown(serverTeardownSteps(parts), quiet).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TeardownError);
    expect((error as TeardownError).failures.map((f) => f.step)).toEqual([failing]);
    expect(done).toEqual(all);
  });

  it('without a push outbox the step is a no-op', async () => {
    const { parts, done } = recordingParts({ cluster: false });
    await runTeardown(serverTeardownSteps({ ...parts, pushOutbox: undefined }), quiet);
    expect(done).not.toContain('push.stop');
    expect(done).toContain('storage.close');
  });
});
