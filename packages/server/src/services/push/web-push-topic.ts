/**
 * The `Topic` header of a call's pushes (RFC 8030 §5.4: at most 32 characters of the base64url
 * alphabet). A push service keeps one undelivered message per topic, so a call's hang-up push replaces
 * its ring push still waiting for an offline browser.
 */
import { createHash } from 'node:crypto';

const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;

/** The call id itself when it fits, else the first 32 characters of its SHA-256 in base64url. */
export function pushTopicFor(callId: string): string {
  if (TOPIC.test(callId)) return callId;
  return createHash('sha256').update(callId).digest('base64url').slice(0, 32);
}
