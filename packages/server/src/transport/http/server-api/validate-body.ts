/** Validates a decoded body with a protocol schema; failures name the offending field. */
import * as z from 'zod/mini';
import { ServerApiFailure } from './server-api-failure.js';

function isEmptyBody(body: unknown): boolean {
  if (body === undefined || body === null || body === '') return true;
  return typeof body === 'object' && Object.keys(body).length === 0;
}

function parseWith<S extends z.ZodMiniType>(schema: S, body: object): z.infer<S> {
  const result = z.safeParse(schema, body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path[0];
  if (field === undefined) throw ServerApiFailure.badBody('invalid body');
  const name = String(field);
  const missing = (body as Record<string, unknown>)[name] === undefined;
  throw ServerApiFailure.param(name, missing ? 'is required' : 'is invalid');
}

/**
 * @throws ServerApiFailure 1003 when there is no body, 1002 naming the first bad field
 */
export function validateBody<S extends z.ZodMiniType>(schema: S, body: unknown): z.infer<S> {
  if (isEmptyBody(body)) throw ServerApiFailure.noPostData();
  if (typeof body !== 'object' || body === null) throw ServerApiFailure.badBody('body must be form-encoded or a JSON object');
  return parseWith(schema, body);
}

/** Like {@link validateBody}, but an absent or empty body means "all defaults" (query endpoints). */
export function validateOptionalBody<S extends z.ZodMiniType>(schema: S, body: unknown): z.infer<S> {
  return isEmptyBody(body) ? parseWith(schema, {}) : validateBody(schema, body);
}
