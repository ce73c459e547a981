/**
 * JWKS cache for one trusted issuer.
 *
 * - Prefetched at cold start; concurrent refreshes are coalesced.
 * - Keys are used for `maxAge` after a successful fetch; then the next request
 *   awaits a refresh (bounded by the fetch timeout).
 * - If the identity provider cannot be reached, the last good keys are kept for
 *   at most `staleIfError` beyond `maxAge`, then dropped (every request denies).
 * - After a failed fetch no new attempt is made for `retryBackoff` (min of
 *   cooldown and 5 s), so an outage does not add a timeout to every request
 *   (a failed cold-start prefetch does not count: the first request retries).
 * - An unknown `kid` triggers at most one refetch per `cooldown`.
 * - Documents over 150 KB, non-JSON, redirects, non-200 and sets without a
 *   usable signature key are errors. Keys come only from the configured URL.
 */
import type { webcrypto } from "node:crypto";
import { importJWK } from "jose";
import type { AuthorizerConfig } from "./config";
import { isAllowedFetchUrl } from "./config";
import { AuthError, JwksError } from "./errors";
import type { JsonFetcher } from "./fetch";
import { isObject } from "./json-guard";
import type { Logger } from "./log";

export const MAX_KEYS = 100;
/** Longest `kid` accepted, in a key set and in a token header. */
export const MAX_KID_LENGTH = 256;

/** One usable public key from the set, with its CryptoKey per allowed algorithm. */
export interface KeyEntry {
  readonly kid: string;
  readonly fingerprint: string;
  readonly byAlg: ReadonlyMap<string, CryptoKey>;
}

export interface JwksOptions {
  config: AuthorizerConfig;
  fetcher: JsonFetcher;
  logger: Logger;
  now: () => number;
  /** Called after the key set changed (refreshed or dropped). */
  onKeysChanged?: () => void;
}

type Jwk = Record<string, unknown>;
export type CryptoKey = webcrypto.CryptoKey;

function familyOf(alg: string): { kty: string; crv?: string } {
  if (/^(RS|PS)\d{3}$/.test(alg)) return { kty: "RSA" };
  if (alg === "ES256") return { kty: "EC", crv: "P-256" };
  if (alg === "ES384") return { kty: "EC", crv: "P-384" };
  if (alg === "ES512") return { kty: "EC", crv: "P-521" };
  return { kty: "OKP", crv: "Ed25519" }; // EdDSA, Ed25519
}

function isString(v: unknown): v is string {
  return typeof v === "string" && v.length > 0;
}

/** Public members only: private material or symmetric keys are never imported. */
function publicMembers(jwk: Jwk): Jwk | undefined {
  if ("d" in jwk || "k" in jwk || "p" in jwk || "q" in jwk) return undefined;
  if (jwk.kty === "RSA" && isString(jwk.n) && isString(jwk.e)) return { kty: "RSA", n: jwk.n, e: jwk.e };
  if (jwk.kty === "EC" && isString(jwk.crv) && isString(jwk.x) && isString(jwk.y)) {
    return { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y };
  }
  if (jwk.kty === "OKP" && isString(jwk.crv) && isString(jwk.x)) return { kty: "OKP", crv: jwk.crv, x: jwk.x };
  return undefined;
}

export class JwksCache {
  private keys: Map<string, KeyEntry[]> | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private discoveredUri: string | undefined;
  private readonly retryBackoffMs: number;

  constructor(private readonly opts: JwksOptions) {
    this.retryBackoffMs = Math.min(opts.config.jwksCooldownMs, 5000);
  }

  /**
   * Start fetching keys now (cold start). Failures are logged and do not start
   * the retry backoff: if INIT was frozen mid-fetch (provisioned concurrency,
   * SnapStart) or the fetch failed, the first request simply tries again.
   */
  prefetch(): Promise<void> {
    return this.refresh(true).catch(() => undefined);
  }

  /** Cheap synchronous test: may the current keys be used without a refresh? */
  isFresh(now: number): boolean {
    return this.keys !== undefined && now - this.fetchedAt < this.opts.config.jwksMaxAgeMs;
  }

  /** Is this key still in the current, usable set? (verified-token cache check) */
  isCurrent(entry: KeyEntry): boolean {
    const list = this.keys?.get(entry.kid);
    return list !== undefined && list.includes(entry);
  }

  /**
   * Ensure keys are usable: refresh if older than maxAge (subject to the
   * failure backoff), serve stale within the stale-if-error window, else deny.
   */
  async ready(): Promise<void> {
    const { config, now } = this.opts;
    if (this.isFresh(now())) return;
    if (this.inflight) await this.inflight.catch(() => undefined);
    if (!this.isFresh(now()) && now() - this.lastFailureAt >= this.retryBackoffMs) {
      await this.refresh().catch(() => undefined);
    }
    const t = now();
    if (this.keys !== undefined && t - this.fetchedAt < config.jwksMaxAgeMs + config.jwksStaleIfErrorMs) return;
    if (this.keys !== undefined) {
      // Past the stale-if-error bound: never trust these keys again.
      this.keys = undefined;
      this.opts.onKeysChanged?.();
    }
    throw new AuthError("jwks_unavailable");
  }

  /** Synchronous lookup in the current set (no refresh, no refetch): the hot path. */
  peek(kid: string, alg: string): { entry: KeyEntry; key: CryptoKey } | undefined {
    const found = this.lookup(kid, alg);
    return typeof found === "string" ? undefined : found;
  }

