/**
 * Configuration: read once from the environment at cold start, validated, and
 * frozen. Any missing, empty, malformed or contradictory value raises a
 * ConfigError naming the variable; the handler then denies every request.
 */
import { HEADER_NAME, parseRouteKey as splitRouteKey, QUERY_NAME, type RouteKey, RouteKeyError, SCOPE_VALUE, VERB_PATH_KEY } from "authguard-apigateway";
import { ConfigError } from "./errors";
import { isObject, scanJson } from "./json-guard";

export type HttpResponseMode = "simple" | "iam";
export type TokenUse = "access" | "id";

export interface TokenSource {
  readonly kind: "header" | "query";
  /** Header names are stored lower-case (matched case-insensitively); query names as given. */
  readonly name: string;
}

/** One parsed AUTH_SCOPES entry. */
export interface ScopeRule {
  readonly key: string;
  /** `$connect`-style keys match the route key literally. */
  readonly literal?: string;
  /** Upper-case verb or `ANY`, for `VERB /path` keys. */
  readonly method?: string;
  /** Path segments; `{x}` is a one-segment parameter, `{x+}` a greedy tail. */
  readonly segments?: readonly string[];
  readonly scopes: readonly string[];
}

export interface ScopeConfig {
  readonly rules: readonly ScopeRule[];
  /** Scopes for the `*` key: applied when no other rule matches. */
  readonly fallback?: readonly string[];
}

export interface AuthorizerConfig {
  readonly issuer: string;
  readonly audiences: readonly string[];
  /** Explicit JWKS URL, or undefined to use OIDC discovery. */
  readonly jwksUri?: string;
  readonly discoveryUri: string;
  readonly algorithms: readonly string[];
  readonly clockToleranceSeconds: number;
  readonly requiredClaims: readonly string[];
  readonly scopes?: ScopeConfig;
  /** True when a decision can depend on the route (scopes for specific routes). */
  readonly routeScoped: boolean;
  readonly tokenSources: readonly TokenSource[];
  readonly httpResponse: HttpResponseMode;
  readonly tokenUse: TokenUse;
  readonly jwksMaxAgeMs: number;
  readonly jwksStaleIfErrorMs: number;
  readonly jwksCooldownMs: number;
  readonly jwksTimeoutMs: number;
  /** Most time one invocation may spend (waiting on the network included); see budget.ts. */
  readonly timeBudgetMs: number;
  readonly tokenCacheSize: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Every variable this authorizer reads; any other AUTH_* variable is a configuration error. */
export const ENV_VARS = [
  "AUTH_ISSUER",
  "AUTH_AUDIENCE",
  "AUTH_JWKS_URI",
  "AUTH_ALGORITHMS",
  "AUTH_CLOCK_TOLERANCE_SECONDS",
  "AUTH_REQUIRED_CLAIMS",
  "AUTH_SCOPES",
  "AUTH_TOKEN_SOURCE",
  "AUTH_HTTP_RESPONSE",
  "AUTH_TOKEN_USE",
  "AUTH_JWKS_CACHE_MAX_AGE_SECONDS",
  "AUTH_JWKS_STALE_IF_ERROR_SECONDS",
  "AUTH_JWKS_COOLDOWN_SECONDS",
  "AUTH_JWKS_TIMEOUT_MS",
  "AUTH_TIME_BUDGET_MS",
  "AUTH_TOKEN_CACHE_SIZE",
] as const;

export const SUPPORTED_ALGORITHMS: readonly string[] = [
  "RS256", "RS384", "RS512",
  "PS256", "PS384", "PS512",
  "ES256", "ES384", "ES512",
  "EdDSA", "Ed25519",
];

export const LIMITS = {
  maxAudiences: 50,
  maxClockToleranceSeconds: 60,
  maxTimeoutMs: 1500,
  minTimeoutMs: 50,
  minTimeBudgetMs: 100,
  // API Gateway waits at most 10 s for an authorizer.
  maxTimeBudgetMs: 10000,
  minMaxAgeSeconds: 30,
  maxMaxAgeSeconds: 86400,
  maxStaleIfErrorSeconds: 86400,
  minCooldownSeconds: 1,
  maxCooldownSeconds: 3600,
  maxTokenCacheSize: 100000,
  maxScopeRules: 300,
  maxTokenSources: 5,
} as const;

export const DEFAULTS = {
  algorithms: "RS256",
  clockToleranceSeconds: 5,
  requiredClaims: "exp,iat,sub",
  httpResponse: "simple" as HttpResponseMode,
  tokenUse: "access" as TokenUse,
  jwksMaxAgeSeconds: 600,
  jwksStaleIfErrorSeconds: 3600,
  jwksCooldownSeconds: 30,
  jwksTimeoutMs: 1500,
  // Discovery + key set at the default fetch deadline.
  timeBudgetMs: 3000,
  tokenCacheSize: 2000,
} as const;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);
const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"]);
const CLAIM_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const PATH_SEGMENT = /^(?:[A-Za-z0-9._~:@!$&'()*+,;=-]+|\{[A-Za-z0-9_.-]+\+?\})$/;
// The components still import these from here; once they import them from authguard-apigateway this line goes.
export { HEADER_NAME, QUERY_NAME, SCOPE_VALUE, VERB_PATH_KEY };

/** Variable present but empty/whitespace is an error; absent returns undefined. */
function optional(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === "") throw new ConfigError(name, "is set but empty; unset it to use the default");
  return value;
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, "is required");
  return value;
}

