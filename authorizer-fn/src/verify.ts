/**
 * Token verification on jose with a fixed policy:
 * every check that needs no key comes first, before any wait on the network
 * (so garbage is refused in microseconds with its own reason code whatever the
 * identity provider is doing): size cap, shape, header refusals (jku, x5u, jwk,
 * x5c, b64, crit, unlisted alg, missing kid), an `exp` already past; then
 * duplicate / prototype-pollution member names
 * refused in header and payload (payload: after the signature check, by
 * comparing names in the text with members of the parsed claims); key only from the configured JWKS; jose
 * jwtVerify with the algorithm allowlist, exact issuer, required claims and clock
 * tolerance; then audience (or Cognito client_id with token_use), finite numeric
 * dates, future iat and claim types. Verified tokens are cached until `exp`.
 */
import { jwtVerify, type JWTPayload, type JWTVerifyOptions } from "jose";
import { Deadline, invocationBudgetMs } from "./budget";
import type { AuthorizerConfig } from "./config";
import { AuthError, type ReasonCode } from "./errors";
import { countParsedMembers, isObject, scanJson, scanPayload } from "./json-guard";
import { MAX_KID_LENGTH, type CryptoKey, type JwksCache, type KeyEntry } from "./jwks";
import { TokenCache, hashToken } from "./token-cache";

export const MAX_TOKEN_LENGTH = 10 * 1024;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const FORBIDDEN_HEADERS = ["jku", "x5u", "jwk", "x5c", "b64"] as const;
const MAX_REMEMBERED_HEADERS = 64;

/** What the rest of the authorizer may know about a verified token. */
export interface Claims {
  readonly sub: string;
  readonly scopes: readonly string[];
  /** Values for the API Gateway context: strings only. */
  readonly context: Readonly<Record<string, string>>;
}

function deny(reason: ReasonCode): never {
  throw new AuthError(reason);
}

function decodeSegment(segment: string): string {
  return Buffer.from(segment, "base64url").toString("utf8");
}

function guard(text: string): void {
  const r = scanJson(text);
  if (r === "duplicate") deny("json_duplicate_key");
  if (r === "forbidden") deny("json_forbidden_key");
}

function mapJoseError(err: unknown): ReasonCode {
  if (err instanceof AuthError) return err.reason;
  const e = err as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (e?.code) {
    case "ERR_JWT_EXPIRED":
      return "token_expired";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (e.reason === "missing") return "claim_missing";
      if (e.reason === "invalid") return "claim_invalid";
      if (e.claim === "nbf") return "token_not_yet_valid";
      if (e.claim === "iss") return "issuer_mismatch";
      return "claim_invalid";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "signature_invalid";
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return "alg_not_allowed";
    case "ERR_JOSE_NOT_SUPPORTED":
    case "ERR_JWT_INVALID":
    case "ERR_JWS_INVALID":
      return "token_malformed";
    default:
      return "internal_error";
  }
}

function finiteOrAbsent(payload: JWTPayload, claim: "exp" | "nbf" | "iat"): void {
  const v = payload[claim];
  if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) deny("claim_invalid");
}

function audienceMatches(aud: unknown, audiences: readonly string[]): boolean {
  if (aud === undefined) deny("audience_mismatch");
  if (typeof aud === "string") return audiences.includes(aud);
  if (!Array.isArray(aud) || aud.length === 0 || !aud.every((a) => typeof a === "string")) deny("claim_invalid");
  return aud.some((a) => audiences.includes(a));
}

const EMPTY: readonly string[] = Object.freeze([]);

/** What the key-free checks learnt about a token. */
interface Prechecked {
  readonly alg: string;
  readonly kid: string;
  /** Member names in the payload text. */
  readonly names: number;
}

function normalizeScopeString(value: string): string {
  // The common case ("a b c") is returned as is; odd spacing is normalised.
  if (value.indexOf("  ") === -1 && value.charCodeAt(0) !== 32 && value.charCodeAt(value.length - 1) !== 32) return value;
  return value.split(" ").filter((s) => s !== "").join(" ");
}

/** `scope` (space-separated string) and/or `scp` (string or array of strings) as one space-separated string. */
function readScopes(payload: JWTPayload): string {
  const { scope, scp } = payload as { scope?: unknown; scp?: unknown };
  let out = "";
  for (let i = 0; i < 2; i++) {
    const value = i === 0 ? scope : scp;
    if (value === undefined) continue;
    let part: string;
    if (typeof value === "string") part = normalizeScopeString(value);
    else if (Array.isArray(value) && value.every((s) => typeof s === "string")) part = normalizeScopeString(value.join(" "));
    else return deny("claim_invalid");
    if (part !== "") out = out === "" ? part : `${out} ${part}`;
  }
  return out;
}

