/**
 * One `IRCRTCStateReport` per room from the reports of each of its media connections (a mesh has one
 * per remote user, the SFU one to publish and one per subscription): every sender and receiver of
 * every connection, and one `iceCandidatePair` — the busiest connection's pair (addresses, protocol,
 * rtt, available bitrates) with `bitrateSend` / `bitrateRecv` summed over all connections.
 */
import type { IRCCandidatePairStat, IRCRTCStateReport } from '../../types.js';

const traffic = (pair: IRCCandidatePairStat): number => pair.bitrateSend + pair.bitrateRecv;

function mergePairs(pairs: readonly IRCCandidatePairStat[]): IRCCandidatePairStat | undefined {
  const [first] = pairs;
  if (!first) return undefined;
  const busiest = pairs.reduce((best, pair) => (traffic(pair) > traffic(best) ? pair : best), first);
  return {
    ...busiest,
    bitrateSend: pairs.reduce((sum, pair) => sum + pair.bitrateSend, 0),
    bitrateRecv: pairs.reduce((sum, pair) => sum + pair.bitrateRecv, 0),
  };
}

/** The room's report at `timestamp`, or undefined when it has no media connection yet. */
export function mergeStateReports(reports: readonly IRCRTCStateReport[], timestamp: number): IRCRTCStateReport | undefined {
  if (reports.length === 0) return undefined;
  const pair = mergePairs(reports.flatMap((r) => (r.iceCandidatePair ? [r.iceCandidatePair] : [])));
  const merged: IRCRTCStateReport = {
    pcName: reports.map((r) => r.pcName ?? '').join(','),
    timestamp,
    senders: reports.flatMap((r) => r.senders),
    receivers: reports.flatMap((r) => r.receivers),
  };
  if (pair) merged.iceCandidatePair = pair;
  return merged;
}
