/**
 * Configuration faults: each variable missing / empty / invalid / contradictory
 * raises a ConfigError naming that variable, and the handler then denies every
 * request in every event format (logging the configuration error once).
 */
import { strict as assert } from "node:assert";
import { createAuthorizer } from "../../authorizer-fn/src/authorizer";
import { DEFAULTS, loadConfig } from "../../authorizer-fn/src/config";
import { ConfigError } from "../../authorizer-fn/src/errors";
import {
  CaptureLogger, IdpServer, baseClaims, httpV1Event, httpV2Event, makeKey, outcome, restRequestEvent, restTokenEvent, sign,
  websocketEvent, type TestKey,
} from "../kit/authorizer";

const GOOD: Record<string, string> = {
  AUTH_ISSUER: "https://issuer.example.test/pool",
  AUTH_AUDIENCE: "api://pets",
  AUTH_JWKS_URI: "https://issuer.example.test/pool/.well-known/jwks.json",
};

type Fault = [variable: string, value: string | undefined, blamed?: string];

const FAULTS: Fault[] = [
  ["AUTH_ISSUER", undefined],
  ["AUTH_ISSUER", ""],
  ["AUTH_ISSUER", "   "],
  ["AUTH_ISSUER", "issuer.example.test"],
  ["AUTH_ISSUER", "http://issuer.example.test"],
  ["AUTH_ISSUER", "ftp://issuer.example.test"],
  ["AUTH_ISSUER", "https://user:pw@issuer.example.test"],
  ["AUTH_ISSUER", "https://issuer.example.test/#frag"],
  ["AUTH_AUDIENCE", undefined],
  ["AUTH_AUDIENCE", ""],
  ["AUTH_AUDIENCE", "a,,b"],
  ["AUTH_AUDIENCE", "a,a"],
  ["AUTH_AUDIENCE", Array.from({ length: 51 }, (_, i) => `aud${i}`).join(",")],
  ["AUTH_JWKS_URI", ""],
  ["AUTH_JWKS_URI", "not a url"],
  ["AUTH_JWKS_URI", "http://issuer.example.test/jwks"],
  ["AUTH_JWKS_URI", "http://169.254.169.254/latest/meta-data"],
  ["AUTH_JWKS_URI", "file:///etc/passwd"],
  ["AUTH_ALGORITHMS", ""],
  ["AUTH_ALGORITHMS", "none"],
  ["AUTH_ALGORITHMS", "HS256"],
  ["AUTH_ALGORITHMS", "RS256,hs512"],
  ["AUTH_ALGORITHMS", "XYZ256"],
  ["AUTH_ALGORITHMS", "RS256,RS256"],
  ["AUTH_ALGORITHMS", "RS256,,ES256"],
  ["AUTH_CLOCK_TOLERANCE_SECONDS", ""],
  ["AUTH_CLOCK_TOLERANCE_SECONDS", "-1"],
  ["AUTH_CLOCK_TOLERANCE_SECONDS", "61"],
  ["AUTH_CLOCK_TOLERANCE_SECONDS", "1.5"],
  ["AUTH_CLOCK_TOLERANCE_SECONDS", "five"],
  ["AUTH_REQUIRED_CLAIMS", ""],
  ["AUTH_REQUIRED_CLAIMS", "exp,,sub"],
  ["AUTH_REQUIRED_CLAIMS", "exp,exp"],
  ["AUTH_REQUIRED_CLAIMS", "bad claim"],
  ["AUTH_SCOPES", ""],
  ["AUTH_SCOPES", "{"],
  ["AUTH_SCOPES", "[]"],
  ["AUTH_SCOPES", "{}"],
  ["AUTH_SCOPES", '{"GET /pets":[]}'],
  ["AUTH_SCOPES", '{"GET /pets":"pets:read"}'],
  ["AUTH_SCOPES", '{"GET /pets":["has space"]}'],
  ["AUTH_SCOPES", '{"GET /pets":[1]}'],
  ["AUTH_SCOPES", '{"FETCH /pets":["a"]}'],
  ["AUTH_SCOPES", '{"GET pets":["a"]}'],
  ["AUTH_SCOPES", '{"GET /{proxy+}/x":["a"]}'],
  ["AUTH_SCOPES", '{"GET /a//b":["a"]}'],
  ["AUTH_SCOPES", '{"GET /a":["x"],"GET /a":["y"]}'],
  ["AUTH_SCOPES", '{"get /a":["x"],"GET /a":["y"]}'],
  ["AUTH_SCOPES", '{"__proto__":["x"]}'],
  ["AUTH_TOKEN_SOURCE", ""],
  ["AUTH_TOKEN_SOURCE", "cookie:session"],
  ["AUTH_TOKEN_SOURCE", "header:"],
  ["AUTH_TOKEN_SOURCE", "header:bad name"],
  ["AUTH_TOKEN_SOURCE", "query:a b"],
  ["AUTH_TOKEN_SOURCE", "header:A,header:A"],
  ["AUTH_TOKEN_SOURCE", "header:a,header:b,header:c,header:d,header:e,header:f"],
  ["AUTH_HTTP_RESPONSE", ""],
  ["AUTH_HTTP_RESPONSE", "SIMPLE"],
  ["AUTH_HTTP_RESPONSE", "both"],
  ["AUTH_TOKEN_USE", ""],
  ["AUTH_TOKEN_USE", "refresh"],
  ["AUTH_JWKS_CACHE_MAX_AGE_SECONDS", ""],
  ["AUTH_JWKS_CACHE_MAX_AGE_SECONDS", "10"],
  ["AUTH_JWKS_CACHE_MAX_AGE_SECONDS", "86401"],
  ["AUTH_JWKS_STALE_IF_ERROR_SECONDS", "-1"],
  ["AUTH_JWKS_STALE_IF_ERROR_SECONDS", "86401"],
  ["AUTH_JWKS_COOLDOWN_SECONDS", "0"],
  ["AUTH_JWKS_COOLDOWN_SECONDS", "700"], // longer than the 600 s default max-age: contradictory
  ["AUTH_JWKS_TIMEOUT_MS", "2000"],
  ["AUTH_JWKS_TIMEOUT_MS", "10"],
  ["AUTH_TIME_BUDGET_MS", "99"],
  ["AUTH_TIME_BUDGET_MS", "10001"],
  ["AUTH_TIME_BUDGET_MS", "3s"],
  ["AUTH_TOKEN_CACHE_SIZE", "100001"],
  ["AUTH_TOKEN_CACHE_SIZE", "lots"],
  ["AUTH_JWKS_URL", "https://issuer.example.test/jwks"], // a typo of AUTH_JWKS_URI
];

