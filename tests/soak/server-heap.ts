/**
 * The server's memory as the soak reads it, through the loopback-only debug routes a server started
 * with `OPENCALL_DEBUG_HEAP=1` mounts (README "Configuration").
 */
import type { HeapReply } from '../../packages/server/src/transport/http/debug-heap-routes.js';
import type { ServerProcess } from '../helpers/server-process.js';

/** Server env that turns the debug routes on. */
export const DEBUG_HEAP_ENV = { OPENCALL_DEBUG_HEAP: '1' } as const;

/** Post-GC memory as `POST /debug/heap` answers it (bytes). */
export type ServerHeap = HeapReply;

const REQUEST_TIMEOUT_MS = 60_000;

/** Post-GC memory of the server; undefined when its debug routes are off. */
export async function serverHeap(server: ServerProcess): Promise<ServerHeap | undefined> {
  const response = await fetch(`${server.url}/debug/heap`, { method: 'POST', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`/debug/heap answered ${response.status}`);
  return (await response.json()) as ServerHeap;
}

/** Writes a heap snapshot in the server's data dir and returns its path (throws when the routes are off). */
export async function serverHeapSnapshot(server: ServerProcess): Promise<string> {
  const response = await fetch(`${server.url}/debug/heap-snapshot`, {
    method: 'POST',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`/debug/heap-snapshot answered ${response.status} (is OPENCALL_DEBUG_HEAP=1 set?)`);
  return ((await response.json()) as { path: string }).path;
}
