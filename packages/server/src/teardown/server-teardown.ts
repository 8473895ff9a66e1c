/**
 * The server's teardown, written once (docs/teardown.md explains each edge):
 *
 *   single node: calls.close → insights.flush → push.stop → webhooks.stop → devices.close → websocket.close → media.stop → http.close → storage.close
 *   cluster:     calls.handOver → cluster.stop → cluster.close → insights.flush → push.stop → webhooks.stop → devices.close → … (same tail)
 *
 * - Calls first: ending them (NETWORK_ERROR) stores their records, writes their notices to the push
 *   outbox and tells every device while sockets, outbox and storage are still up. In a cluster they
 *   are handed over instead (kept journaled; this node's liveness key goes so others take them at once),
 *   then the node stops its sweep and leaves the bus, and the Redis connections close.
 * - Then the call insights: the buffered timeline events (the calls just ended) are written, and the
 *   quality reports still waiting for a last batch are settled (record MOS, `call.quality` row).
 * - The push and webhook workers next: deliveries in flight finish (bounded) while storage is still open.
 * - Devices (closed with OC_SERVER_SHUTDOWN, expiry timers cleared), then the WebSocket endpoint,
 *   which waits (bounded) for every close handshake, so the `call.ended` and `bye` frames just sent
 *   reach the devices before any socket is cut; no device can reach a service after this.
 * - The SFU after the sockets: no device can ask it for anything any more; in local mode this also
 *   stops the Janus process the server supervises.
 * - HTTP, then storage last: nothing reads or writes the database once requests are gone.
 */
import type { TeardownStep } from './run-teardown.js';

export interface TeardownParts {
  calls: { close(): Promise<void>; handOver(): Promise<void> };
  /** Cluster mode only. */
  cluster?: { node: { stop(): void }; adapters: { close(): Promise<void> } } | undefined;
  /** The call timeline's buffer and the pending quality reports (services/insights). */
  insights?: { flush(): Promise<void> } | undefined;
  pushOutbox?: { stop(): Promise<void> } | undefined;
  /** Call webhooks and RTC room status sync (stopped with the push worker, for the same reason). */
  webhookOutbox?: { stop(): Promise<void> } | undefined;
  registry: { closeAll(): void };
  ws: { close(): Promise<void> };
  media: { stop(): Promise<void> };
  http: { close(): Promise<unknown> };
  storage: { close(): Promise<void> };
}

export function serverTeardownSteps(parts: TeardownParts): TeardownStep[] {
  const { cluster } = parts;
  const head: TeardownStep[] = cluster
    ? [
        { name: 'calls.handOver', run: () => parts.calls.handOver() },
        { name: 'cluster.stop', run: () => cluster.node.stop() },
        { name: 'cluster.close', run: () => cluster.adapters.close() },
      ]
    : [{ name: 'calls.close', run: () => parts.calls.close() }];
  return [
    ...head,
    { name: 'insights.flush', run: () => parts.insights?.flush() },
    { name: 'push.stop', run: () => parts.pushOutbox?.stop() },
    { name: 'webhooks.stop', run: () => parts.webhookOutbox?.stop() },
    { name: 'devices.close', run: () => parts.registry.closeAll() },
    { name: 'websocket.close', run: () => parts.ws.close() },
    { name: 'media.stop', run: () => parts.media.stop() },
    { name: 'http.close', run: async () => void (await parts.http.close()) },
    { name: 'storage.close', run: () => parts.storage.close() },
  ];
}
