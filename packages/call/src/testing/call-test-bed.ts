/**
 * One user's RCCall client for unit tests, without a server: `call.*` requests are answered by the
 * test (`answer`, default success) and recorded, call events are pushed by the test (`emit`), and the
 * media room runs on RCRTC's fake transport over the WebRTC test kit's memory relay (shared by every
 * user of one relay). No I/O, no root.
 */
import type { PluginContext, RequestBody } from '@opencall/imlib';
import {
  type CallInvitedEvent,
  ConversationType,
  checkReply,
  RCCallErrorCode,
  RCCallMediaType,
  rtcSessionIdOf,
  type ServerEvent,
  type UncheckedReply,
} from '@opencall/protocol';
import { createRTCInstaller } from '@opencall/rtc';
import { MemoryRtcRelay } from '@opencall/rtc/testing';
import { RCCallClient } from '../call-client.js';
import type { RCCallSession } from '../call-session.js';
import type { IEndSummary, ISessionListener } from '../types.js';

export type CallRequest = Exclude<RequestBody, { t: `rtc.${string}` }>;

export interface CallTestBed {
  client: RCCallClient;
  /** `call.*` requests sent, in order. */
  requests: CallRequest[];
  /** How the "server" answers a `call.*` request (may wait). */
  answer: (request: CallRequest) => UncheckedReply | Promise<UncheckedReply>;
  /** Delivers a server event to the client, as IMLib does. */
  emit(event: ServerEvent): void;
  /** Sessions reported by `onSession` (each gets a recording listener: `logs`), and closed with their summary. */
  sessions: RCCallSession[];
  logs: Map<RCCallSession, string[]>;
  closed: { session: RCCallSession; summary: IEndSummary | undefined }[];
}

export function callTestBed(userId: string, relay = new MemoryRtcRelay()): CallTestBed {
  const media = relay.createContext(userId);
  const listeners = new Set<(event: ServerEvent) => void>();
  const bed = {
    requests: [] as CallRequest[],
    // Success; an accept is told the call's RTC session id, as the server does.
    answer: ((request: CallRequest) =>
      request.t === 'call.accept'
        ? { code: RCCallErrorCode.SUCCESS, data: { rtcSessionId: rtcSessionIdOf(request.callId, 1) } }
        : { code: RCCallErrorCode.SUCCESS }) as CallTestBed['answer'],
    sessions: [] as RCCallSession[],
    logs: new Map<RCCallSession, string[]>(),
    closed: [] as CallTestBed['closed'],
    emit(event: ServerEvent) {
      for (const listener of [...listeners]) listener(event);
    },
  };
  const context: PluginContext = {
    ...media,
    async request(body) {
      if (body.t.startsWith('rtc.')) return media.request(body);
      bed.requests.push(body as CallRequest);
      // Checked against the protocol's reply map, as IMLib checks what the server answers.
      return checkReply(body.t, await bed.answer(body as CallRequest)).reply;
    },
    onEvent(listener) {
      listeners.add(listener);
      const offMedia = media.onEvent(listener);
      return () => {
        listeners.delete(listener);
        offMedia();
      };
    },
  };
  const rtcClient = createRTCInstaller({ transport: 'fake' }).setup(context, { tag: 'node' }, {});
  const client = new RCCallClient(context, {
    rtcClient,
    onSession: (session) => {
      bed.sessions.push(session);
      const { listener, log } = recordingListener();
      bed.logs.set(session, log);
      session.registerSessionListener(listener);
    },
    onSessionClose: (session, summary) => bed.closed.push({ session, summary }),
    // Call logic tests read the call requests; telemetry has its own tests (src/telemetry).
    telemetry: { enabled: false },
  });
  return Object.assign(bed, { client });
}

/** A session listener that records each callback as `name arg`. */
export function recordingListener(): { listener: ISessionListener<RCCallSession>; log: string[] } {
  const log: string[] = [];
  const listener: ISessionListener<RCCallSession> = {
    onRinging: (sender) => log.push(`onRinging ${sender.userId}`),
    onAccept: (sender) => log.push(`onAccept ${sender.userId}`),
    onHungup: (sender, reason) => log.push(`onHungup ${sender.userId} ${reason}`),
    onMemberModify: (sender) => log.push(`onMemberModify ${sender.userId}`),
    onMediaModify: (sender, mediaType) => log.push(`onMediaModify ${sender.userId} ${mediaType}`),
    onTrackReady: (track) => log.push(`onTrackReady ${track.getTrackId()}`),
  };
  return { listener, log };
}

/** A 1:1 `call.invited` event from `callerId` to `calleeId`. */
export function invitedEvent(callId: string, callerId: string, calleeId: string, extra: Partial<CallInvitedEvent> = {}): CallInvitedEvent {
  return {
    type: 'call.invited',
    callId,
    callerId,
    inviterId: callerId,
    conversationType: ConversationType.PRIVATE,
    targetId: callerId,
    channelId: '',
    mediaType: RCCallMediaType.AUDIO,
    members: [
      { userId: callerId, state: 1 },
      { userId: calleeId, state: 1 },
    ],
    extra: '',
    sentTime: Date.now(),
    ringRemainingMs: 60_000,
    busy: false,
    ...extra,
  };
}
