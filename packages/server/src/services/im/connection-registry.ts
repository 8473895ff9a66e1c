/**
 * Every authenticated connection, by app and user: the in-process fan-out. The scale-out build
 * replaces it with one that also publishes to Redis.
 */
import { ErrorCode, type ServerEvent } from '@opencall/protocol';
import type { Logger } from 'pino';
import type { ImConnection } from './im-connection.js';

type ConnectionListener = (connection: ImConnection) => void;

export class ConnectionRegistry {
  private readonly byUser = new Map<string, Set<ImConnection>>();
  private readonly connectedListeners: ConnectionListener[] = [];
  private readonly disconnectedListeners: ConnectionListener[] = [];

  constructor(private readonly logger: Logger) {}

  private static key(appKey: string, userId: string): string {
    return `${appKey}\u0000${userId}`;
  }

  /** Called by services that react to devices coming and going (replay invites, grace timers). */
  onConnected(listener: ConnectionListener): void {
    this.connectedListeners.push(listener);
  }

  onDisconnected(listener: ConnectionListener): void {
    this.disconnectedListeners.push(listener);
  }

  add(connection: ImConnection): void {
    const key = ConnectionRegistry.key(connection.appKey, connection.userId);
    let set = this.byUser.get(key);
    if (!set) {
      set = new Set();
      this.byUser.set(key, set);
    }
    set.add(connection);
    this.notify(this.connectedListeners, connection);
  }

  remove(connection: ImConnection): void {
    const key = ConnectionRegistry.key(connection.appKey, connection.userId);
    const set = this.byUser.get(key);
    if (!set?.delete(connection)) return;
    if (set.size === 0) this.byUser.delete(key);
    this.notify(this.disconnectedListeners, connection);
  }

  /** All live connections of a user. */
  connectionsOf(appKey: string, userId: string): ImConnection[] {
    return [...(this.byUser.get(ConnectionRegistry.key(appKey, userId)) ?? [])];
  }

  /** The live connection of one device of a user, if any. */
  deviceConnection(appKey: string, userId: string, deviceId: string): ImConnection | undefined {
    return this.connectionsOf(appKey, userId).find((c) => c.deviceId === deviceId);
  }

  isOnline(appKey: string, userId: string): boolean {
    return this.byUser.has(ConnectionRegistry.key(appKey, userId));
  }

  /** Send an event to every device of a user, or only to one device when `deviceId` is given. */
  sendToUser(appKey: string, userId: string, event: ServerEvent, deviceId?: string): void {
    for (const connection of this.connectionsOf(appKey, userId)) {
      if (deviceId === undefined || connection.deviceId === deviceId) connection.sendEvent(event);
    }
  }

  /** Close the connections of users whose tokens were revoked before `before`. */
  closeRevoked(appKey: string, userIds: string[], before: number): void {
    for (const userId of userIds) {
      for (const connection of this.connectionsOf(appKey, userId)) {
        if (connection.tokenIssuedAt < before) connection.close(ErrorCode.RC_CONN_TOKEN_EXPIRED, 'token revoked');
      }
    }
  }

  /** Close every connection of these users (ban: 31009). */
  closeUsers(appKey: string, userIds: string[], code: number, message: string): void {
    for (const userId of userIds) for (const connection of this.connectionsOf(appKey, userId)) connection.close(code, message);
  }

  closeAll(): void {
    for (const set of [...this.byUser.values()]) {
      for (const connection of set) connection.close(ErrorCode.OC_SERVER_SHUTDOWN, 'server shutting down');
    }
  }

  private notify(listeners: ConnectionListener[], connection: ImConnection): void {
    for (const listener of listeners) {
      try {
        listener(connection);
      } catch (error) {
        this.logger.error({ err: error }, 'connection listener failed');
      }
    }
  }
}