export class TokenVerifier {
  private readonly joseOptions: JWTVerifyOptions;
  private readonly now: () => number;
  private readonly systemClock: boolean;
  private readonly headers = new Map<string, { readonly alg: string; readonly kid: string }>();
  /** Reused decode buffer for the payload (a token is at most 10 KiB, so its payload decodes to less). */
  private readonly scratch = Buffer.allocUnsafe(MAX_TOKEN_LENGTH);

  constructor(
    private readonly config: AuthorizerConfig,
    private readonly jwks: JwksCache,
    private readonly cache: TokenCache,
    now: (() => number) | undefined,
  ) {
    this.now = now ?? Date.now;
    this.systemClock = now === undefined;
    this.joseOptions = Object.freeze({
      algorithms: [...config.algorithms],
      issuer: config.issuer,
      requiredClaims: [...config.requiredClaims],
      clockTolerance: config.clockToleranceSeconds,
    });
  }

  /**
   * Verify a raw token (without "Bearer "). A verified-token cache hit returns
   * the claims synchronously; otherwise a promise. Failures throw (or reject
   * with) AuthError. Network waits (key refresh, unknown-kid refetch) end at the
   * invocation's deadline (budget.ts), computed from `lambdaContext` only when a
   * wait is needed: that is decided synchronously, microseconds into the
   * invocation, so the hot path pays nothing for it. Kept free of extra async
   * layers: this is the hot path.
   */
  verify(token: string, lambdaContext: unknown): Claims | Promise<Claims> {
    if (token.length > MAX_TOKEN_LENGTH) deny("token_too_large");
    const now = this.now();
    if (this.jwks.isFresh(now)) {
      const digest = hashToken(token);
      const hit = this.cachedClaims(digest, now);
      if (hit !== undefined) return hit;
      return this.verifyChecked(token, digest, this.precheck(token, now), lambdaContext);
    }
    // A refresh after maxAge is what detects keys removed from the JWKS, so it
    // happens before the verified-token cache is consulted; the key-free checks
    // come before it.
    const checked = this.precheck(token, now);
    const deadline = this.deadline(lambdaContext);
    return this.jwks.ready(deadline).then(() => {
      const digest = hashToken(token);
      return this.cachedClaims(digest, this.now()) ?? this.verifyChecked(token, digest, checked, lambdaContext, deadline);
    });
  }

  private cachedClaims(digest: string, now: number): Claims | undefined {
    const hit = this.cache.get(digest, now);
    if (hit === undefined) return undefined;
    // Only exact strings that were verified are cached, so a hit needs no shape check.
    if (this.jwks.isCurrent(hit.keyEntry)) return hit.claims;
    this.cache.delete(digest);
    return undefined;
  }

  private deadline(lambdaContext: unknown): Deadline {
    return Deadline.in(invocationBudgetMs(this.config.timeBudgetMs, lambdaContext));
  }

  /** `deadline`: the one already set for this invocation, if any (else computed from `lambdaContext` when needed). */
  private verifyChecked(token: string, digest: string, checked: Prechecked, lambdaContext: unknown, deadline?: Deadline): Promise<Claims> {
    const { alg, kid, names } = checked;
    const found = this.jwks.peek(kid, alg);
    if (found !== undefined) return this.verifySignature(token, digest, names, found.entry, found.key);
    // Unknown kid (maybe a rotation): the slow path may refetch, once per cooldown.
    return this.jwks.getKey(kid, alg, deadline ?? this.deadline(lambdaContext)).then((k) => this.verifySignature(token, digest, names, k.entry, k.key));
  }

  /**
   * Everything that needs no key: shape, header, and an `exp` already past (read
   * from the unverified payload: a refusal needs no proof). Throws AuthError.
   */
  private precheck(token: string, nowMs: number): Prechecked {
    if (!JWT_SHAPE.test(token)) deny("token_malformed");
    const dot1 = token.indexOf(".");
    const dot2 = token.indexOf(".", dot1 + 1);
    const { alg, kid } = this.checkHeader(token.slice(0, dot1));
    // Member names in the payload text are checked against the parsed claims after the signature.
    const written = this.scratch.write(token.slice(dot1 + 1, dot2), 0, "base64url");
    const { names, exp } = scanPayload(this.scratch, written);
    // The same comparison jose makes (whole seconds, clock tolerance applied).
    if (exp !== undefined && exp <= Math.floor(nowMs / 1000) - this.config.clockToleranceSeconds) deny("token_expired");
    return { alg, kid, names };
  }

