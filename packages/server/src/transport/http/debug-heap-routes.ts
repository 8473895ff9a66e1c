/**
 * Development-only memory probes (env `OPENCALL_DEBUG_HEAP=1`, never with NODE_ENV=production), used
 * by the soak to tell a leak from heap or page-cache growth. Local callers only (loopback-guard.ts);
 * others get 403.
 * - `POST /debug/heap`: a full GC, then `process.memoryUsage()` and the part of the heap that is
 *   compiled code (bytes): what grows with JIT warm-up, not with data kept.
 * - `POST /debug/heap-snapshot`: a full GC, then `v8.writeHeapSnapshot()` into `snapshotDir`; answers its path.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { refuseUnlessLocal } from './loopback-guard.js';

export interface DebugHeapDeps {
  /** Where snapshots are written (the data dir). */
  snapshotDir: string;
}

export interface HeapReply {
  heapUsed: number;
  /** Of `heapUsed`, the code spaces (compiled functions). */
  codeUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}

/** `global.gc` when node runs with `--expose-gc`, else the same function taken from a fresh context (as Jest does). */
function gcFunction(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export function registerDebugHeapRoutes(app: FastifyInstance, deps: DebugHeapDeps): void {
  const gc = gcFunction();
  // Two passes: objects only reachable from weak maps or finalizers go in the second.
  const collect = () => {
    gc();
    gc();
  };
  let snapshots = 0;

  app.post('/debug/heap', { onRequest: refuseUnlessLocal }, async (_request, reply) => {
    collect();
    const { heapUsed, heapTotal, external, arrayBuffers, rss } = process.memoryUsage();
    const codeUsed = getHeapSpaceStatistics()
      .filter((space) => space.space_name.startsWith('code_'))
      .reduce((sum, space) => sum + space.space_used_size, 0);
    const body: HeapReply = { heapUsed, codeUsed, heapTotal, external, arrayBuffers, rss };
    return reply.header('Cache-Control', 'no-store').send(body);
  });

  app.post('/debug/heap-snapshot', { onRequest: refuseUnlessLocal }, async (_request, reply) => {
    collect();
    mkdirSync(deps.snapshotDir, { recursive: true });
    snapshots += 1;
    const path = writeHeapSnapshot(join(deps.snapshotDir, `heap-${process.pid}-${snapshots}.heapsnapshot`));
    return reply.header('Cache-Control', 'no-store').send({ path });
  });
}
