/**
 * Worker (inside `unshare -n`): `rounds` times, alternating, (1) a 1:1 video call through the SDK
 * in two fresh Chromium contexts — accept() → first presented remote frame — and (2) a bare
 * RTCPeerConnection between two fresh pages — start of signaling → first presented remote frame —
 * with complete ICE (`bare`) and with trickle ICE (`bareTrickle`, the fair baseline).
 * Prints `{"media": {sdk: [ms…], bare: [ms…], bareTrickle: [ms…], sdkCaller: [ms…]}}`.
 *
 *   node --import tsx bench/workers/media.ts <rounds>
 */
import { closeBareCall, runBareCall } from '../../tests/e2e/harness/bare-webrtc.js';
import { startE2eEnv } from '../../tests/e2e/harness/e2e-env.js';
import { MediaType } from '../../tests/e2e/harness/sdk-user.js';
import { measureCall } from '../../tests/e2e/harness/timings.js';

const rounds = Number(process.argv[2] ?? 5);
const env = await startE2eEnv({ label: 'bench-media', budgetMs: 280_000 });
const sdk: number[] = [];
const sdkCaller: number[] = [];
const bare: number[] = [];
const bareTrickle: number[] = [];
let exitCode = 0;
try {
  for (let i = 0; i < rounds; i++) {
    const caller = await env.openSdkUser(`media-a-${i}`);
    const callee = await env.openSdkUser(`media-b-${i}`);
    const callId = await caller.call(callee.userId, MediaType.AUDIO_VIDEO);
    await callee.waitFor({ name: 'onSession', callId });
    await caller.waitFor({ name: 'onRinging', callId });
    await callee.accept(callId);
    await Promise.all([caller.waitForRemoteFrames(callee.userId, 5), callee.waitForRemoteFrames(caller.userId, 5)]);
    const timing = await measureCall(`round ${i}`, callId, caller, callee);
    if (timing.acceptToCalleeFrameMs !== null) sdk.push(timing.acceptToCalleeFrameMs);
    if (timing.acceptToCallerFrameMs !== null) sdkCaller.push(timing.acceptToCallerFrameMs);
    await caller.hangup(callId);
    await Promise.all([caller.page.context().close(), callee.page.context().close()]);

    for (const trickle of [false, true]) {
      const a = await env.openPage(`bare-a-${i}-${trickle ? 'trickle' : 'complete'}`);
      const b = await env.openPage(`bare-b-${i}-${trickle ? 'trickle' : 'complete'}`);
      const result = await runBareCall(a.page, b.page, 5, 20_000, { trickle });
      (trickle ? bareTrickle : bare).push(result.firstFrameMs);
      await closeBareCall(a.page, b.page);
      await Promise.all([a.context.close(), b.context.close()]);
    }
  }
  console.log(JSON.stringify({ media: { sdk, bare, bareTrickle, sdkCaller } }));
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await env.close().catch((error) => console.error(error));
}
process.exit(exitCode);
