/**
 * Typed errors with stable reason codes.
 *
 * A reason code is the only thing the authorizer logs about a denial: it never
 * carries token text, claim values, key ids, URLs or upstream responses.
 */

export const REASONS = [
  // request / event
  "event_invalid",
  "path_not_canonical",
  "missing_token",
  "token_ambiguous",
  "token_too_large",
  "token_malformed",
  // header
  "alg_not_allowed",
  "kid_missing",
  "header_forbidden",
  "crit_unsupported",
  "json_duplicate_key",
  "json_forbidden_key",
  // keys
  "key_not_found",
  "jwks_unavailable",
  // signature and claims
  "signature_invalid",
  "token_expired",
  "token_not_yet_valid",
  "claim_missing",
  "claim_invalid",
  "issuer_mismatch",
  "audience_mismatch",
  "token_use_mismatch",
  // authorisation
  "insufficient_scope",
  // operational
  "config_invalid",
  "internal_error",
] as const;

export type ReasonCode = (typeof REASONS)[number];

/** A denial with a fixed reason code. The message is the reason code itself. */
export class AuthError extends Error {
  readonly reason: ReasonCode;
  constructor(reason: ReasonCode) {
    super(reason);
    this.name = "AuthError";
    this.reason = reason;
  }
}

/** Invalid configuration: names the variable and the rule, never echoes the value. */
export class ConfigError extends Error {
  readonly variable: string;
  readonly problem: string;
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
    this.variable = variable;
    this.problem = problem;
  }
}

/** Failure to obtain usable keys; `kind` is a fixed code safe to log. */
export type JwksFailureKind =
  | "timeout"
  | "network"
  | "http_status"
  | "redirect"
  | "too_large"
  | "not_json"
  | "invalid_document"
  | "no_usable_keys"
  | "discovery_mismatch";

export class JwksError extends Error {
  readonly kind: JwksFailureKind;
  constructor(kind: JwksFailureKind) {
    super(`jwks ${kind}`);
    this.name = "JwksError";
    this.kind = kind;
  }
}
