/**
 * The authorizer core: one decision per event (allow, forbidden, unauthorized)
 * rendered per event format. Every failure path, expected or not, ends as a
 * denial with a fixed reason code; nothing from an exception reaches the caller.
 */
import { loadConfig, type AuthorizerConfig, type Env } from "./config";
import { AuthError, ConfigError, type ReasonCode } from "./errors";
import { detectFormat, normalizeEvent, type NormalizedEvent, type RawEvent } from "./events";
import { fetchJson, type JsonFetcher } from "./fetch";
import { JwksCache } from "./jwks";
import { consoleLogger, type EventFormat, type Logger } from "./log";
import { AuthPolicy, PolicyError, type ContextValue, type IamAuthorizerResult } from "./policy";
import { requiredScopes } from "./scopes";
import { extractToken } from "./token";
import { TokenCache } from "./token-cache";
import { TokenVerifier, type Claims } from "./verify";

export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context?: Record<string, ContextValue>;
}

export type AuthorizerResult = IamAuthorizerResult | SimpleAuthorizerResult;

/** API Gateway turns exactly this message into a 401; anything else is a 500. */
export const UNAUTHORIZED_MESSAGE = "Unauthorized";

export interface AuthorizerOptions {
  /** Environment to read (default process.env). Ignored when `config` is given. */
  env?: Env;
  config?: AuthorizerConfig;
  fetcher?: JsonFetcher;
  logger?: Logger;
  /** Clock in epoch milliseconds (tests); default Date.now. */
  now?: () => number;
  /** Verified-token cache to use (tests inspect it); default one sized by AUTH_TOKEN_CACHE_SIZE. */
  tokenCache?: TokenCache;
}

export interface Authorizer {
  /**
   * Decide one event. `context` is the Lambda context: its
   * getRemainingTimeInMillis() bounds the invocation's time budget (budget.ts).
   */
  handle(event: unknown, context?: unknown): Promise<AuthorizerResult>;
  /** Start loading keys (call at cold start). Never rejects. */
  prefetch(): Promise<void>;
  /** The validated configuration, or undefined when it was invalid. */
  readonly config: AuthorizerConfig | undefined;
  readonly configError: ConfigError | undefined;
}

export function createAuthorizer(options: AuthorizerOptions = {}): Authorizer {
  const logger = options.logger ?? consoleLogger;
  const env = options.env ?? process.env;
  let config: AuthorizerConfig | undefined = options.config;
  let configError: ConfigError | undefined;
  if (config === undefined) {
    try {
      config = loadConfig(env);
    } catch (err) {
      configError = err instanceof ConfigError ? err : new ConfigError("AUTH_*", "could not be read");
      logger.configError(configError.variable, configError.problem);
    }
  }
  // With a broken configuration, HTTP API v2 still needs a well-formed denial.
  const httpResponse = config?.httpResponse ?? (env.AUTH_HTTP_RESPONSE?.trim() === "iam" ? "iam" : "simple");

  let verifier: TokenVerifier | undefined;
  let jwks: JwksCache | undefined;
  if (config !== undefined) {
    const clock = options.now ?? Date.now;
    const tokenCache = options.tokenCache ?? new TokenCache(config.tokenCacheSize);
    const keys: JwksCache = new JwksCache({
      config,
      fetcher: options.fetcher ?? fetchJson,
      logger,
      now: clock,
      onKeysChanged: () => tokenCache.prune((e) => keys.isCurrent(e), clock()),
    });
    jwks = keys;
    verifier = new TokenVerifier(config, keys, tokenCache, options.now);
  }

  const simpleHttp = httpResponse === "simple";

  /** Render a denial: HTTP API simple responses say no; everything else gets the exact 401 error. */
  function deny(err: unknown, format: EventFormat): Promise<AuthorizerResult> {
    // A policy that cannot be built for this request's ARN is a bad event.
    const reason: ReasonCode = err instanceof AuthError ? err.reason : err instanceof PolicyError ? "event_invalid" : "internal_error";
    try {
      logger.deny(reason, format);
    } catch {
      // logging must never turn a denial into something else
    }
    if (format === "http-v2" && simpleHttp) return Promise.resolve({ isAuthorized: false });
    return Promise.reject(new Error(UNAUTHORIZED_MESSAGE));
  }

  /** Scope decision and rendering for a verified token (synchronous; may throw). */
  function authorize(req: NormalizedEvent, claims: Claims): AuthorizerResult {
    const simple = simpleHttp && req.format === "http-v2";
    if (config!.scopes !== undefined) {
      for (const scope of requiredScopes(config!.scopes, req)) {
        if (!claims.scopes.includes(scope)) {
          logger.deny("insufficient_scope", req.format);
          if (simple) return { isAuthorized: false };
          return AuthPolicy.forArn(claims.sub, req.arn).denyRequest(req.arn).build();
        }
      }
    }
    if (simple) return { isAuthorized: true, context: { ...claims.context } };
    const policy = AuthPolicy.forArn(claims.sub, req.arn);
    if (config!.routeScoped) policy.allowRequest(req.arn);
    else if (req.format === "websocket") policy.allowRoute("*");
    else policy.allowAllMethods();
    return policy.build(claims.context); // build copies the context
  }

  function handle(event: unknown, context?: unknown): Promise<AuthorizerResult> {
    let format: EventFormat = "unknown";
    try {
      format = detectFormat(event);
      // Route details are needed only by per-route scope rules (a lone `*` entry applies everywhere).
      const req = normalizeEvent(event, format, config?.routeScoped === true);
      if (config === undefined || verifier === undefined) throw new AuthError("config_invalid");
      const token = extractToken(event as RawEvent, req.format, config.tokenSources);
      const verified = verifier.verify(token, context);
      if (verified instanceof Promise) {
        const f = format;
        return verified.then(
          (claims) => {
            try {
              return authorize(req, claims);
            } catch (err) {
              return deny(err, f);
            }
          },
          (err: unknown) => deny(err, f),
        );
      }
      return Promise.resolve(authorize(req, verified));
    } catch (err) {
      return deny(err, format);
    }
  }

  return {
    handle,
    prefetch: () => (jwks ? jwks.prefetch() : Promise.resolve()),
    config,
    configError,
  };
}
