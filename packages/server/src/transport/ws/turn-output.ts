/**
 * Frames written to one socket during one turn of the event loop leave in one write: the socket is
 * corked at its first frame and uncorked once, after the turn's I/O callbacks (`setImmediate`), so a
 * burst — a call's `call.member_left` then `call.ended`, a group's member changes, answers and events
 * to the same device — costs one `writev` syscall instead of one per frame. On an idle server the
 * turn ends at once, so nothing waits; under load more frames share each syscall.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

export class TurnOutput {
  private readonly corked = new Set<Socket>();
  private scheduled = false;

  /** Hold the socket's output until the end of this turn (call before each send). */
  hold(ws: WebSocket): void {
    const socket = (ws as unknown as { _socket?: Socket })._socket;
    if (!socket || this.corked.has(socket)) return;
    socket.cork();
    this.corked.add(socket);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.release());
  }

  /** Let the socket's held output go now (before judging what it has not sent, e.g. on abort). */
  flush(ws: WebSocket): void {
    const socket = (ws as unknown as { _socket?: Socket })._socket;
    if (!socket || !this.corked.delete(socket)) return;
    socket.uncork();
  }

  private release(): void {
    this.scheduled = false;
    const sockets = [...this.corked];
    this.corked.clear();
    for (const socket of sockets) socket.uncork();
  }
}

/** One per process: it holds no state beyond the sockets of the current turn. */
export const turnOutput = new TurnOutput();
