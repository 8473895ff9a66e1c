/**
 * Drives one P2P link's recovery machine (link-recovery-state.ts): counts attempts, times each
 * attempt's window and asks the link whether it is healthy when a window passes. Bounded: at most
 * `maxRestarts` ICE restarts, then at most `maxRelinks` new connections, then the link is given up.
 * A recovery (media flowing again) starts the count over.
 */
import { LINK_RECOVERY_MACHINE, type LinkRecoveryEvent, type LinkRecoveryState } from './link-recovery-state.js';

export interface LinkRecoveryPolicy {
  /** How long one ICE restart may take before the next attempt. */
  restartWindowMs: number;
  maxRestarts: number;
  /** How long one new connection may take before the next attempt. */
  relinkWindowMs: number;
  maxRelinks: number;
}

/**
 * ≈1 s to notice + one ICE restart of 1.2 s + 3 × 8 s of new connections before giving up (≈26 s).
 * One short restart: measured in Chromium, an ICE restart that works does so within ≈1.2 s, and a
 * handover (the network in use gone, another up) is faster through a new connection (≈2.7 s in all)
 * than through further restarts (4–6 s: Chrome keeps the dead pair selected until it times out).
 */
export const DEFAULT_RECOVERY_POLICY: LinkRecoveryPolicy = { restartWindowMs: 1200, maxRestarts: 1, relinkWindowMs: 8000, maxRelinks: 3 };

export interface LinkRecoveryHooks {
  restartIce(): void;
  relink(): void;
  /** Media is back after trouble. */
  recovered(): void;
  giveUp(): void;
  /** Asked when an attempt's window passes. */
  isHealthy(): boolean;
  log(message: string): void;
}

export class LinkRecovery {
  #state: LinkRecoveryState = 'watching';
  #restarts = 0;
  #relinks = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly hooks: LinkRecoveryHooks,
    private readonly policy: LinkRecoveryPolicy = DEFAULT_RECOVERY_POLICY,
  ) {}

  get state(): LinkRecoveryState {
    return this.#state;
  }

  /** ICE went bad or inbound media stopped. */
  trouble(reason: string): void {
    if (this.#state === 'watching') this.hooks.log(`trouble (${reason})`);
    this.#dispatch('trouble');
  }

  healthy(): void {
    this.#dispatch('healthy');
  }

  /** The remote user replaced the connection. */
  remoteRelinked(): void {
    this.#dispatch('remote_relink');
  }

  close(): void {
    this.#dispatch('close');
  }

  #dispatch(event: LinkRecoveryEvent): void {
    if (this.#state === 'closed') return;
    const from = this.#state;
    const edge = LINK_RECOVERY_MACHINE.next(from, event);
    this.#state = edge.to;
    if (from === 'watching' && edge.to !== 'watching') {
      this.#restarts = 0;
      this.#relinks = 0;
    }
    switch (edge.action) {
      case 'restart_ice':
        this.#restarts += 1;
        this.hooks.log(`ICE restart ${this.#restarts}/${this.policy.maxRestarts}`);
        this.#arm(this.policy.restartWindowMs);
        this.hooks.restartIce();
        return;
      case 'relink':
        this.#relinks += 1;
        this.hooks.log(`new connection ${this.#relinks}/${this.policy.maxRelinks}`);
        this.#arm(this.policy.relinkWindowMs);
        this.hooks.relink();
        return;
      case 'wait':
        this.#arm(this.policy.relinkWindowMs);
        return;
      case 'recovered':
        this.#disarm();
        this.hooks.log('recovered');
        this.hooks.recovered();
        return;
      case 'give_up':
        this.#disarm();
        this.hooks.log('giving up');
        this.hooks.giveUp();
        return;
      case 'none':
        if (edge.to === 'closed') this.#disarm();
        return;
    }
  }

  #arm(ms: number): void {
    this.#disarm();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#windowPassed();
    }, ms);
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #windowPassed(): void {
    if (this.hooks.isHealthy()) {
      this.#dispatch('healthy');
      return;
    }
    const attemptsLeft = this.#state === 'restarting' ? this.#restarts < this.policy.maxRestarts : this.#relinks < this.policy.maxRelinks;
    this.#dispatch(attemptsLeft ? 'retry' : 'exhausted');
  }
}
