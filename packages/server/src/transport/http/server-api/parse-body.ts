/**
 * Request-body decoding for the server API: form-encoded with repeated keys (`userId=a&userId=b`
 * → `['a','b']`), or JSON (also when a client declares a form type but sends JSON, as some
 * RongCloud clients do).
 */

/** A decoded form: a key given once is a string, a repeated key an array. */
export type FormFields = Record<string, string | string[]>;

/** Decodes `application/x-www-form-urlencoded` text; the result has no prototype. */
export function parseFormBody(text: string): FormFields {
  const fields: FormFields = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    const existing = fields[key];
    if (existing === undefined) fields[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else fields[key] = [existing, value];
  }
  return fields;
}

/** Thrown when a body is neither valid JSON nor a form. */
export class BodySyntaxError extends Error {
  override readonly name = 'BodySyntaxError';
}

/** Parses JSON text that must hold an object. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BodySyntaxError('body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BodySyntaxError('JSON body must be an object');
  return value as Record<string, unknown>;
}

/** Form text, or JSON when the text looks like a JSON object. */
export function parseFormOrJson(text: string): Record<string, unknown> {
  return text.trimStart().startsWith('{') ? parseJsonObject(text) : parseFormBody(text);
}
