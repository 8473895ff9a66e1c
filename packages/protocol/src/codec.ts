/** Decoding of wire frames with catalogued errors: the only way frames enter either side (client frames: client-frames.ts). */

import type { ClientFrame } from './client-frames.js';
import { ErrorCode } from './codes/im-error-code.js';
import { ServerFrame } from './frames.js';
import { MAX_FRAME_BYTES } from './version.js';

/** A decoded frame, or why it was refused; `type` names the frame type when it was known (a valid `t`). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; rid?: number; type?: string };

function parseJsonObject(text: string): Decoded<Record<string, unknown>> {
  if (text.length > MAX_FRAME_BYTES)
    return { ok: false, code: ErrorCode.OC_FRAME_TOO_LARGE, message: `frame larger than ${MAX_FRAME_BYTES} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: ErrorCode.OC_MALFORMED_FRAME, message: 'frame is not valid JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: ErrorCode.OC_MALFORMED_FRAME, message: 'frame is not a JSON object' };
  }
  return { ok: true, value: raw as Record<string, unknown> };
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string; code?: string }[]): string {
  return issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.code ?? i.message}`)
    .join('; ');
}

/** Parse `text` as one JSON object and check it with `schema` (frames discriminated by `discriminator`). */
export function decodeWith<T>(
  text: string,
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string; code?: string }[] } };
  },
  knownTypes: ReadonlySet<string>,
  discriminator: string,
): Decoded<T> {
  const obj = parseJsonObject(text);
  if (!obj.ok) return obj;
  const rid = typeof obj.value.rid === 'number' && Number.isInteger(obj.value.rid) && obj.value.rid >= 0 ? obj.value.rid : undefined;
  const kind = obj.value[discriminator];
  if (typeof kind !== 'string' || !knownTypes.has(kind)) {
    return {
      ok: false,
      code: ErrorCode.OC_UNKNOWN_FRAME,
      message: `unknown frame type ${JSON.stringify(kind)?.slice(0, 40)}`,
      ...(rid === undefined ? {} : { rid }),
    };
  }
  const parsed = schema.safeParse(obj.value);
  if (!parsed.success) {
    return {
      ok: false,
      code: ErrorCode.OC_INVALID_FIELD,
      message: describeIssues(parsed.error.issues),
      type: kind,
      ...(rid === undefined ? {} : { rid }),
    };
  }
  return { ok: true, value: parsed.data };
}

export const SERVER_FRAME_TYPES: ReadonlySet<string> = new Set(['welcome', 'ice.servers', 'refused', 'bye', 'pong', 'res', 'error', 'evt']);

/** Decode a frame sent by the server (client side). */
export function decodeServerFrame(text: string): Decoded<ServerFrame> {
  return decodeWith(text, ServerFrame, SERVER_FRAME_TYPES, 't');
}

/** Encode any frame. */
export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}