  /**
   * Header checks are a pure function of the encoded header, and an issuer's
   * tokens share a handful of headers (one per kid), so accepted headers are
   * remembered (bounded). Refused headers are never cached.
   */
  private checkHeader(segment: string): { alg: string; kid: string } {
    const known = this.headers.get(segment);
    if (known !== undefined) return known;
    const headerText = decodeSegment(segment);
    guard(headerText);
    let header: unknown;
    try {
      header = JSON.parse(headerText);
    } catch {
      return deny("token_malformed");
    }
    if (!isObject(header)) return deny("token_malformed");
    if (Object.hasOwn(header, "crit")) deny("crit_unsupported");
    for (const name of FORBIDDEN_HEADERS) if (Object.hasOwn(header, name)) deny("header_forbidden");
    const alg = header.alg;
    if (typeof alg !== "string" || !this.config.algorithms.includes(alg)) deny("alg_not_allowed");
    const kid = header.kid;
    if (typeof kid !== "string" || kid.length === 0 || kid.length > MAX_KID_LENGTH) deny("kid_missing");
    const checked = Object.freeze({ alg, kid });
    if (this.headers.size >= MAX_REMEMBERED_HEADERS) this.headers.clear();
    this.headers.set(segment, checked);
    return checked;
  }

  private async verifySignature(token: string, digest: string, names: number, entry: KeyEntry, key: CryptoKey): Promise<Claims> {
    let payload: JWTPayload;
    try {
      const options = this.systemClock ? this.joseOptions : { ...this.joseOptions, currentDate: new Date(this.now()) };
      ({ payload } = await jwtVerify(token, key, options));
    } catch (err) {
      return deny(mapJoseError(err));
    }
    // JSON.parse keeps the last of duplicate names: fewer parsed members than
    // names in the text means the payload had duplicates (two parsers could
    // disagree about such a claim). Prototype-pollution names are refused too.
    const parsed = countParsedMembers(payload);
    if (parsed.forbidden) deny("json_forbidden_key");
    if (parsed.members !== names) deny("json_duplicate_key");
    const now = this.now();
    const claims = this.checkClaims(payload, now);
    this.cache.set(digest, { expiresAtMs: (payload.exp as number) * 1000, keyEntry: entry, claims }, now);
    return claims;
  }

  private checkClaims(payload: JWTPayload, nowMs: number): Claims {
    const { config } = this;
    finiteOrAbsent(payload, "exp");
    finiteOrAbsent(payload, "nbf");
    finiteOrAbsent(payload, "iat");
    if (typeof payload.exp !== "number") deny("claim_missing");
    const nowSec = Math.floor(nowMs / 1000);
    if (payload.iat !== undefined && payload.iat > nowSec + config.clockToleranceSeconds) deny("token_not_yet_valid");

    const sub = payload.sub;
    if (typeof sub !== "string" || sub.length === 0) deny("claim_invalid");

    const tokenUse = (payload as { token_use?: unknown }).token_use;
    const clientId = (payload as { client_id?: unknown }).client_id;
    if (clientId !== undefined && typeof clientId !== "string") deny("claim_invalid");
    if (tokenUse !== undefined) {
      // Cognito: access tokens carry client_id (no aud); ID tokens carry aud.
      if (typeof tokenUse !== "string") deny("claim_invalid");
      if (tokenUse !== config.tokenUse) deny("token_use_mismatch");
      if (tokenUse === "access" && clientId !== undefined) {
        if (!config.audiences.includes(clientId)) deny("audience_mismatch");
      } else if (!audienceMatches(payload.aud, config.audiences)) {
        deny("audience_mismatch");
      }
    } else if (!audienceMatches(payload.aud, config.audiences)) {
      deny("audience_mismatch");
    }

    const scope = readScopes(payload);
    const context: Record<string, string> = { sub, iss: config.issuer };
    if (scope !== "") context.scope = scope;
    if (clientId !== undefined) context.client_id = clientId;
    // The scope list is only needed for AUTH_SCOPES checks.
    const scopes = config.scopes !== undefined && scope !== "" ? Object.freeze(scope.split(" ")) : EMPTY;
    return { sub, scopes, context: Object.freeze(context) };
  }
}
