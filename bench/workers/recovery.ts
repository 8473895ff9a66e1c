/**
 * Worker (inside `unshare -n`, root): how long video takes to come back after the media path of a 1:1
 * call changes, through the SDK and — the baseline — for a bare RTCPeerConnection with the usual app
 * recipe (ICE restart on `disconnected` / `failed`, signaled by the harness). Chromium runs without
 * loopback ICE; media uses two veth addresses (tests/e2e/harness/media-paths.ts). Kinds:
 * `path-change` (the address in use goes, a new one appears) and `handover` (a second network is up
 * first). Measured from the break to 3 new frames decoded by the callee (the bare call's one direction).
 * Prints `{"recovery": {sdk: {kind: [ms|null…]}, bare: {…}}}` (null: not back within the timeout).
 *
 *   node --import tsx bench/workers/recovery.ts <rounds>
 */
import { closeBareCall, recoverBareCall, runBareCall } from '../../tests/e2e/harness/bare-webrtc.js';
import { startE2eEnv } from '../../tests/e2e/harness/e2e-env.js';
import { addMediaLinks, moveMedia, OLD_PATH, removeMediaLinks, useAddresses } from '../../tests/e2e/harness/media-paths.js';
import { MediaType } from '../../tests/e2e/harness/sdk-user.js';

const KINDS = ['path-change', 'handover'] as const;
type Kind = (typeof KINDS)[number];
const TIMEOUT_MS = 20_000;
const FRAMES = 3;

const rounds = Number(process.argv[2] ?? 3);
addMediaLinks();
const env = await startE2eEnv({ label: 'bench-recovery', budgetMs: 600_000, loopbackIce: false });
const sdk: Record<Kind, (number | null)[]> = { 'path-change': [], handover: [] };
const bare: Record<Kind, (number | null)[]> = { 'path-change': [], handover: [] };
let exitCode = 0;

async function sdkRound(kind: Kind, i: number): Promise<number | null> {
  useAddresses(OLD_PATH);
  const caller = await env.openSdkUser(`rec-a-${kind}-${i}`);
  const callee = await env.openSdkUser(`rec-b-${kind}-${i}`);
  try {
    const callId = await caller.call(callee.userId, MediaType.AUDIO_VIDEO);
    await callee.waitFor({ name: 'onSession', callId });
    await callee.accept(callId);
    await Promise.all([caller.waitForRemoteFrames(callee.userId, 10), callee.waitForRemoteFrames(caller.userId, 10)]);
    await moveMedia(kind);
    const brokeAt = Date.now();
    const ms = await callee.waitForRemoteFrames(caller.userId, FRAMES, TIMEOUT_MS).then(
      () => Date.now() - brokeAt,
      () => null,
    );
    await caller.hangup(callId).catch(() => undefined);
    return ms;
  } finally {
    await Promise.all([caller.page.context().close(), callee.page.context().close()]);
  }
}

async function bareRound(kind: Kind, i: number): Promise<number | null> {
  useAddresses(OLD_PATH);
  const a = await env.openPage(`bare-rec-a-${kind}-${i}`);
  const b = await env.openPage(`bare-rec-b-${kind}-${i}`);
  try {
    await runBareCall(a.page, b.page, 10);
    await moveMedia(kind);
    return await recoverBareCall(a.page, b.page, FRAMES, TIMEOUT_MS);
  } finally {
    await closeBareCall(a.page, b.page).catch(() => undefined);
    await Promise.all([a.context.close(), b.context.close()]);
  }
}

try {
  for (let i = 0; i < rounds; i++) {
    for (const kind of KINDS) {
      sdk[kind].push(await sdkRound(kind, i));
      bare[kind].push(await bareRound(kind, i));
      console.error(`recovery round ${i + 1}/${rounds} ${kind}: sdk ${sdk[kind].at(-1)} ms, bare ${bare[kind].at(-1)} ms`);
    }
  }
  console.log(JSON.stringify({ recovery: { sdk, bare, timeoutMs: TIMEOUT_MS } }));
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await env.close().catch((error) => console.error(error));
  removeMediaLinks();
}
process.exit(exitCode);
