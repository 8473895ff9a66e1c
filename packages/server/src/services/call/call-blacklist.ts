/**
 * Blacklists in calls (README "Blacklists in calls"). RongCloud documents the blacklist only for 1:1
 * messages (a blacklisted sender gets 405 → CallLib 53202); for group calls OpenCall refuses too:
 * - a user is never rung in a call that holds someone they blacklisted, whoever invites them, nor
 *   together with an invitee they blacklisted: such an invitee drops out at once with
 *   ADDED_TO_BLACKLIST (103), which the others see;
 * - a user whose call is ringing stops ringing (103, on every device) when they blacklist someone
 *   in that call, or when someone they blacklisted is invited into it;
 * - an answered call is left alone, and a user's own blacklist never stops the calls they place.
 */
import type { BlacklistStore } from '../../ports/index.js';
import type { Call, Participant } from './call.js';

/** What inviting `invitees` into a call means under the blacklist rule. */
export interface InviteBlocks {
  /** Invitees never rung (103): they blacklisted a member of the call or another invitee. */
  blocked: Set<string>;
  /** Members ringing for the call who blacklisted one of the invitees that will ring: they stop (103). */
  ringsToStop: Set<string>;
}

/**
 * The rule applied to blacklist entries `[owner, blocked]` among the call's members and the
 * invitees. `ringing`: members whose invitation rings now (invitees who have not answered). Pure.
 */
export function inviteBlocksFrom(
  entries: readonly (readonly [string, string])[],
  members: readonly string[],
  ringing: readonly string[],
  invitees: readonly string[],
): InviteBlocks {
  const inCall = new Set([...members, ...invitees]);
  const newcomers = new Set(invitees);
  const blocked = new Set<string>();
  for (const [owner, other] of entries) {
    if (newcomers.has(owner) && owner !== other && inCall.has(other)) blocked.add(owner);
  }
  const ringsToStop = new Set<string>();
  const ringingMembers = new Set(ringing);
  for (const [owner, other] of entries) {
    if (ringingMembers.has(owner) && !newcomers.has(owner) && newcomers.has(other) && !blocked.has(other)) ringsToStop.add(owner);
  }
  return { blocked, ringsToStop };
}

/** Looks the entries up (one query) and applies `inviteBlocksFrom` to `call` and `invitees`. */
export async function inviteBlocks(
  blacklists: Pick<BlacklistStore, 'entriesAmong'>,
  call: Call,
  invitees: readonly string[],
): Promise<InviteBlocks> {
  const present = call.present();
  const members = present.map((p) => p.userId);
  const ringing = present.filter((p) => !p.isCaller && p.state === 'waiting').map((p) => p.userId);
  const everyone = [...new Set([...members, ...invitees])];
  const entries = await blacklists.entriesAmong(call.appKey, everyone, everyone);
  return inviteBlocksFrom(entries, members, ringing, invitees);
}

/**
 * `ownerId` just blacklisted `blockedIds`: their invitations that ring in one of `calls` where one of
 * the blocked users is present (caller, ringing or answered). Pure.
 */
export function ringsStoppedByBlacklist(calls: readonly Call[], ownerId: string, blockedIds: readonly string[]): [Call, Participant][] {
  const blocked = new Set(blockedIds);
  const stops: [Call, Participant][] = [];
  for (const call of calls) {
    const owner = call.participants.get(ownerId);
    if (!owner || owner.isCaller || owner.state !== 'waiting') continue;
    if (call.present().some((p) => p.userId !== ownerId && blocked.has(p.userId))) stops.push([call, owner]);
  }
  return stops;
}
