/**
 * What an administrative change of an app does to the running servers, on every node: cached lookups
 * of the app are dropped, and a disabled app's calls in flight end (KICKED_BY_SERVER: the devices see
 * 23, as for a ban) and its devices are disconnected with RC_CONN_APP_BLOCKED_OR_DELETED (31008).
 */
import { ErrorCode } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { NodeBus } from '../../ports/cluster.js';
import type { AppChange } from './app-admin.js';

export interface AppChangeTargets {
  /** Forget cached lookups of the app (and reload what is kept in memory). */
  invalidate(appKey: string): void | Promise<void>;
  /** The calls in flight that this node runs, of every app. */
  callsInFlight(): readonly { appKey: string; participants: ReadonlyMap<string, unknown> }[];
  /** These users leave their calls with KICKED_BY_SERVER. */
  endCallsOf(appKey: string, userIds: string[]): void;
  /** Close this node's device streams of the app. */
  closeDevices(appKey: string, code: number, message: string): void;
}

export class AppChanges {
  constructor(
    private readonly targets: AppChangeTargets,
    private readonly logger: Logger,
    private readonly bus?: Pick<NodeBus, 'broadcast'>,
  ) {}

  /** A change made on this node: applied here, then on every other node. */
  async announce(change: AppChange): Promise<void> {
    this.bus?.broadcast({ t: 'app_changed', ...change });
    await this.apply(change);
  }

  /** A change made here or on another node. */
  async apply(change: AppChange): Promise<void> {
    const { appKey } = change;
    try {
      await this.targets.invalidate(appKey);
    } catch (err) {
      this.logger.error({ err, appKey }, 'could not reload an app after its change');
    }
    if (change.disabled !== true) return;
    const userIds = new Set<string>();
    for (const call of this.targets.callsInFlight()) {
      if (call.appKey === appKey) for (const userId of call.participants.keys()) userIds.add(userId);
    }
    if (userIds.size > 0) this.targets.endCallsOf(appKey, [...userIds]);
    this.targets.closeDevices(appKey, ErrorCode.RC_CONN_APP_BLOCKED_OR_DELETED, 'app is disabled');
    this.logger.warn({ appKey, endedCallsOfUsers: userIds.size }, 'app disabled: its devices are disconnected and its calls end');
  }
}
