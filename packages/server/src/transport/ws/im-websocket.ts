/** Mounts the IM WebSocket endpoint (`IM_WEBSOCKET_PATH`) on the HTTP server. */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { IM_WEBSOCKET_PATH, MAX_FRAME_BYTES } from '@opencall/protocol';
import { WebSocket, WebSocketServer } from 'ws';
import { SessionSweeper } from './session-sweeper.js';
import { type SessionDeps, SocketSession } from './socket-session.js';

/** How often hello and heartbeat deadlines are checked. */
const SWEEP_PERIOD_MS = 1000;
/** How long `close()` waits for sockets to finish their close handshake before cutting them. */
const SHUTDOWN_GRACE_MS = 1000;

export interface ImEndpointDeps extends SessionDeps {
  /** Called with a socket's TCP connection once its hello succeeds (the connection guard stops capping it). */
  onAuthenticated?: (connection: Duplex) => void;
}

export function attachImWebSocket(server: Server, deps: ImEndpointDeps): { close(): Promise<void> } {
  // Frames up to 4× the protocol limit are read and answered with OC_FRAME_TOO_LARGE; beyond that ws closes (1009).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES * 4, perMessageDeflate: false });
  const sweeper = new SessionSweeper(SWEEP_PERIOD_MS, (error) => deps.logger.error({ err: error }, 'session sweep failed'));
  server.on('upgrade', (request, socket, head) => {
    const path = (request.url ?? '').split('?')[0];
    // Only the IM path upgrades; anything else is dropped without an answer.
    if (path !== IM_WEBSOCKET_PATH) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const { onAuthenticated } = deps;
      new SocketSession(ws, deps, sweeper, onAuthenticated && (() => onAuthenticated(socket)), request.socket.remoteAddress);
    });
  });
  return {
    /**
     * Stops accepting, lets every socket finish its close handshake (bounded by SHUTDOWN_GRACE_MS) so
     * the frames sent just before — `call.ended`, `bye` — reach the devices, then cuts what is left.
     * Sockets nobody closed yet (e.g. still waiting for a hello) are closed with the standard 1001.
     */
    async close() {
      wss.close();
      sweeper.stop();
      const clients = [...wss.clients];
      const closed = clients.map(
        (client) =>
          new Promise<void>((resolve) => (client.readyState === WebSocket.CLOSED ? resolve() : client.once('close', () => resolve()))),
      );
      for (const client of clients) if (client.readyState === WebSocket.OPEN) client.close(1001, 'server shutting down');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS)))]);
      clearTimeout(timer);
      for (const client of wss.clients) client.terminate();
    },
  };
}