describe("authorizer-fn configuration", () => {
  it("defaults: RS256, 5 s tolerance, exp/iat/sub required, simple HTTP responses, 600 s max-age, 3600 s stale-if-error", () => {
    const c = loadConfig(GOOD);
    assert.deepEqual(c.algorithms, ["RS256"]);
    assert.equal(c.clockToleranceSeconds, 5);
    assert.deepEqual([...c.requiredClaims].sort(), ["exp", "iat", "sub"]);
    assert.equal(c.httpResponse, "simple");
    assert.equal(c.tokenUse, "access");
    assert.deepEqual(c.tokenSources, [{ kind: "header", name: "authorization" }]);
    assert.equal(c.jwksMaxAgeMs, DEFAULTS.jwksMaxAgeSeconds * 1000);
    assert.equal(c.jwksStaleIfErrorMs, 3600_000);
    assert.equal(c.jwksCooldownMs, 30_000);
    assert.equal(c.jwksTimeoutMs, 1500);
    assert.equal(c.timeBudgetMs, 3000);
    assert.equal(c.routeScoped, false);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.audiences));
  });

  it("discovery URL derives from the issuer when AUTH_JWKS_URI is unset; loopback http allowed", () => {
    const c = loadConfig({ AUTH_ISSUER: "https://login.example.test/realm/", AUTH_AUDIENCE: "x" });
    assert.equal(c.jwksUri, undefined);
    assert.equal(c.discoveryUri, "https://login.example.test/realm/.well-known/openid-configuration");
    for (const host of ["127.0.0.1:8080", "[::1]:8080", "localhost:8080"]) {
      assert.equal(loadConfig({ ...GOOD, AUTH_JWKS_URI: `http://${host}/jwks` }).jwksUri, `http://${host}/jwks`);
    }
  });

  it("route scopes parse into rules; only '*' keeps the decision route-independent", () => {
    const c = loadConfig({ ...GOOD, AUTH_SCOPES: '{"GET /pets/{id}":["a"],"$connect":["b"],"*":["c"]}' });
    assert.equal(c.routeScoped, true);
    assert.deepEqual(c.scopes?.fallback, ["c"]);
    assert.equal(c.scopes?.rules.length, 2);
    assert.equal(loadConfig({ ...GOOD, AUTH_SCOPES: '{"*":["c"]}' }).routeScoped, false);
  });

  it("AUTH_SCOPES with AUTH_TOKEN_USE=id is contradictory", () => {
    assert.throws(() => loadConfig({ ...GOOD, AUTH_TOKEN_USE: "id", AUTH_SCOPES: '{"*":["a"]}' }), (e: unknown) => e instanceof ConfigError && e.variable === "AUTH_SCOPES");
  });

  for (const [variable, value, blamed] of FAULTS) {
    const label = value === undefined ? "missing" : JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    it(`${variable} ${label} → ConfigError naming ${blamed ?? variable}`, () => {
      const env: Record<string, string | undefined> = { ...GOOD, [variable]: value };
      if (value === undefined) delete env[variable];
      assert.throws(
        () => loadConfig(env),
        (e: unknown) => e instanceof ConfigError && e.variable === (blamed ?? variable) && e.message.startsWith(`${blamed ?? variable}: `),
      );
    });
  }

  it("configuration errors never echo the value", () => {
    const secretish = "https://user:s3cr3t-value@issuer.example.test";
    try {
      loadConfig({ ...GOOD, AUTH_ISSUER: secretish });
      assert.fail("should throw");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.ok(!e.message.includes("s3cr3t"));
    }
  });

  describe("the handler with a broken configuration", () => {
    const idp = new IdpServer();
    let key: TestKey;
    before(async () => {
      key = await makeKey("RS256", "k1");
      idp.keys = [key.publicJwk];
      await idp.start();
    });
    after(() => idp.stop());

    const broken: Array<[string, Record<string, string | undefined>]> = [
      ["AUTH_ISSUER missing", { AUTH_ISSUER: undefined }],
      ["AUTH_AUDIENCE empty", { AUTH_AUDIENCE: "" }],
      ["AUTH_ALGORITHMS none", { AUTH_ALGORITHMS: "none" }],
      ["AUTH_SCOPES invalid JSON", { AUTH_SCOPES: "{" }],
      ["AUTH_CLOCK_TOLERANCE_SECONDS too large", { AUTH_CLOCK_TOLERANCE_SECONDS: "3600" }],
      ["AUTH_HTTP_RESPONSE unknown", { AUTH_HTTP_RESPONSE: "maybe" }],
    ];
    for (const [name, patch] of broken) {
      it(`${name}: a valid token is denied in every format, the error is logged once, no key fetch happens`, async () => {
        const env: Record<string, string | undefined> = { ...GOOD, AUTH_JWKS_URI: idp.jwksUrl, ...patch };
        for (const k of Object.keys(patch)) if (patch[k] === undefined) delete env[k];
        const logger = new CaptureLogger();
        const hitsBefore = idp.jwksHits;
        const authorizer = createAuthorizer({ env, logger });
        await authorizer.prefetch();
        assert.ok(authorizer.configError instanceof ConfigError);
        assert.equal(authorizer.config, undefined);
        const token = sign(key, { ...baseClaims(), iss: GOOD.AUTH_ISSUER });
        const auth = { Authorization: `Bearer ${token}` };
        for (const ev of [restTokenEvent(token), restRequestEvent(auth), httpV1Event(auth), websocketEvent(auth)]) {
          assert.equal(await outcome(authorizer, ev), "Unauthorized");
        }
        // HTTP API simple responses (the default, and the fallback when AUTH_HTTP_RESPONSE is unusable).
        assert.deepEqual(await outcome(authorizer, httpV2Event(auth)), { isAuthorized: false });
        assert.equal(logger.records.filter((r) => r.kind === "config").length, 1);
        assert.deepEqual(new Set(logger.denials), new Set(["config_invalid"]));
        assert.equal(idp.jwksHits, hitsBefore);
      });
    }

    it("AUTH_HTTP_RESPONSE=iam with another broken variable: HTTP v2 denial throws Unauthorized", async () => {
      const authorizer = createAuthorizer({ env: { ...GOOD, AUTH_HTTP_RESPONSE: "iam", AUTH_AUDIENCE: "" }, logger: new CaptureLogger() });
      assert.equal(await outcome(authorizer, httpV2Event({ authorization: "Bearer x" })), "Unauthorized");
    });
  });
});
