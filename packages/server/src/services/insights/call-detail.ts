/**
 * `LoadCallDetail` (ports/insights.ts): one call as the console's call page and `GET
 * /console/api/calls/<callId>` show it — its record (or, while it is in flight, the call as this node
 * runs it or as another node journals it), its timeline, each participant device's setup timings, and
 * its quality samples (bounded), with each participant's MOS and candidate types.
 */
import { ConversationType } from '@opencall/protocol';
import type {
  CallDetail,
  CallDetailParticipant,
  CallEvent,
  CallRecord,
  CandidateType,
  LoadCallDetail,
  MediaPath,
  QualitySample,
  Storage,
} from '../../ports/index.js';
import type { Call } from '../call/call.js';
import type { CallDirectory } from '../call/call-directory.js';
import { callFromSnapshot } from '../call/call-snapshot.js';

/** Samples one detail carries at most (a 1:1 video call sampled every 2 s: ≈ 2 h). */
export const MAX_DETAIL_SAMPLES = 20_000;

export interface CallDetailDeps {
  storage: Pick<Storage, 'calls' | 'activeCalls' | 'telemetry'>;
  /** The calls in flight on this node (absent: only stored and journaled calls). */
  calls?: Pick<CallDirectory, 'get'>;
  maxSamples?: number;
}

function pathOf(conversationType: ConversationType, mode: 'p2p' | 'sfu' | undefined): MediaPath | undefined {
  if (mode === 'sfu') return 'sfu';
  if (mode === 'p2p') return conversationType === ConversationType.PRIVATE ? 'p2p' : 'mesh';
  return undefined;
}

/** The room mode a stored call had: its `join` events say it. */
function modeFromEvents(events: readonly CallEvent[]): 'p2p' | 'sfu' | undefined {
  for (const e of events) {
    const mode = e.kind === 'join' ? e.detail?.mode : undefined;
    if (mode === 'p2p' || mode === 'sfu') return mode;
  }
  return undefined;
}

const mean = (values: readonly number[]): number | undefined =>
  values.length === 0 ? undefined : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;

async function findCall(
  deps: CallDetailDeps,
  appKey: string,
  callId: string,
): Promise<{ record: CallRecord; live: boolean; mode?: 'p2p' | 'sfu' } | undefined> {
  const running: Call | undefined = deps.calls?.get(appKey, callId);
  if (running)
    return {
      record: { ...running.toRecord(0), endAt: 0, durationMs: 0 },
      live: true,
      ...(running.roomMode ? { mode: running.roomMode } : {}),
    };
  const record = await deps.storage.calls.get(appKey, callId);
  if (record) return { record, live: false };
  const journaled = await deps.storage.activeCalls.get(appKey, callId);
  if (!journaled) return undefined;
  try {
    const { call } = callFromSnapshot(journaled.snapshot);
    return { record: { ...call.toRecord(0), endAt: 0, durationMs: 0 }, live: true, ...(call.roomMode ? { mode: call.roomMode } : {}) };
  } catch {
    return undefined;
  }
}

export function createLoadCallDetail(deps: CallDetailDeps): LoadCallDetail {
  return async (appKey, callId) => {
    const found = await findCall(deps, appKey, callId);
    if (!found) return undefined;
    const { telemetry } = deps.storage;
    const [events, setups, samples] = await Promise.all([
      telemetry.events(appKey, callId),
      telemetry.setups(appKey, callId),
      telemetry.samples(appKey, callId, deps.maxSamples ?? MAX_DETAIL_SAMPLES),
    ]);
    const { participants: recordParticipants, ...record } = found.record;
    const participants = recordParticipants.map((p): CallDetailParticipant => {
      const own = samples.filter((s) => s.userId === p.userId);
      const setup = setups.find((s) => s.userId === p.userId && s.deviceId === p.deviceId) ?? setups.find((s) => s.userId === p.userId);
      const mos = mean(own.flatMap((s) => (s.mos === undefined ? [] : [s.mos])));
      return {
        ...p,
        setup: {
          ...(setup?.inviteToRingingMs === undefined ? {} : { inviteToRingingMs: setup.inviteToRingingMs }),
          ...(setup?.acceptToIceConnectedMs === undefined ? {} : { acceptToIceConnectedMs: setup.acceptToIceConnectedMs }),
          ...(setup?.acceptToFirstFrameMs === undefined ? {} : { acceptToFirstFrameMs: setup.acceptToFirstFrameMs }),
        },
        ...(mos === undefined ? {} : { mos }),
        candidateTypes: candidateTypesOf(own),
      };
    });
    const qualityMos = mean(participants.flatMap((p) => (p.mos === undefined ? [] : [p.mos])));
    const mediaPath = pathOf(record.conversationType, found.mode ?? modeFromEvents(events));
    const detail: CallDetail = {
      call: {
        ...record,
        live: found.live,
        ...(mediaPath ? { mediaPath } : {}),
        ...(samples.some((s) => s.candidateType !== undefined) ? { relayed: samples.some((s) => s.candidateType === 'relay') } : {}),
        ...(qualityMos === undefined ? {} : { qualityMos }),
      },
      participants,
      events,
      samples,
    };
    return detail;
  };
}

function candidateTypesOf(samples: readonly QualitySample[]): CandidateType[] {
  const types = new Set<CandidateType>();
  for (const s of samples) if (s.candidateType) types.add(s.candidateType);
  return [...types].sort();
}