function list(name: string, value: string): string[] {
  const items = value.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new ConfigError(name, "has an empty entry in the comma-separated list");
  if (new Set(items).size !== items.length) throw new ConfigError(name, "lists the same entry twice");
  return items;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value)) throw new ConfigError(name, "must be a whole number");
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}`);
  return n;
}

/** https:// anywhere, http:// only for loopback hosts. No credentials, no fragment. */
export function checkUrl(name: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, "is not a valid absolute URL");
  }
  if (url.username !== "" || url.password !== "") throw new ConfigError(name, "must not contain credentials");
  if (url.hash !== "") throw new ConfigError(name, "must not contain a fragment");
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return url;
  throw new ConfigError(name, "must use https:// (http:// is allowed only for 127.0.0.1, ::1 and localhost)");
}

export function isAllowedFetchUrl(value: string): boolean {
  try {
    checkUrl("url", value);
    return true;
  } catch {
    return false;
  }
}

function parseAlgorithms(value: string): string[] {
  const algs = list("AUTH_ALGORITHMS", value);
  for (const alg of algs) {
    if (/^none$/i.test(alg) || /^HS\d+$/i.test(alg)) {
      throw new ConfigError("AUTH_ALGORITHMS", "must not include 'none' or symmetric HS* algorithms");
    }
    if (!SUPPORTED_ALGORITHMS.includes(alg)) {
      throw new ConfigError("AUTH_ALGORITHMS", `contains an unsupported algorithm; allowed: ${SUPPORTED_ALGORITHMS.join(", ")}`);
    }
  }
  return algs;
}

function parseRouteKey(key: string): Omit<ScopeRule, "scopes" | "key"> {
  let parsed: RouteKey;
  try {
    parsed = splitRouteKey(key);
  } catch (err) {
    if (err instanceof RouteKeyError) throw new ConfigError("AUTH_SCOPES", "has a route key that is not '*', '$routeKey' or 'VERB /path'");
    throw err;
  }
  if (parsed.kind === "special") return { literal: key };
  const method = parsed.verb.toUpperCase();
  if (!METHODS.has(method)) throw new ConfigError("AUTH_SCOPES", `has a route key with an unknown verb; allowed: ${[...METHODS].join(", ")}`);
  const path = parsed.path;
  const segments = path === "/" ? [] : path.slice(1).split("/");
  segments.forEach((seg, i) => {
    if (!PATH_SEGMENT.test(seg)) throw new ConfigError("AUTH_SCOPES", "has a route path with an empty or invalid segment");
    if (seg.endsWith("+}") && i !== segments.length - 1) {
      throw new ConfigError("AUTH_SCOPES", "has a greedy {param+} segment that is not the last one");
    }
  });
  return { method, segments };
}

function parseScopes(value: string): ScopeConfig {
  const guard = scanJson(value);
  if (guard !== "ok") throw new ConfigError("AUTH_SCOPES", "JSON has duplicate or forbidden member names");
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError("AUTH_SCOPES", "is not valid JSON");
  }
  if (!isObject(parsed)) {
    throw new ConfigError("AUTH_SCOPES", "must be a JSON object mapping route keys to arrays of scopes");
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw new ConfigError("AUTH_SCOPES", "is an empty object; unset it instead");
  if (entries.length > LIMITS.maxScopeRules) throw new ConfigError("AUTH_SCOPES", `has more than ${LIMITS.maxScopeRules} routes`);
  const rules: ScopeRule[] = [];
  let fallback: readonly string[] | undefined;
  const seen = new Set<string>();
  for (const [key, raw] of entries) {
    if (!Array.isArray(raw) || raw.length === 0 || !raw.every((s) => typeof s === "string" && SCOPE_VALUE.test(s))) {
      throw new ConfigError("AUTH_SCOPES", "values must be non-empty arrays of scope strings without spaces");
    }
    const scopes = Object.freeze([...new Set(raw as string[])]);
    if (key === "*") {
      fallback = scopes;
      continue;
    }
    const parsedKey = parseRouteKey(key);
    const canonical = parsedKey.literal ?? `${parsedKey.method} /${parsedKey.segments!.join("/")}`;
    if (seen.has(canonical)) throw new ConfigError("AUTH_SCOPES", "lists the same route twice (route keys are case-insensitive in the verb)");
    seen.add(canonical);
    rules.push(Object.freeze({ key, ...parsedKey, segments: parsedKey.segments && Object.freeze(parsedKey.segments), scopes }));
  }
  return Object.freeze({ rules: Object.freeze(rules), fallback });
}

function parseTokenSources(value: string): TokenSource[] {
  const items = list("AUTH_TOKEN_SOURCE", value);
  if (items.length > LIMITS.maxTokenSources) throw new ConfigError("AUTH_TOKEN_SOURCE", `lists more than ${LIMITS.maxTokenSources} sources`);
  return items.map((item) => {
    const m = /^(header|query):(.+)$/.exec(item);
    if (!m) throw new ConfigError("AUTH_TOKEN_SOURCE", "entries must look like 'header:<Name>' or 'query:<name>'");
    if (m[1] === "header") {
      if (!HEADER_NAME.test(m[2])) throw new ConfigError("AUTH_TOKEN_SOURCE", "has an invalid header name");
      return Object.freeze({ kind: "header" as const, name: m[2].toLowerCase() });
    }
    if (!QUERY_NAME.test(m[2])) throw new ConfigError("AUTH_TOKEN_SOURCE", "has an invalid query parameter name");
    return Object.freeze({ kind: "query" as const, name: m[2] });
  });
}

function enumValue<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(name, `must be one of: ${allowed.join(", ")}`);
  return value as T;
}

/** Validate the environment into an immutable configuration, or throw ConfigError. */
export function loadConfig(env: Env): AuthorizerConfig {
  for (const name of Object.keys(env)) {
    if (name.startsWith("AUTH_") && !(ENV_VARS as readonly string[]).includes(name)) {
      throw new ConfigError(name, `is not a recognised variable (check the spelling); known: ${ENV_VARS.join(", ")}`);
    }
  }

  const issuer = required(env, "AUTH_ISSUER");
  checkUrl("AUTH_ISSUER", issuer);

  const audiences = list("AUTH_AUDIENCE", required(env, "AUTH_AUDIENCE"));
  if (audiences.length > LIMITS.maxAudiences) throw new ConfigError("AUTH_AUDIENCE", `lists more than ${LIMITS.maxAudiences} audiences`);

  const jwksUri = optional(env, "AUTH_JWKS_URI");
  if (jwksUri !== undefined) checkUrl("AUTH_JWKS_URI", jwksUri);
  const discoveryUri = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  if (jwksUri === undefined) checkUrl("AUTH_ISSUER", discoveryUri);

  const algorithms = parseAlgorithms(optional(env, "AUTH_ALGORITHMS") ?? DEFAULTS.algorithms);

  const clockToleranceSeconds = integer(env, "AUTH_CLOCK_TOLERANCE_SECONDS", DEFAULTS.clockToleranceSeconds, 0, LIMITS.maxClockToleranceSeconds);

  const claims = list("AUTH_REQUIRED_CLAIMS", optional(env, "AUTH_REQUIRED_CLAIMS") ?? DEFAULTS.requiredClaims);
  for (const c of claims) {
    if (!CLAIM_NAME.test(c)) throw new ConfigError("AUTH_REQUIRED_CLAIMS", "has an invalid claim name");
  }
  // exp bounds every token's life and sub becomes principalId: both always required.
  const requiredClaims = [...new Set(["exp", "sub", ...claims])];

  const scopesRaw = optional(env, "AUTH_SCOPES");
  const scopes = scopesRaw === undefined ? undefined : parseScopes(scopesRaw);
  const routeScoped = scopes !== undefined && scopes.rules.length > 0;

  const tokenSources = parseTokenSources(optional(env, "AUTH_TOKEN_SOURCE") ?? "header:Authorization");
  const httpResponse = enumValue(env, "AUTH_HTTP_RESPONSE", ["simple", "iam"] as const, DEFAULTS.httpResponse);
  const tokenUse = enumValue(env, "AUTH_TOKEN_USE", ["access", "id"] as const, DEFAULTS.tokenUse);
  if (tokenUse === "id" && scopes !== undefined) {
    throw new ConfigError("AUTH_SCOPES", "cannot be combined with AUTH_TOKEN_USE=id (ID tokens carry no scopes)");
  }

  const maxAge = integer(env, "AUTH_JWKS_CACHE_MAX_AGE_SECONDS", DEFAULTS.jwksMaxAgeSeconds, LIMITS.minMaxAgeSeconds, LIMITS.maxMaxAgeSeconds);
  const stale = integer(env, "AUTH_JWKS_STALE_IF_ERROR_SECONDS", DEFAULTS.jwksStaleIfErrorSeconds, 0, LIMITS.maxStaleIfErrorSeconds);
  const cooldown = integer(env, "AUTH_JWKS_COOLDOWN_SECONDS", DEFAULTS.jwksCooldownSeconds, LIMITS.minCooldownSeconds, LIMITS.maxCooldownSeconds);
  if (cooldown > maxAge) {
    throw new ConfigError("AUTH_JWKS_COOLDOWN_SECONDS", "must not exceed AUTH_JWKS_CACHE_MAX_AGE_SECONDS");
  }
  const timeoutMs = integer(env, "AUTH_JWKS_TIMEOUT_MS", DEFAULTS.jwksTimeoutMs, LIMITS.minTimeoutMs, LIMITS.maxTimeoutMs);
  const timeBudgetMs = integer(env, "AUTH_TIME_BUDGET_MS", DEFAULTS.timeBudgetMs, LIMITS.minTimeBudgetMs, LIMITS.maxTimeBudgetMs);
  const tokenCacheSize = integer(env, "AUTH_TOKEN_CACHE_SIZE", DEFAULTS.tokenCacheSize, 0, LIMITS.maxTokenCacheSize);

  return Object.freeze({
    issuer,
    audiences: Object.freeze(audiences),
    jwksUri,
    discoveryUri,
    algorithms: Object.freeze(algorithms),
    clockToleranceSeconds,
    requiredClaims: Object.freeze(requiredClaims),
    scopes,
    routeScoped,
    tokenSources: Object.freeze(tokenSources),
    httpResponse,
    tokenUse,
    jwksMaxAgeMs: maxAge * 1000,
    jwksStaleIfErrorMs: stale * 1000,
    jwksCooldownMs: cooldown * 1000,
    jwksTimeoutMs: timeoutMs,
    timeBudgetMs,
    tokenCacheSize,
  });
}
