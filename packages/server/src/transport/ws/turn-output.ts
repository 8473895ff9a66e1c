/**
 * Frames written to one socket while the server handles one thing — a message, a timer, a commit —
 * leave in one write: the socket is corked at its first frame and uncorked once that callback and its
 * microtasks are done (`process.nextTick`), so a burst — a call's `call.member_left` then
 * `call.ended`, a group's member changes, an answer and the events it caused to the same device —
 * costs one `writev` syscall instead of one per frame, and nothing waits for other sockets' work.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

export class TurnOutput {
  private readonly corked = new Set<Socket>();
  private scheduled = false;

  /** Hold the socket's output until the current callback is done (call before each send). */
  hold(ws: WebSocket): void {
    const socket = (ws as unknown as { _socket?: Socket })._socket;
    if (!socket || this.corked.has(socket)) return;
    socket.cork();
    this.corked.add(socket);
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(() => this.release());
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
