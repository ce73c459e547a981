/**
 * One time budget per invocation, against a slow or hanging identity provider
 * on 127.0.0.1 (real timers, the real fetcher): discovery slow, key set
 * hanging, both, a failed prefetch followed by the first request, a refresh and
 * an unknown-kid refetch cut to the budget, the Lambda context's remaining time.
 * Each bound asserted is a deadline the code enforces, with SLACK_MS to spare for
 * a loaded machine, and below what the IdP would otherwise make the request wait.
 * Also: key-free refusals never wait on the network (issue 15, item 3).
 */
import { strict as assert } from "node:assert";
import { performance } from "node:perf_hooks";
import { createAuthorizer, type Authorizer } from "../../authorizer-fn/src/authorizer";
import { DEFAULTS, loadConfig } from "../../authorizer-fn/src/config";
import { SAFETY_MARGIN_MS, invocationBudgetMs, minimumLambdaTimeoutSeconds, worstCaseWaitMs } from "../../authorizer-fn/src/budget";
import type { ReasonCode } from "../../authorizer-fn/src/errors";
import { CASES, makeCorpusKeys, type Keys } from "../kit/authorizer-corpus";
import { CaptureLogger, Clock, IdpServer, b64, baseClaims, baseEnv, makeKey, restTokenEvent, sign, type TestKey } from "../kit/authorizer";

/** Room for scheduling delays on a loaded 2-core machine. */
const SLACK_MS = 900;

/** Reasons that need the key set: with the IdP down these are jwks_unavailable. */
const KEY_DEPENDENT: ReadonlySet<ReasonCode> = new Set<ReasonCode>([
  "key_not_found", "signature_invalid", "token_not_yet_valid", "claim_missing", "claim_invalid", "issuer_mismatch", "audience_mismatch", "token_use_mismatch",
]);

interface Timed {
  result: unknown;
  ms: number;
}

async function timed(authorizer: Authorizer, event: unknown, context?: unknown): Promise<Timed> {
  const t0 = performance.now();
  let result: unknown;
  try {
    result = await authorizer.handle(event, context);
  } catch (err) {
    result = err instanceof Error && err.message === "Unauthorized" ? "Unauthorized" : err;
  }
  return { result, ms: performance.now() - t0 };
}

const allowed = (r: unknown): boolean => (r as any)?.policyDocument?.Statement?.[0]?.Effect === "Allow";
const lambdaContext = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs });

