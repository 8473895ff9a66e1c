/**
 * Devices coming and going, as the call service sees them:
 * - a device that connects gets the invitations still ringing for its user (and its offline records);
 * - a participant's chosen device that drops has `graceMs` to come back before it leaves with NETWORK_ERROR.
 */
import type { ImConnection } from '../im/im-connection.js';
import type { Call } from './call.js';
import type { CallDirectory } from './call-directory.js';

export interface PresenceHooks {
  /** The device's user has at least one other live connection for `deviceId`. */
  isDeviceOnline(appKey: string, userId: string, deviceId: string): boolean;
  replayInvite(connection: ImConnection, call: Call): void;
  deliverOfflineRecords(connection: ImConnection): void;
  graceExpired(call: Call, userId: string, deviceId: string): void;
}

export class DevicePresence {
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly calls: CallDirectory,
    private readonly hooks: PresenceHooks,
    private readonly graceMs: number,
  ) {}

  private static key(appKey: string, userId: string, deviceId: string): string {
    return `${appKey}\u0000${userId}\u0000${deviceId}`;
  }

  /** `resumed`: the device's stream replayed what it missed, invitations included. */
  connected(connection: ImConnection, resumed: boolean): void {
    const key = DevicePresence.key(connection.appKey, connection.userId, connection.deviceId);
    clearTimeout(this.graceTimers.get(key));
    this.graceTimers.delete(key);
    if (resumed) return;
    for (const call of this.calls.callsOf(connection.appKey, connection.userId)) {
      const participant = call.participants.get(connection.userId);
      if (participant && !participant.isCaller && participant.state === 'waiting' && participant.deviceId === undefined) {
        participant.reach();
        this.hooks.replayInvite(connection, call);
      }
    }
    this.hooks.deliverOfflineRecords(connection);
  }

  disconnected(connection: ImConnection): void {
    const { appKey, userId, deviceId } = connection;
    if (this.hooks.isDeviceOnline(appKey, userId, deviceId)) return;
    this.startGrace(appKey, userId, deviceId);
  }

  /** A call restored after a restart: its participant's chosen device has `graceMs` to reconnect. */
  awaitReturn(call: Call, userId: string, deviceId: string): void {
    if (!this.hooks.isDeviceOnline(call.appKey, userId, deviceId)) this.startGrace(call.appKey, userId, deviceId);
  }

  private startGrace(appKey: string, userId: string, deviceId: string): void {
    const involved = this.calls.callsOf(appKey, userId).filter((call) => call.participants.get(userId)?.deviceId === deviceId);
    if (involved.length === 0) return;
    const key = DevicePresence.key(appKey, userId, deviceId);
    clearTimeout(this.graceTimers.get(key));
    const timer = setTimeout(() => {
      this.graceTimers.delete(key);
      for (const call of involved) this.hooks.graceExpired(call, userId, deviceId);
    }, this.graceMs);
    timer.unref?.();
    this.graceTimers.set(key, timer);
  }

  close(): void {
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
  }
}
