/** CallLib-style call id: 22 url-safe random characters, `_`, Date.now(), `_`, 0–999. Also the RTC room id. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function newCallId(now: number = Date.now()): string {
  const bytes = new Uint8Array(22);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const byte of bytes) id += ALPHABET[byte & 63];
  return `${id}_${now}_${bytes[0]! % 1000}`;
}