describe("authorizer-fn time budget (one deadline per invocation)", function () {
  this.timeout(20_000);
  const idp = new IdpServer();
  let key: TestKey;

  before(async () => {
    key = await makeKey("RS256", "key-a");
    await idp.start();
  });
  after(() => idp.stop());
  beforeEach(() => {
    idp.keys = [key.publicJwk];
    idp.mode = { kind: "ok" };
    idp.discoveryDelayMs = 0;
    idp.discoveryOverride = undefined;
    idp.jwksHits = 0;
    idp.discoveryHits = 0;
  });

  /** Configuration by OIDC discovery (no AUTH_JWKS_URI), issuer = the local IdP. */
  const discoveryEnv = (extra: Record<string, string> = {}) => baseEnv(idp, { AUTH_ISSUER: idp.origin, AUTH_JWKS_URI: undefined, ...extra });
  const discoveryToken = () => sign(key, { ...baseClaims(), iss: idp.origin });

  describe("budget arithmetic", () => {
    it("the budget is min(AUTH_TIME_BUDGET_MS, Lambda's remaining time - the safety margin), never negative", () => {
      assert.equal(invocationBudgetMs(3000, undefined), 3000);
      assert.equal(invocationBudgetMs(3000, {}), 3000);
      assert.equal(invocationBudgetMs(3000, lambdaContext(10_000)), 3000);
      assert.equal(invocationBudgetMs(3000, lambdaContext(2000)), 2000 - SAFETY_MARGIN_MS);
      assert.equal(invocationBudgetMs(3000, lambdaContext(100)), 0);
      assert.equal(invocationBudgetMs(3000, { getRemainingTimeInMillis: () => Number.NaN }), 3000);
      assert.equal(invocationBudgetMs(3000, { getRemainingTimeInMillis: () => { throw new Error("x"); } }), 3000);
    });

    it("the worst case per configuration: one fetch with AUTH_JWKS_URI, two with discovery, capped by the budget", () => {
      const base = { AUTH_ISSUER: "https://i.example", AUTH_AUDIENCE: "a" };
      const explicit = loadConfig({ ...base, AUTH_JWKS_URI: "https://i.example/jwks" });
      const discovery = loadConfig(base);
      assert.equal(explicit.timeBudgetMs, DEFAULTS.timeBudgetMs);
      assert.deepEqual([worstCaseWaitMs(explicit), minimumLambdaTimeoutSeconds(explicit)], [1500, 2]);
      assert.deepEqual([worstCaseWaitMs(discovery), minimumLambdaTimeoutSeconds(discovery)], [3000, 4]);
      const capped = loadConfig({ ...base, AUTH_TIME_BUDGET_MS: "1200" });
      assert.deepEqual([worstCaseWaitMs(capped), minimumLambdaTimeoutSeconds(capped)], [1200, 2]);
      const short = loadConfig({ ...base, AUTH_JWKS_TIMEOUT_MS: "400" });
      assert.deepEqual([worstCaseWaitMs(short), minimumLambdaTimeoutSeconds(short)], [800, 2]);
    });
  });

  describe("slow or hanging identity provider at cold start (the request arrives while the prefetch runs)", () => {
    it("discovery slow: the first request ends at its budget; the prefetch goes on and a later request uses its keys", async () => {
      idp.discoveryDelayMs = 1400;
      const logger = new CaptureLogger();
      const authorizer = createAuthorizer({ env: discoveryEnv({ AUTH_TIME_BUDGET_MS: "300" }), logger });
      const prefetch = authorizer.prefetch();
      const first = await timed(authorizer, restTokenEvent(discoveryToken()));
      assert.equal(first.result, "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
      assert.ok(first.ms < 300 + SLACK_MS, `took ${first.ms.toFixed(0)} ms; discovery alone takes 1400 ms`);
      await prefetch;
      assert.ok(allowed((await timed(authorizer, restTokenEvent(discoveryToken()))).result));
      assert.deepEqual([idp.discoveryHits, idp.jwksHits], [1, 1]);
    });

    it("key set hanging, AUTH_JWKS_URI set (defaults): denied when the prefetch's one fetch deadline passes, no second fetch", async () => {
      idp.mode = { kind: "hang" };
      const logger = new CaptureLogger();
      const authorizer = createAuthorizer({ env: baseEnv(idp), logger });
      const config = authorizer.config!;
      const prefetch = authorizer.prefetch();
      const first = await timed(authorizer, restTokenEvent(sign(key, baseClaims())));
      assert.equal(first.result, "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
      assert.equal(worstCaseWaitMs(config), 1500);
      assert.ok(first.ms < worstCaseWaitMs(config) + SLACK_MS, `took ${first.ms.toFixed(0)} ms; a second fetch would make it 3000 ms`);
      await prefetch;
      assert.equal(idp.jwksHits, 1, "the request shared the prefetch and honoured its failure");
    });

    it("discovery slow and key set hanging (defaults, discovery): denied within the discovery worst case (3 s), not after two refreshes", async () => {
      idp.discoveryDelayMs = 1400;
      idp.mode = { kind: "hang" };
      const logger = new CaptureLogger();
      const authorizer = createAuthorizer({ env: discoveryEnv(), logger });
      const config = authorizer.config!;
      const prefetch = authorizer.prefetch();
      const first = await timed(authorizer, restTokenEvent(discoveryToken()));
      assert.equal(first.result, "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
      assert.equal(worstCaseWaitMs(config), 3000);
      assert.ok(first.ms < worstCaseWaitMs(config) + SLACK_MS, `took ${first.ms.toFixed(0)} ms; two refreshes would make it 5800 ms`);
      await prefetch;
      assert.deepEqual([idp.discoveryHits, idp.jwksHits], [1, 1]);
    });

    it("discovery slow and key set hanging, Lambda leaving 1.5 s: the context's remaining time minus the margin is the budget", async () => {
      idp.discoveryDelayMs = 1400;
      idp.mode = { kind: "hang" };
      const logger = new CaptureLogger();
      const authorizer = createAuthorizer({ env: discoveryEnv(), logger });
      const prefetch = authorizer.prefetch();
      const first = await timed(authorizer, restTokenEvent(discoveryToken()), lambdaContext(1500));
      assert.equal(first.result, "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
      assert.ok(first.ms < 1500 - SAFETY_MARGIN_MS + SLACK_MS, `took ${first.ms.toFixed(0)} ms; the prefetch alone runs 2900 ms`);
      await prefetch;
    });

    it("prefetch failed, then the first request: the failure's backoff is honoured (no second fetch, no wait)", async () => {
      idp.mode = { kind: "hang" };
      const logger = new CaptureLogger();
      const authorizer = createAuthorizer({ env: baseEnv(idp), logger });
      await authorizer.prefetch(); // times out after AUTH_JWKS_TIMEOUT_MS (1500 ms)
      assert.deepEqual(logger.records.map((r) => r.jwks), ["timeout"]);
      const first = await timed(authorizer, restTokenEvent(sign(key, baseClaims())));
      assert.equal(first.result, "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
      assert.equal(idp.jwksHits, 1);
      assert.ok(first.ms < SLACK_MS, `took ${first.ms.toFixed(0)} ms; a retry would take 1500 ms`);
    });
  });

  describe("fetches a request starts are cut to its budget", () => {
    it("a max-age refresh with the key set hanging ends at the budget; the stale keys then answer", async () => {
      const clock = new Clock();
      const logger = new CaptureLogger();
      const env = baseEnv(idp, { AUTH_JWKS_CACHE_MAX_AGE_SECONDS: "60", AUTH_TIME_BUDGET_MS: "200" });
      const authorizer = createAuthorizer({ env, logger, now: clock.now });
      await authorizer.prefetch();
      idp.mode = { kind: "hang" };
      clock.advance(61);
      const r = await timed(authorizer, restTokenEvent(sign(key, baseClaims(clock.now))));
      assert.ok(allowed(r.result), "stale keys within stale-if-error verify");
      assert.ok(r.ms < 200 + SLACK_MS, `took ${r.ms.toFixed(0)} ms; the fetch deadline is 1500 ms`);
      assert.equal(idp.jwksHits, 2);
    });

    it("an unknown kid's refetch with the key set hanging ends at the budget (key_not_found)", async () => {
      const clock = new Clock();
      const logger = new CaptureLogger();
      const env = baseEnv(idp, { AUTH_JWKS_COOLDOWN_SECONDS: "30", AUTH_TIME_BUDGET_MS: "200" });
      const authorizer = createAuthorizer({ env, logger, now: clock.now });
      await authorizer.prefetch();
      idp.mode = { kind: "hang" };
      clock.advance(31);
      const r = await timed(authorizer, restTokenEvent(sign(key, baseClaims(clock.now), { kid: "rotated-in" })));
      assert.equal(r.result, "Unauthorized");
      assert.equal(logger.lastDenial, "key_not_found");
      assert.ok(r.ms < 200 + SLACK_MS, `took ${r.ms.toFixed(0)} ms; the fetch deadline is 1500 ms`);
      assert.equal(idp.jwksHits, 2);
    });

    it("with no budget left (Lambda nearly out of time) no fetch is started at all", async () => {
      const clock = new Clock();
      const logger = new CaptureLogger();
      const env = baseEnv(idp, { AUTH_JWKS_CACHE_MAX_AGE_SECONDS: "60", AUTH_JWKS_STALE_IF_ERROR_SECONDS: "0" });
      const authorizer = createAuthorizer({ env, logger, now: clock.now });
      await authorizer.prefetch();
      clock.advance(61);
      const r = await timed(authorizer, restTokenEvent(sign(key, baseClaims(clock.now))), lambdaContext(SAFETY_MARGIN_MS));
      assert.equal(r.result, "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
      assert.equal(idp.jwksHits, 1);
      // With time left, the same request refreshes and is allowed.
      assert.ok(allowed((await timed(authorizer, restTokenEvent(sign(key, baseClaims(clock.now))), lambdaContext(5000))).result));
      assert.equal(idp.jwksHits, 2);
    });
  });

  describe("key-free checks run before any wait on the network", () => {
    let keys: Keys;
    before(async () => {
      keys = await makeCorpusKeys();
    });
    const corpusEnv = () => baseEnv(idp, { AUTH_ALGORITHMS: "RS256,ES256", AUTH_TOKEN_SOURCE: "header:Authorization,query:access_token" });
    const keyFree = () => CASES.filter((c) => !KEY_DEPENDENT.has(c.reason) && !c.afterSignature);
    const garbage: Array<[string, string, ReasonCode]> = [
      ["abc", "abc", "token_malformed"],
      ["alg none", `${b64('{"alg":"none","kid":"rsa-1"}')}.${b64("{}")}.AA`, "alg_not_allowed"],
    ];

    async function expectOwnReasons(authorizer: Authorizer, logger: CaptureLogger): Promise<number> {
      let n = 0;
      for (const [name, token, reason] of garbage) {
        logger.clear();
        assert.equal((await timed(authorizer, restTokenEvent(token))).result, "Unauthorized", name);
        assert.deepEqual(logger.denials, [reason], name);
        n++;
      }
      for (const c of keyFree()) {
        logger.clear();
        const event = c.event ? c.event(keys) : restTokenEvent(c.token!(keys));
        assert.equal((await timed(authorizer, event)).result, "Unauthorized", c.name);
        assert.deepEqual(logger.denials, [c.reason], c.name);
        n++;
      }
      return n;
    }

    it("cold start with the key set hanging: garbage, alg none, expired tokens... get their own reason while the prefetch still waits", async () => {
      idp.keys = [keys.rsa.publicJwk];
      idp.mode = { kind: "hang" };
      const logger = new CaptureLogger();
      const authorizer = createAuthorizer({ env: corpusEnv(), logger });
      let prefetchSettled = false;
      const prefetch = authorizer.prefetch().then(() => (prefetchSettled = true));
      const n = await expectOwnReasons(authorizer, logger);
      assert.ok(n >= 60, `${n} key-free cases`);
      assert.ok(keyFree().some((c) => c.reason === "token_expired"));
      assert.equal(prefetchSettled, false, "every refusal came before the key fetch could end");
      await prefetch;
      assert.equal(idp.jwksHits, 1, "none of them started a fetch");
    });

    it("stale keys with the key set hanging: key-free refusals start no refresh", async () => {
      const clock = new Clock();
      idp.keys = [keys.rsa.publicJwk];
      const logger = new CaptureLogger();
      const env = { ...corpusEnv(), AUTH_JWKS_CACHE_MAX_AGE_SECONDS: "60" };
      const authorizer = createAuthorizer({ env, logger, now: clock.now });
      await authorizer.prefetch();
      idp.mode = { kind: "hang" };
      clock.advance(61);
      await expectOwnReasons(authorizer, logger);
      assert.equal(idp.jwksHits, 1, "no refresh was attempted for any of them");
    });
  });
});
