/**
 * What SDP and ICE candidates must look like before either side acts on them, written once for both
 * media paths: P2P signals (`rtc.signal`) and the SFU's frames (`sfu.*`). The schemas bound their
 * size; these check their form. The server refuses a frame that fails (OC_INVALID_FIELD) before it
 * reaches anyone; the SDK drops such a signal or reply before it reaches an RTCPeerConnection.
 */
import type { RtcEvent, RtcSignal } from './rtc-frames.js';
import type { SfuEvent } from './sfu-frames.js';
import type { SfuRequest } from './sfu-requests.js';

/** One SDP line: `<letter>=<value>`, no NUL. */
const SDP_LINE = /^[a-z]=[^\0]*$/;
/** RFC 8839 `candidate-attribute` (without `a=`); the address is an IP or an mDNS name (`<uuid>.local`). */
const CANDIDATE =
  /^candidate:\S{1,32} \d{1,5} (udp|tcp|UDP|TCP) \d{1,10} ([0-9A-Fa-f.:]+|[0-9A-Za-z-]{1,64}\.local) \d{1,5} typ (host|srflx|prflx|relay)( .*)?$/;

/** Why an SDP must not be used (undefined = looks like SDP: `v=0`, then only SDP lines). */
export function sdpProblem(sdp: string | undefined): string | undefined {
  if (!sdp?.startsWith('v=0')) return 'description.sdp must start with v=0';
  const lines = sdp.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const bad = lines.findIndex((line) => !SDP_LINE.test(line));
  return bad >= 0 ? `description.sdp line ${bad + 1} is not an SDP line` : undefined;
}

/**
 * Why a candidate must not be used (undefined = well formed). `null` and the empty candidate mark the
 * end of candidates and are fine.
 */
export function candidateProblem(candidate: { candidate: string } | null): string | undefined {
  if (candidate === null || candidate.candidate === '') return undefined;
  return CANDIDATE.test(candidate.candidate) ? undefined : 'candidate is not an ICE candidate line';
}

/** Why a P2P signal must not be relayed or applied (descriptions other than rollback carry SDP). */
export function signalProblem(signal: RtcSignal): string | undefined {
  if (signal.kind === 'description' && signal.description.type !== 'rollback') return sdpProblem(signal.description.sdp);
  if (signal.kind === 'candidate') return candidateProblem(signal.candidate);
  return undefined;
}

/** Why an SFU request must not reach the SFU (publish carries an offer, start an answer). */
export function sfuRequestProblem(request: SfuRequest): string | undefined {
  switch (request.t) {
    case 'sfu.publish':
      if (request.description.type !== 'offer') return 'sfu.publish carries an offer';
      return sdpProblem(request.description.sdp);
    case 'sfu.start':
      if (request.description.type !== 'answer') return 'sfu.start carries an answer';
      return sdpProblem(request.description.sdp);
    case 'sfu.trickle':
      return candidateProblem(request.candidate);
    case 'sfu.subscribe':
      return undefined;
  }
}

/** Why an SFU event must not be applied (a candidate from the SFU that is not one). */
export function sfuEventProblem(event: SfuEvent): string | undefined {
  return event.type === 'sfu.trickle' ? candidateProblem(event.candidate) : undefined;
}

/** Why a room media event from the server must not be applied (the SDK's check of both paths). */
export function roomEventProblem(event: RtcEvent | SfuEvent): string | undefined {
  if (event.type === 'rtc.signal') return signalProblem(event.signal);
  return event.type.startsWith('sfu.') ? sfuEventProblem(event as SfuEvent) : undefined;
}
