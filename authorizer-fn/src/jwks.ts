/**
 * JWKS cache for one trusted issuer.
 *
 * - Prefetched at cold start; concurrent refreshes are coalesced.
 * - Keys are used for `maxAge` after a successful fetch; then the next request
 *   awaits a refresh (bounded by the fetch timeout).
 * - If the identity provider cannot be reached, the last good keys are kept for
 *   at most `staleIfError` beyond `maxAge`, then dropped (every request denies).
 * - After a failed fetch no new attempt is made for `retryBackoff` (min of
 *   cooldown and 5 s), so an outage does not add a timeout to every request.
 *   That includes a failed cold-start prefetch, unless the attempt took far
 *   longer than its own deadlines allow: then the process was frozen mid-fetch
 *   (Lambda freezes an environment between INIT and its first invocation), which
 *   says nothing about the identity provider, and the next request retries.
 * - Every wait of a request ends at its Deadline (budget.ts); fetches a request
 *   starts are given no more than the time it has left.
 * - An unknown `kid` triggers at most one refetch per `cooldown`.
 * - Documents over 150 KB, non-JSON, redirects, non-200 and sets without a
 *   usable signature key are errors. Keys come only from the configured URL.
 */
import type { webcrypto } from "node:crypto";
import { importJWK } from "jose";
import { MIN_FETCH_MS, fetchesPerRefresh, type Deadline } from "./budget";
import type { AuthorizerConfig } from "./config";
import { isAllowedFetchUrl } from "./config";
import { AuthError, JwksError } from "./errors";
import type { JsonFetcher } from "./fetch";
import { isObject } from "./json-guard";
import type { Logger } from "./log";

export const MAX_KEYS = 100;
/** A failed attempt that took this much longer than its fetch deadlines allow was frozen, not failed. */
export const FROZEN_SLACK_MS = 1000;
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
   * Start fetching keys now (cold start), with no request deadline (INIT has its
   * own). A failure is logged and starts the retry backoff like any other.
   */
  prefetch(): Promise<void> {
    return this.refresh(undefined);
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
   * Waits end at the deadline; an in-flight fetch is shared, never duplicated.
   */
  async ready(deadline: Deadline): Promise<void> {
    const { config, now } = this.opts;
    if (this.isFresh(now())) return;
    if (this.inflight) await deadline.wait(this.inflight);
    if (!this.isFresh(now()) && this.inflight === undefined && now() - this.lastFailureAt >= this.retryBackoffMs) {
      await deadline.wait(this.refresh(deadline));
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
  async getKey(kid: string, alg: string, deadline: Deadline): Promise<{ entry: KeyEntry; key: CryptoKey }> {
    const { now } = this.opts;
    if (!this.isFresh(now())) await this.ready(deadline);
    let found = this.lookup(kid, alg);
    if (found === "missing" && now() - this.lastAttemptAt >= this.opts.config.jwksCooldownMs) {
      // Unknown kid: perhaps the IdP rotated. One refetch per cooldown window.
      await deadline.wait(this.refresh(deadline));
      await this.ready(deadline);
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

  /**
   * One shared refresh. A request's refresh fits its deadline (no fetch starts
   * with less than MIN_FETCH_MS left); the prefetch's has only the fetch deadlines.
   * Never rejects.
   */
  private refresh(deadline: Deadline | undefined): Promise<void> {
    if (this.inflight === undefined) {
      if (deadline !== undefined && deadline.remainingMs() < MIN_FETCH_MS) return Promise.resolve();
      this.inflight = this.doRefresh(deadline)
        .catch(() => undefined)
        .finally(() => {
          this.inflight = undefined;
        });
    }
    return this.inflight;
  }

  /** Deadline of the next fetch: the configured one, shortened to what the request has left. */
  private fetchTimeout(deadline: Deadline | undefined): number {
    const { jwksTimeoutMs } = this.opts.config;
    if (deadline === undefined) return jwksTimeoutMs;
    const left = Math.floor(deadline.remainingMs());
    if (left < MIN_FETCH_MS) throw new JwksError("timeout");
    return Math.min(jwksTimeoutMs, left);
  }

  private async doRefresh(deadline: Deadline | undefined): Promise<void> {
    const { fetcher, config, logger, now } = this.opts;
    const startedAt = now();
    this.lastAttemptAt = startedAt;
    let phase: "discovery" | "jwks" = "jwks";
    let jwksRequested = false;
    try {
      let uri = config.jwksUri ?? this.discoveredUri;
      if (uri === undefined) {
        phase = "discovery";
        uri = await this.discover(this.fetchTimeout(deadline));
        phase = "jwks";
      }
      const timeoutMs = this.fetchTimeout(deadline);
      jwksRequested = true;
      const doc = await fetcher(uri, timeoutMs);
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
      // (Not when the request's budget ran out before the key set was even asked for.)
      if (jwksRequested) this.discoveredUri = undefined;
      const t = now();
      const frozen = t - startedAt > fetchesPerRefresh(config) * config.jwksTimeoutMs + FROZEN_SLACK_MS;
      if (!frozen) this.lastFailureAt = t;
      logger.jwksFailure(err instanceof JwksError ? err.kind : "network", phase);
      throw err;
    }
  }

  private async discover(timeoutMs: number): Promise<string> {
    const { fetcher, config } = this.opts;
    const meta = await fetcher(config.discoveryUri, timeoutMs);
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
