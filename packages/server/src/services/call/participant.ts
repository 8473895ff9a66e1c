/**
 * One user in a call, owned by the server. Every change goes through an intent below; the state
 * ones run the participant machine (participant-machine.ts), so no other module writes a field.
 */
import type { RCCallEndReason, UserProfile } from '@opencall/protocol';
import { PARTICIPANT_MACHINE, type ParticipantState } from './participant-machine.js';

/** What a journal snapshot gives back of a participant (`restore`). */
export interface RestoredParticipant {
  readonly state: ParticipantState;
  readonly deviceId: string | undefined;
  readonly joinedAt: number;
  readonly leftAt: number;
  readonly endReason: RCCallEndReason | undefined;
  readonly rang: boolean;
  readonly inRoom: boolean;
  readonly profile: UserProfile | undefined;
}

export interface ParticipantInit {
  readonly userId: string;
  readonly isCaller: boolean;
  /** Who invited this user (the caller, or a member for mid-call invites). */
  readonly inviterId: string;
  /** The caller's device; undefined for an invitee until it answers. */
  readonly deviceId: string | undefined;
  readonly joinedAt: number;
  /** Ring deadline (server ms) for an invitee. */
  readonly ringDeadline: number;
  readonly profile: UserProfile | undefined;
  readonly rang: boolean;
  readonly reached: boolean;
}

export class Participant {
  readonly userId: string;
  readonly isCaller: boolean;
  readonly inviterId: string;
  /** Ring deadline (server ms) for an invitee. */
  readonly ringDeadline: number;
  private currentState: ParticipantState = 'waiting';
  private device: string | undefined;
  private joined: number;
  private left = 0;
  private reason: RCCallEndReason | undefined = undefined;
  private rangOnce: boolean;
  private inMediaRoom = false;
  private wasReached: boolean;
  private userProfile: UserProfile | undefined;
  private ringTimer: NodeJS.Timeout | undefined = undefined;

  constructor(init: ParticipantInit) {
    this.userId = init.userId;
    this.isCaller = init.isCaller;
    this.inviterId = init.inviterId;
    this.ringDeadline = init.ringDeadline;
    this.device = init.deviceId;
    this.joined = init.joinedAt;
    this.rangOnce = init.rang;
    this.wasReached = init.reached;
    this.userProfile = init.profile;
  }

  get state(): ParticipantState {
    return this.currentState;
  }
  /** The device that called or answered; undefined while an invitee's devices all ring. */
  get deviceId(): string | undefined {
    return this.device;
  }
  get joinedAt(): number {
    return this.joined;
  }
  get leftAt(): number {
    return this.left;
  }
  get endReason(): RCCallEndReason | undefined {
    return this.reason;
  }
  /** A ringing notice was already forwarded for this user. */
  get rang(): boolean {
    return this.rangOnce;
  }
  /** The chosen device joined the media room. */
  get inRoom(): boolean {
    return this.inMediaRoom;
  }
  /** At least one of the user's devices was connected while the call rang for them. */
  get reached(): boolean {
    return this.wasReached;
  }
  get profile(): UserProfile | undefined {
    return this.userProfile;
  }

  /** The invitee answers on `deviceId`: its ring stops. */
  answer(deviceId: string, now: number, profile: UserProfile | undefined): void {
    this.currentState = PARTICIPANT_MACHINE.next(this.currentState, 'accept');
    this.stopRinging();
    this.device = deviceId;
    this.joined = now;
    this.wasReached = true;
    this.updateProfile(profile);
  }

  /** The caller is in the call once someone answers. */
  join(): void {
    this.currentState = PARTICIPANT_MACHINE.next(this.currentState, 'join');
  }

  /** The participant is out of the call (its own choice, or imposed) with `reason`. */
  leave(now: number, reason: RCCallEndReason): void {
    this.currentState = PARTICIPANT_MACHINE.next(this.currentState, 'leave');
    this.stopRinging();
    this.left = now;
    this.reason = reason;
  }

  enterRoom(): void {
    this.inMediaRoom = true;
  }

  exitRoom(): void {
    this.inMediaRoom = false;
  }

  /** Marks the first ringing notice; false if one was already forwarded. */
  ring(): boolean {
    if (this.rangOnce) return false;
    this.rangOnce = true;
    return true;
  }

  /** One of the user's devices saw the invitation. */
  reach(): void {
    this.wasReached = true;
  }

  /** A newer profile the user sent along with an intent (none: keep the known one). */
  updateProfile(profile: UserProfile | undefined): void {
    if (profile) this.userProfile = profile;
  }

  /** The ring stops with `timer` (replacing any earlier one). */
  ringUntil(timer: NodeJS.Timeout): void {
    clearTimeout(this.ringTimer);
    this.ringTimer = timer;
  }

  stopRinging(): void {
    clearTimeout(this.ringTimer);
    this.ringTimer = undefined;
  }

  /** Back to the state a journal snapshot holds (deserialisation: no machine step, no timers). */
  restore(saved: RestoredParticipant): void {
    this.currentState = saved.state;
    this.device = saved.deviceId;
    this.joined = saved.joinedAt;
    this.left = saved.leftAt;
    this.reason = saved.endReason;
    this.rangOnce = saved.rang;
    this.inMediaRoom = saved.inRoom;
    this.userProfile = saved.profile;
  }
}
