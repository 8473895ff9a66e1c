/**
 * A stand-in for a browser's push service on 127.0.0.1: it records every push (headers, raw body) and
 * answers as the test scripts (default 201). With it comes what a browser does with a push: a P-256
 * subscription key pair and auth secret, and the RFC 8291 (`aes128gcm`) decryption of a push body
 * with them — written here with node:crypto (ECDH, HMAC-based HKDF, AES-128-GCM), independent of the
 * `web-push` package that encrypts on the server. And the VAPID check (RFC 8292): the `Authorization:
 * vapid t=<JWT>, k=<key>` header's ES256 signature, audience, expiry and subject.
 */
import { createDecipheriv, createECDH, createHmac, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface ReceivedPush {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
  status: number;
}

export interface PushServiceStandIn {
  /** `http://127.0.0.1:<port>`; subscriptions use `<origin>/push/<name>`. */
  origin: string;
  pushes: ReceivedPush[];
  /** The status answered for a push to `path` (default 201). */
  answer: (path: string) => number;
  until(condition: () => boolean, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startPushServiceStandIn(): Promise<PushServiceStandIn> {
  const standIn: PushServiceStandIn = {
    origin: '',
    pushes: [],
    answer: () => 201,
    async until(condition, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return condition();
    },
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const status = standIn.answer(path);
      standIn.pushes.push({ path, headers: req.headers, body: Buffer.concat(chunks), at: Date.now(), status });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  standIn.origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  standIn.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}

/** What a browser keeps for one subscription: its ECDH key pair and auth secret. */
export interface BrowserSubscriptionKeys {
  ecdh: ReturnType<typeof createECDH>;
  /** Uncompressed public point (65 bytes), base64url: the subscription's `keys.p256dh`. */
  p256dh: string;
  /** 16 random bytes, base64url: `keys.auth`. */
  auth: string;
}

export function newSubscriptionKeys(): BrowserSubscriptionKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

const hmac = (key: Buffer, data: Buffer): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 8291 §3.4 / RFC 8188: the plaintext of an `aes128gcm` push body for `keys`; throws if it does not authenticate. */
export function decryptPush(body: Buffer, keys: BrowserSubscriptionKeys): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body.readUInt8(20);
  const senderPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (idLength !== 65 || record.length > recordSize) throw new Error(`bad aes128gcm header (idlen ${idLength}, rs ${recordSize})`);
  const shared = keys.ecdh.computeSecret(senderPublic);
  const receiverPublic = keys.ecdh.getPublicKey();
  const auth = Buffer.from(keys.auth, 'base64url');
  // IKM = HKDF(auth, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32)
  const prkKey = hmac(auth, shared);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), receiverPublic, senderPublic, Buffer.from([1])]);
  const ikm = hmac(prkKey, keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'binary')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'binary')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // The last (only) record: data, then the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('missing last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

/** RFC 8292: checks the `vapid t=…, k=…` header's ES256 JWT against `publicKey` (base64url, 65 bytes); returns its claims. */
export function verifyVapid(authorization: string | undefined, publicKey: string): VapidClaims {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!match) throw new Error(`not a vapid Authorization header: ${authorization}`);
  const [, jwt, key] = match as unknown as [string, string, string];
  if (key !== publicKey) throw new Error('k= is not the server VAPID key');
  const [header, payload, signature] = jwt.split('.') as [string, string, string];
  if (JSON.parse(Buffer.from(header, 'base64url').toString()).alg !== 'ES256') throw new Error('JWT alg is not ES256');
  const point = Buffer.from(publicKey, 'base64url');
  const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') };
  const ok = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error('VAPID JWT signature does not verify');
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as VapidClaims;
}
