/**
 * Who may call the server API, and only once per signed request. In order:
 *
 *   headers present → version allowed → timestamp well-formed and inside the window (±windowS)
 *   → signature (v1 from the headers; v2 also over method, path?query and the raw body)
 *   → [rate limit, by the caller] → nonce never seen for this App Key within the window
 *
 * The nonce is remembered only once the signature verified, so forged requests cannot fill the store.
 * A disabled app gets 1006 (after its signature verified). After a secret rotation the previous secret
 * signs too until its grace period ends. An unknown App Key gets the same answer as a wrong signature, after computing a signature with a
 * throw-away secret, so the two cannot be told apart by the reply or (much) by its timing. Every
 * refusal is counted and logged (rate-limited) with its reason; the reply's message says why without
 * any secret material.
 */
import { randomBytes } from 'node:crypto';
import type { AppRecord, AppStore, NonceStore } from '../../../ports/index.js';
import { acceptedSecrets } from '../../../services/apps/app-secrets.js';
import type { ApiSignatureRefusal } from '../../../services/security/security-counters.js';
import type { SecurityEventLog } from '../../../services/security/security-event-log.js';
import { ServerApiFailure } from './server-api-failure.js';
import { computeSignature, computeSignatureV2, readSignatureHeaders, signatureMatches, timestampToMs } from './verify-signature.js';

/** Default accepted clock difference between the caller and the server (env `OPENCALL_API_SIGNATURE_WINDOW_S`). */
export const DEFAULT_SIGNATURE_WINDOW_S = 300;
/** Longest accepted `Nonce` (RongCloud documents ≤ 18 characters; SDKs send up to 19 digits). */
export const MAX_NONCE_LENGTH = 64;

/** The signing headers of one request, checked for shape and freshness, not yet for authenticity. */
export interface SignatureClaim {
  version: 1 | 2;
  appKey: string;
  nonce: string;
  timestamp: string;
  timestampMs: number;
  signature: string;
  remoteAddress: string | undefined;
}

/** The request parts a version-2 signature covers. */
export interface SignedRequestParts {
  method: string;
  /** Path and query exactly as sent (Fastify's `request.url`). */
  url: string;
  /** Raw body bytes (empty when there is none). */
  body: Uint8Array;
}

export interface RequestAuthenticatorOptions {
  apps: Pick<AppStore, 'get'>;
  nonces: NonceStore;
  /** Accepted difference between the request's timestamp and the server clock, in seconds. */
  windowS: number;
  /** Refuse version-1 (RongCloud SHA-1) signatures. */
  requireV2: boolean;
  /**
   * Accept version-1 headers again and again, whatever their age (RongCloud's Node SDK 3.x signs once
   * at `init()` and reuses the headers). Off by default: it gives up replay protection for v1.
   */
  legacyReusedV1?: boolean;
  security: SecurityEventLog;
  /** Wall clock (ms); default `Date.now`. */
  now?: () => number;
}

export class RequestAuthenticator {
  readonly #o: RequestAuthenticatorOptions;
  readonly #now: () => number;
  /** Stands in for the secret of an unknown App Key, so its answer costs the same work. */
  readonly #decoySecret = randomBytes(18).toString('base64url');

  constructor(options: RequestAuthenticatorOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Reads the signing headers and checks everything that needs neither the app nor the body.
   * @throws ServerApiFailure 1004
   */
  claim(headers: Record<string, string | string[] | undefined>, remoteAddress?: string): SignatureClaim {
    const { appKey, nonce, timestamp, signature, version } = readSignatureHeaders(headers);
    const context = { appKey, remoteAddress };
    if (appKey === undefined) throw this.#refuse('missing_header', 'App-Key header missing', context);
    if (nonce === undefined) throw this.#refuse('missing_header', 'Nonce header missing', context);
    if (timestamp === undefined) throw this.#refuse('missing_header', 'Timestamp header missing', context);
    if (signature === undefined) throw this.#refuse('missing_header', 'Signature header missing', context);
    if (version !== undefined && version !== '1' && version !== '2') {
      throw this.#refuse('bad_version', 'unsupported signature version (send 1 or 2)', context);
    }
    const parsedVersion = version === '2' ? 2 : 1;
    if (parsedVersion === 1 && this.#o.requireV2) {
      throw this.#refuse('v2_required', 'signature version 2 required (X-OpenCall-Signature-Version: 2)', context);
    }
    if (nonce.length > MAX_NONCE_LENGTH) throw this.#refuse('bad_nonce', `Nonce longer than ${MAX_NONCE_LENGTH} characters`, context);
    const timestampMs = timestampToMs(timestamp);
    if (timestampMs === undefined) throw this.#refuse('bad_timestamp', 'Timestamp must be epoch seconds or milliseconds', context);
    const legacy = parsedVersion === 1 && this.#o.legacyReusedV1 === true;
    if (!legacy && Math.abs(this.#now() - timestampMs) > this.#o.windowS * 1000) {
      throw this.#refuse('stale_timestamp', `Timestamp is more than ${this.#o.windowS} s away from the server clock`, context);
    }
    return { version: parsedVersion, appKey, nonce, timestamp, timestampMs, signature, remoteAddress };
  }

  /**
   * Checks the signature of a claim (version 2 needs the request parts) and returns its app.
   * @throws ServerApiFailure 1004 (unknown App Key and wrong signature alike)
   */
  async verify(claim: SignatureClaim, parts?: SignedRequestParts): Promise<AppRecord> {
    const app = await this.#o.apps.get(claim.appKey);
    // After a rotation the previous secret signs too, until its grace period ends.
    const secrets = app ? acceptedSecrets(app, this.#now()) : [this.#decoySecret];
    const expected = (secret: string) =>
      claim.version === 2
        ? computeSignatureV2(secret, claim.nonce, claim.timestamp, parts?.method ?? '', parts?.url ?? '', parts?.body ?? new Uint8Array())
        : computeSignature(secret, claim.nonce, claim.timestamp);
    const matches = secrets.some((secret) => signatureMatches(claim.signature, expected(secret)));
    if (!app || !matches) {
      throw this.#refuse(app ? 'signature_mismatch' : 'unknown_app_key', 'signature mismatch', claim);
    }
    // Only a caller holding the secret learns that the app is disabled.
    if (app.disabled) throw ServerApiFailure.appDisabled();
    return app;
  }

  /**
   * Marks the claim's nonce as used (call after `verify` and the rate limit).
   * @throws ServerApiFailure 1004 when the nonce was used before; 1008 when the nonce store is full
   */
  async consumeNonce(claim: SignatureClaim): Promise<void> {
    if (claim.version === 1 && this.#o.legacyReusedV1 === true) return;
    const expiresAt = claim.timestampMs + this.#o.windowS * 1000;
    const verdict = await this.#o.nonces.remember(claim.appKey, claim.nonce, expiresAt);
    if (verdict === 'replayed') throw this.#refuse('nonce_reused', 'Nonce already used (send a fresh Nonce with every request)', claim);
    if (verdict === 'full') {
      this.#o.security.record('api_signature_refused', 'nonce_store_full', claim);
      throw ServerApiFailure.replayMemoryFull();
    }
  }

  #refuse(
    reason: ApiSignatureRefusal,
    detail: string,
    context: { appKey?: string | undefined; remoteAddress?: string | undefined },
  ): ServerApiFailure {
    this.#o.security.record('api_signature_refused', reason, context);
    return ServerApiFailure.signature(detail);
  }
}
