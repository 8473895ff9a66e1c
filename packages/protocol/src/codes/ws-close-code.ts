/**
 * WebSocket close codes the server uses on the IM endpoint (the 4000–4999 private range of RFC 6455).
 * A client treats every one of them as a lost connection and reconnects, resuming its event stream,
 * except after a `refused` frame whose code is fatal (bad token, banned user…).
 */
export enum WsCloseCode {
  /** After a `bye` frame: the server ends the connection (ban, revocation, replaced by the same device, shutdown). */
  BYE = 4000,
  /** After a `refused` frame: the hello failed or came too late. */
  REFUSED = 4001,
  /**
   * The socket's unsent output passed `OPENCALL_WS_MAX_BUFFERED_BYTES` (the peer does not read). The
   * server terminates the TCP connection at once, since a close frame would queue behind that output:
   * the client sees an abnormal closure (1006); the server logs this code.
   */
  SLOW_READER = 4002,
  /** The peer went on sending rejected or over-limit frames far past the rate limit (see README "Slow readers and floods"). */
  FLOODING = 4003,
}
