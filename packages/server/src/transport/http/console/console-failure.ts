/** Console API errors: `{ code, message }` with a {@link ConsoleErrorCode} and its HTTP status. */
import { CONSOLE_ERROR_HTTP_STATUS, ConsoleErrorCode, type ConsoleErrorReply } from '@opencall/protocol';
import type { FastifyReply } from 'fastify';
import * as z from 'zod/mini';

export class ConsoleFailure extends Error {
  override readonly name = 'ConsoleFailure';
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }

  static param(field: string, problem: string): ConsoleFailure {
    return new ConsoleFailure(ConsoleErrorCode.PARAM_ERROR, `${field}: ${problem}`);
  }

  static notFound(what: string): ConsoleFailure {
    return new ConsoleFailure(ConsoleErrorCode.NOT_FOUND, `${what} not found`);
  }

  static notAvailable(part: string): ConsoleFailure {
    return new ConsoleFailure(ConsoleErrorCode.NOT_AVAILABLE, `${part} is not available on this server`);
  }
}

export function sendConsoleFailure(reply: FastifyReply, failure: ConsoleFailure): FastifyReply {
  const body: ConsoleErrorReply = { code: failure.code, message: failure.message };
  if (failure.retryAfterS !== undefined) {
    body.retryAfterS = failure.retryAfterS;
    reply.header('Retry-After', String(failure.retryAfterS));
  }
  return reply.code(CONSOLE_ERROR_HTTP_STATUS[failure.code]).header('Cache-Control', 'no-store').send(body);
}

/** `input` checked against `schema`; a {@link ConsoleFailure} naming the first bad field otherwise. */
export function parseInput<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const parsed = z.safeParse(schema, input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : 'body';
  throw ConsoleFailure.param(field, issue?.message ?? 'is invalid');
}

/** The dependency, or a `console.not_available` failure naming it. */
export function required<T>(part: T | undefined, name: string): T {
  if (part === undefined) throw ConsoleFailure.notAvailable(name);
  return part;
}

export function internalFailure(): ConsoleFailure {
  return new ConsoleFailure(ConsoleErrorCode.INTERNAL, 'internal error (see the server log)');
}
