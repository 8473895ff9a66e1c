/**
 * Hooks a `ConnectionGuard` to the HTTP server: every TCP connection is admitted on `connection` and
 * removed when it closes; the ones it sheds are destroyed. The IM endpoint reports authentications.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { ConnectionGuard, type ConnectionGuardLimits } from './connection-guard.js';

/** A flood sheds thousands of connections: one warning per period, with the count. */
const SHED_LOG_PERIOD_MS = 10_000;

export interface GuardedConnections {
  /** The connection is a WebSocket whose hello succeeded: no longer capped. */
  authenticated(connection: Duplex): void;
}

export function guardConnections(server: Server, limits: ConnectionGuardLimits, logger: Logger): GuardedConnections {
  const guard = new ConnectionGuard<Duplex>(limits);
  let shedSinceLog = 0;
  let lastLogAt = 0;
  server.on('connection', (socket: Socket) => {
    const shed = guard.admit(socket, socket.remoteAddress);
    socket.once('close', () => guard.remove(socket));
    if (shed.length === 0) return;
    for (const victim of shed) victim.destroy();
    shedSinceLog += shed.length;
    const now = Date.now();
    if (now - lastLogAt < SHED_LOG_PERIOD_MS) return;
    logger.warn(
      { shed: shedSinceLog, pending: guard.pendingCount, oldestPendingMs: guard.oldestAgeMs(), ...limits },
      'unauthenticated connections over the cap: the oldest were closed',
    );
    shedSinceLog = 0;
    lastLogAt = now;
  });
  return { authenticated: (connection) => guard.promote(connection) };
}
