/**
 * Failover: `calls` answered 1:1 calls owned by one node (their callers connected to it first, the
 * callees to the other nodes), then `kill -9` of that node. Each call is probed from both sides until
 * a live node answers for it (bench/lib/owner-probe.ts); then the checks: every call taken over once
 * (one "took over" line across the live nodes), its Postgres row and Redis lease naming the same live
 * node and epoch, and after the hang-ups one record with both participants and no row left in flight.
 * Failed checks are counted, never thrown.
 */

import type { BenchCluster } from '../../lib/bench-cluster.js';
import { startCallWorker } from '../../lib/call-rig.js';
import { waitFor } from '../../lib/procs.js';
import { BENCH_APP_KEY } from '../../lib/server.js';

export interface FailoverOptions {
  cluster: BenchCluster;
  owner: string;
  others: string[];
  calls: number;
  progress(message: string): void;
}

interface ProbedCall {
  callId: string;
  callee: number | null;
  caller: number | null;
  closed: boolean;
}

export interface FailoverResult {
  placed: number;
  /** Calls whose row named the owner before the kill. */
  ownedBefore: number;
  /** Ms from the kill until the owner answered the callee / the caller, per recovered call. */
  callee: number[];
  caller: number[];
  /** Calls not answered within the deadline, or closed on a client during the failover. */
  lost: string[];
  /** Calls not taken over exactly once, or whose row and lease disagree or name a dead node. */
  ownerErrors: string[];
  /** Calls without exactly one record with two participants after the hang-ups, or still in flight. */
  recordErrors: string[];
  hangupsLost: number;
  takenOverBy: Record<string, number>;
}

const PROBE_DEADLINE_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function checkOwners(
  cluster: BenchCluster,
  callIds: string[],
  logs: string,
): Promise<{ errors: string[]; byNode: Record<string, number> }> {
  const errors: string[] = [];
  const byNode: Record<string, number> = {};
  const sql = await cluster.sql();
  const { rows } = await sql.query<{ call_id: string; owner_node: string; owner_epoch: number }>(
    'select call_id, owner_node, owner_epoch from active_calls where app_key = $1 and call_id = any($2)',
    [BENCH_APP_KEY, callIds],
  );
  const leases = callIds.length ? await cluster.redis.mget(...callIds.map((id) => `oc:${cluster.name}:lease:${BENCH_APP_KEY}:${id}`)) : [];
  for (const [i, callId] of callIds.entries()) {
    const row = rows.find((r) => r.call_id === callId);
    const takeovers = logs.split(callId).length - 1;
    if (!row) errors.push(`${callId}: no row in active_calls`);
    else if (!cluster.nodes.has(row.owner_node)) errors.push(`${callId}: row owned by ${row.owner_node}, not a live node`);
    else if (leases[i] !== `${row.owner_node}:${row.owner_epoch}`)
      errors.push(`${callId}: lease ${leases[i]} vs row ${row.owner_node}:${row.owner_epoch}`);
    else if (takeovers !== 1) errors.push(`${callId}: taken over ${takeovers} times`);
    else byNode[row.owner_node] = (byNode[row.owner_node] ?? 0) + 1;
  }
  return { errors, byNode };
}

async function checkRecords(cluster: BenchCluster, callIds: string[]): Promise<string[]> {
  const sql = await cluster.sql();
  const deadline = Date.now() + 10_000;
  let errors: string[] = [];
  do {
    const records = await sql.query<{ call_id: string; participants: string }>(
      `select r.call_id, (select count(*) from call_participants p where p.app_key = r.app_key and p.call_id = r.call_id) as participants
       from call_records r where r.app_key = $1 and r.call_id = any($2)`,
      [BENCH_APP_KEY, callIds],
    );
    const live = await sql.query<{ call_id: string }>('select call_id from active_calls where app_key = $1 and call_id = any($2)', [
      BENCH_APP_KEY,
      callIds,
    ]);
    errors = callIds.flatMap((callId) => {
      const found = records.rows.filter((r) => r.call_id === callId);
      if (found.length !== 1) return [`${callId}: ${found.length} records`];
      if (Number(found[0]?.participants) !== 2) return [`${callId}: ${found[0]?.participants} participants`];
      if (live.rows.some((r) => r.call_id === callId)) return [`${callId}: still in active_calls`];
      return [];
    });
    if (errors.length === 0) break;
    await sleep(250);
  } while (Date.now() < deadline);
  return errors;
}

export async function measureFailover(options: FailoverOptions): Promise<FailoverResult> {
  const { cluster, owner, others, calls, progress } = options;
  const urls = [owner, ...others].map((id) => cluster.nodes.get(id)?.url as string);
  const { worker, close } = await startCallWorker({
    urls,
    layout: 'owner',
    pairs: calls,
    prefix: 'fo',
    connectTimeoutMs: 120_000,
    progress,
  });
  try {
    progress(`placing ${calls} answered calls owned by ${owner}`);
    worker.send({ type: 'setup', windowMs: 1_000 });
    const { samples } = await waitFor<{ type: 'setup'; samples: unknown[] }>(worker, 'setup', 60_000, 'failover calls');
    const sql = await cluster.sql();
    const owned = await sql.query<{ n: string }>('select count(*) as n from active_calls where owner_node = $1', [owner]);

    progress(`kill -9 ${owner}; probing every call from both sides`);
    const since = Date.now();
    await cluster.kill(owner);
    worker.send({ type: 'probe', since, deadlineMs: PROBE_DEADLINE_MS, everyMs: 100 });
    const { calls: probed } = await waitFor<{ type: 'probed'; calls: ProbedCall[] }>(worker, 'probed', PROBE_DEADLINE_MS + 30_000, 'probe');

    const callIds = probed.map((c) => c.callId);
    // Call ids are unique to this run: every line naming one is about this failover.
    const lines = others.flatMap((id) => (cluster.nodes.get(id)?.logs() ?? '').split('\n'));
    const about = (marker: string) => lines.filter((line) => line.includes(marker) && callIds.some((id) => line.includes(id)));
    const owners = await checkOwners(cluster, callIds, about('took over a call').join('\n'));
    const dropped = about('call dropped on this node').length;
    if (dropped > 0) owners.errors.push(`${dropped} "call dropped on this node" lines on the live nodes`);

    progress('hanging up; checking the records');
    worker.send({ type: 'hangupAll' });
    const { lost: hangupsLost } = await waitFor<{ type: 'hungup'; lost: number }>(worker, 'hungup', 60_000, 'hang up');
    const recordErrors = await checkRecords(cluster, callIds);
    return {
      placed: samples.length,
      ownedBefore: Number(owned.rows[0]?.n ?? 0),
      callee: probed.flatMap((c) => (c.callee === null ? [] : [c.callee])),
      caller: probed.flatMap((c) => (c.caller === null ? [] : [c.caller])),
      lost: probed.filter((c) => c.callee === null || c.caller === null || c.closed).map((c) => c.callId),
      ownerErrors: owners.errors,
      recordErrors,
      hangupsLost,
      takenOverBy: owners.byNode,
    };
  } finally {
    await close();
  }
}
