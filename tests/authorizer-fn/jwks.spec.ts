/**
 * JWKS handling against a real HTTP server on 127.0.0.1: prefetch, faults
 * (timeout, 500, redirect, non-JSON, oversized, empty or unusable sets, hang-up),
 * rotation with a kid-miss cooldown, removal, max-age refresh, bounded
 * stale-if-error, and OIDC discovery.
 */
import { strict as assert } from "node:assert";
import { createAuthorizer } from "../../authorizer-fn/src/authorizer";
import { TokenCache } from "../../authorizer-fn/src/token-cache";
import {
  CaptureLogger, Clock, IdpServer, baseClaims, baseEnv, makeAuthorizer, makeKey, outcome, restTokenEvent, sign, type TestKey,
} from "../kit/authorizer";

describe("authorizer-fn JWKS handling", () => {
  const idp = new IdpServer();
  let a: TestKey;
  let b: TestKey;

  before(async () => {
    [a, b] = await Promise.all([makeKey("RS256", "key-a"), makeKey("RS256", "key-b")]);
    await idp.start();
  });
  after(() => idp.stop());
  beforeEach(() => {
    idp.keys = [a.publicJwk];
    idp.mode = { kind: "ok" };
    idp.jwksHits = 0;
    idp.discoveryHits = 0;
    idp.discoveryOverride = undefined;
    idp.movedJwksPath = undefined;
  });

  const allowed = (r: unknown): boolean => (r as any)?.policyDocument?.Statement?.[0]?.Effect === "Allow";
  const tokenFor = (k: TestKey, clock?: Clock) => sign(k, baseClaims(clock?.now));

  it("prefetches at cold start so the first request makes no fetch", async () => {
    const { authorizer, logger } = await makeAuthorizer(baseEnv(idp));
    assert.equal(idp.jwksHits, 1);
    assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenFor(a)))));
    assert.equal(idp.jwksHits, 1);
    assert.deepEqual(logger.records.map((r) => r.kind), ["jwksRefreshed"]);
  });

  it("coalesces concurrent first requests into one fetch when no prefetch ran", async () => {
    const authorizer = createAuthorizer({ env: baseEnv(idp), logger: new CaptureLogger() });
    const results = await Promise.all(Array.from({ length: 8 }, () => outcome(authorizer, restTokenEvent(tokenFor(a)))));
    assert.ok(results.every(allowed));
    assert.equal(idp.jwksHits, 1);
  });

  describe("faults deny with jwks_unavailable when no keys are cached", () => {
    const faults: Array<[string, () => void, string]> = [
      ["timeout", () => (idp.mode = { kind: "delay", ms: 2000 }), "timeout"],
      ["HTTP 500", () => (idp.mode = { kind: "status", status: 500 }), "http_status"],
      ["HTTP 404", () => (idp.mode = { kind: "status", status: 404 }), "http_status"],
      ["redirect (not followed)", () => (idp.mode = { kind: "redirect" }), "redirect"],
      ["non-JSON body", () => (idp.mode = { kind: "raw", body: "<html>login</html>", contentType: "text/html" }), "not_json"],
      ["JSON without keys", () => (idp.mode = { kind: "raw", body: '{"nokeys":true}' }), "invalid_document"],
      ["JSON array", () => (idp.mode = { kind: "raw", body: "[]" }), "invalid_document"],
      ["oversized body (content-length)", () => (idp.mode = { kind: "huge", chunked: false }), "too_large"],
      ["oversized body (chunked)", () => (idp.mode = { kind: "huge", chunked: true }), "too_large"],
      ["empty key set", () => (idp.keys = []), "no_usable_keys"],
      ["connection dropped", () => (idp.mode = { kind: "hangup" }), "network"],
    ];
    for (const [name, setup, kind] of faults) {
      it(name, async () => {
        setup();
        const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_JWKS_TIMEOUT_MS: "150" }));
        assert.equal(await outcome(authorizer, restTokenEvent(tokenFor(a))), "Unauthorized");
        assert.equal(logger.lastDenial, "jwks_unavailable");
        const failures = logger.records.filter((r) => r.kind === "jwksFailure").map((r) => r.jwks);
        assert.ok(failures.length >= 1 && failures.every((f) => f === kind), `failures: ${failures.join(",")}`);
        if (name.startsWith("redirect")) assert.equal(idp.jwksHits, failures.length, "redirect target never fetched");
      });
    }

    it("a set whose keys are all unusable (oct, private, enc, weak RSA, wrong kty) is an error", async () => {
      const weak = await makeKey("RS256", "weak");
      const weakJwk = { ...weak.publicJwk };
      // Replace the modulus with a 1024-bit one from a real key.
      const crypto = await import("node:crypto");
      const small = crypto.generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "jwk" });
      weakJwk.n = small.n;
      weakJwk.e = small.e;
      idp.keys = [
        { kty: "oct", kid: "sym", k: "c2VjcmV0" },
        { ...a.publicJwk, kid: "priv", d: "AAAA" },
        { ...a.publicJwk, kid: "enc", use: "enc" },
        { ...a.publicJwk, kid: "ops", key_ops: ["encrypt"] },
        { ...a.publicJwk, kid: undefined },
        weakJwk,
        { kty: "EC", kid: "ec", crv: "P-256", x: "AAAA", y: "AAAA" },
      ];
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_ALGORITHMS: "RS256" }));
      assert.equal(await outcome(authorizer, restTokenEvent(tokenFor(a))), "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
      assert.equal(logger.records.find((r) => r.kind === "jwksFailure")?.jwks, "no_usable_keys");
    });

    it("a JWK whose alg differs from the token header's is not used", async () => {
      idp.keys = [{ ...a.publicJwk, alg: "RS512" }, b.publicJwk];
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_ALGORITHMS: "RS256,RS512" }));
      assert.equal(await outcome(authorizer, restTokenEvent(tokenFor(a))), "Unauthorized");
      assert.equal(logger.lastDenial, "key_not_found");
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenFor(b)))));
    });
  });

  describe("rotation and cooldown", () => {
    it("a new kid is accepted after one refetch, but at most one refetch per cooldown", async () => {
      const clock = new Clock();
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_JWKS_COOLDOWN_SECONDS: "30" }), { now: clock.now });
      idp.keys = [a.publicJwk, b.publicJwk]; // the IdP rotates in key-b
      clock.advance(5);
      // Within the cooldown since the prefetch: no refetch, unknown kid denied.
      for (let i = 0; i < 5; i++) assert.equal(await outcome(authorizer, restTokenEvent(tokenFor(b, clock))), "Unauthorized");
      assert.equal(logger.lastDenial, "key_not_found");
      assert.equal(idp.jwksHits, 1);
      clock.advance(30);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenFor(b, clock)))));
      assert.equal(idp.jwksHits, 2);
      // Floods of random kids right after cannot force more fetches.
      for (let i = 0; i < 10; i++) {
        assert.equal(await outcome(authorizer, restTokenEvent(sign(a, baseClaims(clock.now), { kid: `rand-${i}` }))), "Unauthorized");
      }
      assert.equal(idp.jwksHits, 2);
    });

    it("a key removed from the JWKS is rejected after the max-age refresh, even for cached tokens", async () => {
      const clock = new Clock();
      const cache = new TokenCache(100);
      idp.keys = [a.publicJwk, b.publicJwk];
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_JWKS_CACHE_MAX_AGE_SECONDS: "60", AUTH_JWKS_COOLDOWN_SECONDS: "30" }), {
        now: clock.now,
        tokenCache: cache,
      });
      const tokenA = tokenFor(a, clock);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenA))));
      assert.equal(cache.size, 1);
      idp.keys = [b.publicJwk]; // key-a revoked at the IdP
      clock.advance(30);
      // Before max-age the cached decision stands (bounded by AUTH_JWKS_CACHE_MAX_AGE_SECONDS).
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenA))));
      assert.equal(idp.jwksHits, 1);
      clock.advance(31);
      assert.equal(await outcome(authorizer, restTokenEvent(tokenA)), "Unauthorized");
      assert.equal(logger.lastDenial, "key_not_found");
      assert.equal(idp.jwksHits, 2);
      assert.equal(cache.size, 0, "entries verified by the removed key were pruned");
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenFor(b, clock)))));
    });

    it("an unchanged key keeps its cached tokens across refreshes", async () => {
      const clock = new Clock();
      const cache = new TokenCache(100);
      const { authorizer } = await makeAuthorizer(baseEnv(idp, { AUTH_JWKS_CACHE_MAX_AGE_SECONDS: "60" }), { now: clock.now, tokenCache: cache });
      const token = tokenFor(a, clock);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(token))));
      clock.advance(61);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(token))));
      assert.equal(idp.jwksHits, 2);
      assert.equal(cache.size, 1);
    });
  });

  describe("identity provider down", () => {
    it("with cached keys: serves them for at most max-age + stale-if-error, retrying with backoff, then denies", async () => {
      const clock = new Clock();
      const { authorizer, logger } = await makeAuthorizer(
        baseEnv(idp, { AUTH_JWKS_CACHE_MAX_AGE_SECONDS: "60", AUTH_JWKS_STALE_IF_ERROR_SECONDS: "120", AUTH_JWKS_COOLDOWN_SECONDS: "10" }),
        { now: clock.now },
      );
      idp.mode = { kind: "status", status: 503 };
      clock.advance(61);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenFor(a, clock)))), "stale keys still verify");
      assert.equal(idp.jwksHits, 2);
      // Within the 5 s failure backoff, no new attempt.
      clock.advance(2);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenFor(a, clock)))));
      assert.equal(idp.jwksHits, 2);
      clock.advance(4);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenFor(a, clock)))));
      assert.equal(idp.jwksHits, 3);
      clock.advance(120); // now 187 s after the last good fetch: beyond 60 + 120
      assert.equal(await outcome(authorizer, restTokenEvent(tokenFor(a, clock))), "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
      // The IdP recovers: keys come back on the next attempt.
      idp.mode = { kind: "ok" };
      clock.advance(6);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenFor(a, clock)))));
    });

    it("stale-if-error 0 means no stale use at all", async () => {
      const clock = new Clock();
      const { authorizer, logger } = await makeAuthorizer(
        baseEnv(idp, { AUTH_JWKS_CACHE_MAX_AGE_SECONDS: "60", AUTH_JWKS_STALE_IF_ERROR_SECONDS: "0", AUTH_JWKS_COOLDOWN_SECONDS: "10" }),
        { now: clock.now },
      );
      idp.mode = { kind: "status", status: 500 };
      clock.advance(61);
      assert.equal(await outcome(authorizer, restTokenEvent(tokenFor(a, clock))), "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
    });

    it("without cached keys: a failed prefetch starts the backoff (the first request does not fetch again), then it recovers", async () => {
      const clock = new Clock();
      idp.mode = { kind: "status", status: 500 };
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_JWKS_COOLDOWN_SECONDS: "30" }), { now: clock.now });
      assert.equal(idp.jwksHits, 1);
      assert.equal(await outcome(authorizer, restTokenEvent(tokenFor(a, clock))), "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
      assert.equal(idp.jwksHits, 1, "the first request honoured the failed prefetch's backoff");
      clock.advance(4);
      assert.equal(await outcome(authorizer, restTokenEvent(tokenFor(a, clock))), "Unauthorized");
      assert.equal(idp.jwksHits, 1, "no retry inside the backoff");
      idp.mode = { kind: "ok" };
      clock.advance(1);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenFor(a, clock)))));
      assert.equal(idp.jwksHits, 2);
    });

    it("a prefetch that failed because INIT was frozen mid-fetch starts no backoff: the first request fetches", async () => {
      const clock = new Clock();
      idp.mode = { kind: "delay", ms: 1000 };
      const logger = new CaptureLogger();
      const authorizer = createAuthorizer({ env: baseEnv(idp, { AUTH_JWKS_TIMEOUT_MS: "100" }), logger, now: clock.now });
      const prefetch = authorizer.prefetch();
      clock.advance(600); // the environment sat frozen for ten minutes with the fetch in flight
      await prefetch;
      assert.deepEqual(logger.records.map((r) => r.jwks), ["timeout"]);
      idp.mode = { kind: "ok" };
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(tokenFor(a, clock)))));
      assert.equal(idp.jwksHits, 2);
    });
  });

  describe("OIDC discovery", () => {
    it("without AUTH_JWKS_URI: discovery is fetched once, keys from its jwks_uri", async () => {
      const clock = new Clock();
      const env = baseEnv(idp, { AUTH_ISSUER: idp.origin, AUTH_JWKS_URI: undefined, AUTH_JWKS_CACHE_MAX_AGE_SECONDS: "60" });
      const { authorizer } = await makeAuthorizer(env, { now: clock.now });
      const token = sign(a, { ...baseClaims(clock.now), iss: idp.origin });
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(token))));
      clock.advance(61);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(token))));
      assert.equal(idp.discoveryHits, 1);
      assert.equal(idp.jwksHits, 2);
    });

    it("a discovered jwks_uri that fails is discovered again on the next attempt (the IdP moved its keys)", async () => {
      const clock = new Clock();
      const env = baseEnv(idp, {
        AUTH_ISSUER: idp.origin,
        AUTH_JWKS_URI: undefined,
        AUTH_JWKS_CACHE_MAX_AGE_SECONDS: "60",
        AUTH_JWKS_COOLDOWN_SECONDS: "10",
      });
      const { authorizer, logger } = await makeAuthorizer(env, { now: clock.now });
      const token = () => sign(a, { ...baseClaims(clock.now), iss: idp.origin });
      assert.equal(idp.discoveryHits, 1);
      idp.movedJwksPath = "/keys-v2";
      idp.discoveryOverride = { issuer: idp.origin, jwks_uri: `${idp.origin}/keys-v2` };
      clock.advance(61);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(token()))), "stale keys serve while the old URL fails");
      assert.equal(logger.records.filter((r) => r.kind === "jwksFailure").at(-1)?.jwks, "http_status");
      assert.equal(idp.discoveryHits, 1, "the failing attempt used the URL discovered before");
      clock.advance(6); // past the 5 s failure backoff
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(token()))));
      assert.equal(idp.discoveryHits, 2, "the next attempt discovered the new jwks_uri");
      assert.equal(logger.records.at(-1)?.kind, "jwksRefreshed");
      clock.advance(61);
      assert.ok(allowed(await outcome(authorizer, restTokenEvent(token()))));
      assert.equal(idp.discoveryHits, 2, "a working discovered URL is kept");
    });

    it("a discovery document naming another issuer is refused", async () => {
      idp.discoveryOverride = { issuer: "https://evil.example", jwks_uri: idp.jwksUrl };
      const env = baseEnv(idp, { AUTH_ISSUER: idp.origin, AUTH_JWKS_URI: undefined });
      const { authorizer, logger } = await makeAuthorizer(env);
      assert.equal(await outcome(authorizer, restTokenEvent(sign(a, { ...baseClaims(), iss: idp.origin }))), "Unauthorized");
      assert.equal(logger.lastDenial, "jwks_unavailable");
      assert.equal(logger.records.find((r) => r.kind === "jwksFailure")?.jwks, "discovery_mismatch");
      assert.equal(idp.jwksHits, 0);
    });

    it("a discovery jwks_uri over plain http to a non-loopback host is refused (never fetched)", async () => {
      idp.discoveryOverride = { issuer: "", jwks_uri: "http://169.254.169.254/latest/meta-data" };
      const env = baseEnv(idp, { AUTH_ISSUER: idp.origin, AUTH_JWKS_URI: undefined });
      idp.discoveryOverride.issuer = idp.origin;
      const { authorizer, logger } = await makeAuthorizer(env);
      assert.equal(await outcome(authorizer, restTokenEvent(sign(a, { ...baseClaims(), iss: idp.origin }))), "Unauthorized");
      assert.equal(logger.records.find((r) => r.kind === "jwksFailure")?.jwks, "invalid_document");
    });
  });
});