  /** Resolve the verification key for a token header's kid and alg. */
  async getKey(kid: string, alg: string): Promise<{ entry: KeyEntry; key: CryptoKey }> {
    const { now } = this.opts;
    if (!this.isFresh(now())) await this.ready();
    let found = this.lookup(kid, alg);
    if (found === "missing" && now() - this.lastAttemptAt >= this.opts.config.jwksCooldownMs) {
      // Unknown kid: perhaps the IdP rotated. One refetch per cooldown window.
      await this.refresh().catch(() => undefined);
      await this.ready();
      found = this.lookup(kid, alg);
    }
    if (typeof found === "string") throw new AuthError("key_not_found");
    return found;
  }

  private lookup(kid: string, alg: string): { entry: KeyEntry; key: CryptoKey } | "missing" | "ambiguous" {
    const list = this.keys?.get(kid);
    if (list === undefined) return "missing";
    let match: { entry: KeyEntry; key: CryptoKey } | undefined;
    for (const entry of list) {
      const key = entry.byAlg.get(alg);
      if (key === undefined) continue;
      if (match !== undefined) return "ambiguous";
      match = { entry, key };
    }
    return match ?? "missing";
  }

  private refresh(prefetch = false): Promise<void> {
    if (this.inflight === undefined) {
      this.inflight = this.doRefresh(prefetch).finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async doRefresh(prefetch: boolean): Promise<void> {
    const { fetcher, config, logger, now } = this.opts;
    this.lastAttemptAt = now();
    let phase: "discovery" | "jwks" = "jwks";
    try {
      let uri = config.jwksUri ?? this.discoveredUri;
      if (uri === undefined) {
        phase = "discovery";
        uri = await this.discover();
        phase = "jwks";
      }
      const doc = await fetcher(uri, config.jwksTimeoutMs);
      const keys = await this.buildKeys(doc);
      this.keys = keys;
      this.fetchedAt = now();
      let count = 0;
      for (const list of keys.values()) count += list.length;
      logger.jwksRefreshed(count);
      this.opts.onKeysChanged?.();
    } catch (err) {
      // A discovered URL that failed is looked up again on the next attempt, so
      // an identity provider that moved its key set is followed (re-checked
      // against the issuer) instead of retried at the old address for ever.
      if (phase === "jwks") this.discoveredUri = undefined;
      if (!prefetch) this.lastFailureAt = now();
      logger.jwksFailure(err instanceof JwksError ? err.kind : "network", phase);
      throw err;
    }
  }

  private async discover(): Promise<string> {
    const { fetcher, config } = this.opts;
    const meta = await fetcher(config.discoveryUri, config.jwksTimeoutMs);
    if (!isObject(meta)) throw new JwksError("invalid_document");
    // OIDC Discovery 1.0 §4.3: the document's issuer must equal the configured one.
    if (meta.issuer !== config.issuer) throw new JwksError("discovery_mismatch");
    const uri = meta.jwks_uri;
    if (typeof uri !== "string" || !isAllowedFetchUrl(uri)) throw new JwksError("invalid_document");
    this.discoveredUri = uri;
    return uri;
  }

  private async buildKeys(doc: unknown): Promise<Map<string, KeyEntry[]>> {
    if (!isObject(doc)) throw new JwksError("invalid_document");
    const list = doc.keys;
    if (!Array.isArray(list)) throw new JwksError("invalid_document");
    const previous = new Map<string, KeyEntry>();
    if (this.keys) for (const entries of this.keys.values()) for (const e of entries) previous.set(e.fingerprint, e);

    const result = new Map<string, KeyEntry[]>();
    for (const raw of list.slice(0, MAX_KEYS)) {
      const entry = await this.toEntry(raw, previous);
      if (entry === undefined) continue;
      const existing = result.get(entry.kid);
      if (existing) existing.push(entry);
      else result.set(entry.kid, [entry]);
    }
    if (result.size === 0) throw new JwksError("no_usable_keys");
    return result;
  }

  private async toEntry(raw: unknown, previous: Map<string, KeyEntry>): Promise<KeyEntry | undefined> {
    if (!isObject(raw)) return undefined;
    const jwk: Jwk = raw;
    const kid = jwk.kid;
    if (!isString(kid) || kid.length > MAX_KID_LENGTH) return undefined;
    if (jwk.use !== undefined && jwk.use !== "sig") return undefined;
    if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify"))) return undefined;
    if (jwk.alg !== undefined && typeof jwk.alg !== "string") return undefined;
    const pub = publicMembers(jwk);
    if (pub === undefined) return undefined;

    const candidates = this.opts.config.algorithms.filter((alg) => {
      if (jwk.alg !== undefined && jwk.alg !== alg) return false;
      const fam = familyOf(alg);
      return fam.kty === pub.kty && (fam.crv === undefined || fam.crv === pub.crv);
    });
    if (candidates.length === 0) return undefined;

    const fingerprint = JSON.stringify([kid, jwk.alg ?? null, pub, candidates]);
    const reused = previous.get(fingerprint);
    if (reused) return reused;

    const byAlg = new Map<string, CryptoKey>();
    for (const alg of candidates) {
      try {
        const key = (await importJWK(pub, alg)) as CryptoKey;
        const modulus = (key.algorithm as { modulusLength?: number }).modulusLength;
        if (modulus !== undefined && modulus < 2048) continue; // weak RSA keys are never used
        byAlg.set(alg, key);
      } catch {
        // Malformed key material for this algorithm: skip it.
      }
    }
    if (byAlg.size === 0) return undefined;
    return Object.freeze({ kid, fingerprint, byAlg });
  }
}
