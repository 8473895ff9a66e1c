/** Starting a group call between group-driver pages, and waiting until everyone decodes everyone. */
import { expect } from 'vitest';
import type { E2eEnv } from './e2e-env.js';
import { MediaType, type SdkUser } from './sdk-user.js';

const SUCCESS = 10000;

/** Creates the group, the first user calls the others in it, every invitee accepts; returns the call id. */
export async function startGroupCall(env: E2eEnv, groupId: string, users: SdkUser[]): Promise<string> {
  const [caller, ...invitees] = users;
  const reply = await env.server.signedPost('/group/create.json', { userId: users.map((u) => u.userId), groupId, groupName: groupId });
  expect(reply.body.code).toBe(200);
  const { code, callId } = await caller!.page.evaluate((o) => window.__group.callInGroup(o), {
    groupId,
    userIds: invitees.map((u) => u.userId),
    mediaType: MediaType.AUDIO_VIDEO,
  });
  expect(code).toBe(SUCCESS);
  for (const invitee of invitees) {
    await invitee.waitFor({ name: 'onSession', callId: callId! });
    expect((await invitee.page.evaluate(() => window.__group.accept())).code).toBe(SUCCESS);
  }
  return callId!;
}

/** Every user decodes `frames` more frames of every other user's video. */
export async function everyoneDecodesEveryone(users: SdkUser[], frames: number, timeoutMs = 45_000): Promise<void> {
  await Promise.all(
    users.flatMap((user) => users.filter((peer) => peer !== user).map((peer) => user.waitForRemoteFrames(peer.userId, frames, timeoutMs))),
  );
}
