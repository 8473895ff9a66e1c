/**
 * Whether a call answers signaling: a request that changes nothing — `call.modify_media` to audio on
 * an audio call — which only the node holding the call answers with success (a node that forwards it
 * to a dead owner answers TIMEOUT after its forward wait; a device still reconnecting gets
 * RC_NET_CHANNEL_INVALID at once). Probes leave every `everyMs` without waiting for the previous one,
 * so a probe stuck behind a dead owner does not hide a later answer.
 */
import { RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import type { BenchClient } from './bench-client.js';

export interface ProbeOptions {
  /** Wall-clock origin of the measured interval (`Date.now()` of the kill, shared across processes). */
  since: number;
  everyMs: number;
  /** Give up at this `Date.now()`. */
  deadline: number;
  /** One probe's own timeout. */
  requestTimeoutMs: number;
}

/** Ms from `since` to the first successful answer, or undefined if none came before the deadline. */
export function probeUntilAnswered(client: BenchClient, callId: string, options: ProbeOptions): Promise<number | undefined> {
  return new Promise((resolve) => {
    let done = false;
    let inFlight = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (value: number | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(value);
    };
    const fire = () => {
      if (done) return;
      if (Date.now() >= options.deadline) {
        if (inFlight === 0) finish(undefined);
        return;
      }
      inFlight++;
      void client.context
        .request({ t: 'call.modify_media', callId, mediaType: RCCallMediaType.AUDIO }, options.requestTimeoutMs)
        .then((result) => {
          inFlight--;
          if (result.code === RCCallErrorCode.SUCCESS) finish(Date.now() - options.since);
          else if (Date.now() >= options.deadline && inFlight === 0) finish(undefined);
        });
      timer = setTimeout(fire, options.everyMs);
    };
    fire();
  });
}
