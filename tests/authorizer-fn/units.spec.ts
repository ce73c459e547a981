import { strict as assert } from "node:assert";
import * as crypto from "node:crypto";
import { countParsedMembers, scanJson, scanPayload } from "../../authorizer-fn/src/json-guard";
import { TokenCache, hashToken } from "../../authorizer-fn/src/token-cache";
import type { KeyEntry } from "../../authorizer-fn/src/jwks";
import type { Claims } from "../../authorizer-fn/src/verify";
import { requiredScopes } from "../../authorizer-fn/src/scopes";
import { loadConfig } from "../../authorizer-fn/src/config";
import { detectFormat, normalizeEvent } from "../../authorizer-fn/src/events";
import { METHOD_ARN, httpV1Event, httpV2Event, restRequestEvent, restTokenEvent, websocketEvent } from "../kit/authorizer";

describe("authorizer-fn units", () => {
  describe("json-guard", () => {
    it("accepts ordinary JSON, including equal names in different objects and strings that look like names", () => {
      assert.equal(scanJson('{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}],"d":"\\"a\\":1","e":"x:y"}'), "ok");
      assert.equal(scanJson('{"sub":"u","scope":"a b"}'), "ok");
    });
    it("finds duplicates at any depth, also through escapes and whitespace", () => {
      assert.equal(scanJson('{"a":1,"a":2}'), "duplicate");
      assert.equal(scanJson('{"x":{"a":1, "a" :2}}'), "duplicate");
      assert.equal(scanJson('{"a":1,"\\u0061":2}'), "duplicate");
      assert.equal(scanJson('[{"a":1,"a":1}]'), "duplicate");
    });
    it("finds prototype-pollution names", () => {
      assert.equal(scanJson('{"__proto__":{}}'), "forbidden");
      assert.equal(scanJson('{"a":{"constructor":{"prototype":{}}}}'), "forbidden");
      assert.equal(scanJson('{"__pr\\u006fto__":1}'), "forbidden");
      assert.equal(scanJson('{"a":"__proto__"}'), "ok");
    });
  });

  describe("member counting (payload duplicate detection)", () => {
    const check = (text: string) => ({ names: scanPayload(Buffer.from(text)).names, parsed: countParsedMembers(JSON.parse(text)) });
    it("text names equal parsed members exactly when there are no duplicates", () => {
      for (const text of ['{"a":1}', '{"a":{"b":[{"c":1},{"c":2}]},"d":"x\\":y","q\\"x":1}', '{ "a" : 1 , "é":"ü:"}', "{}", '{"a":[]}']) {
        const r = check(text);
        assert.equal(r.names, r.parsed.members, text);
        assert.equal(r.parsed.forbidden, false);
      }
    });
    it("a duplicate at any depth makes them differ; forbidden names are reported", () => {
      for (const text of ['{"a":1,"a":2}', '{"x":{"b":1,"b":2}}', '{"a":1,"\\u0061":2}', '{"l":[{"k":1,"k":1}]}']) {
        const r = check(text);
        assert.ok(r.names > r.parsed.members, text);
      }
      assert.equal(check('{"__proto__":{"admin":true}}').parsed.forbidden, true);
      assert.equal(check('{"a":[{"constructor":1}]}').parsed.forbidden, true);
    });
    it("reads the top-level exp (the last one, as JSON.parse keeps) and nothing nested or non-numeric", () => {
      const exp = (text: string) => scanPayload(Buffer.from(text)).exp;
      assert.equal(exp('{"sub":"u","exp":1700000000,"iat":1}'), 1700000000);
      assert.equal(exp('{ "exp" : -5 }'), -5);
      assert.equal(exp('{"exp":1e3}'), 1000);
      assert.equal(exp('{"exp":1,"exp":2}'), 2);
      assert.equal(exp('{"exp":1,"exp":"2"}'), undefined);
      assert.equal(exp('{"a":{"exp":1}}'), undefined);
      assert.equal(exp('{"a":[{"exp":1}],"b":"exp"}'), undefined);
      assert.equal(exp('{"exp":"1"}'), undefined);
      assert.equal(exp('{"exp":null}'), undefined);
      assert.equal(exp('{"x":"\\"exp\\":1"}'), undefined);
    });
    it("survives deep nesting without recursion", () => {
      const deep = `${"[".repeat(5000)}{"a":1}${"]".repeat(5000)}`;
      assert.deepEqual(check(deep), { names: 1, parsed: { members: 1, forbidden: false } });
    });
  });

  describe("verified-token cache", () => {
    const entry = (kid: string): KeyEntry => ({ kid, fingerprint: kid, byAlg: new Map() });
    const claims: Claims = { sub: "u", scopes: [], context: { sub: "u" } };

    it("keys on a SHA-256 digest, never the token", () => {
      const d = hashToken("a.b.c");
      assert.equal(d, crypto.createHash("sha256").update("a.b.c").digest("base64"));
      assert.ok(!d.includes("a.b.c"));
      assert.notEqual(hashToken("a.b.c"), hashToken("a.b.d"));
    });

    it("serves an entry only before exp and never stores already-expired tokens", () => {
      const c = new TokenCache(10);
      c.set("d1", { expiresAtMs: 2000, keyEntry: entry("k"), claims }, 1000);
      assert.ok(c.get("d1", 1999));
      assert.equal(c.get("d1", 2000), undefined);
      assert.equal(c.size, 0);
      c.set("d2", { expiresAtMs: 1000, keyEntry: entry("k"), claims }, 1000);
      assert.equal(c.size, 0);
    });

    it("is size-capped (oldest evicted first) and can be disabled with size 0", () => {
      const c = new TokenCache(3);
      for (let i = 0; i < 5; i++) c.set(`d${i}`, { expiresAtMs: 10_000, keyEntry: entry("k"), claims }, 0);
      assert.equal(c.size, 3);
      assert.equal(c.get("d0", 1), undefined);
      assert.ok(c.get("d4", 1));
      const off = new TokenCache(0);
      off.set("x", { expiresAtMs: 10_000, keyEntry: entry("k"), claims }, 0);
      assert.equal(off.size, 0);
    });

    it("prune drops entries whose key left the set", () => {
      const c = new TokenCache(10);
      const keep = entry("keep");
      c.set("a", { expiresAtMs: 10_000, keyEntry: keep, claims }, 0);
      c.set("b", { expiresAtMs: 10_000, keyEntry: entry("gone"), claims }, 0);
      c.prune((e) => e === keep, 1);
      assert.equal(c.size, 1);
      assert.ok(c.get("a", 1));
    });
  });

  describe("event detection", () => {
    it("recognises the five formats", () => {
      assert.equal(detectFormat(restTokenEvent("x")), "rest-token");
      assert.equal(detectFormat(restRequestEvent({})), "rest-request");
      assert.equal(detectFormat(httpV1Event({})), "http-v1");
      assert.equal(detectFormat(httpV2Event({})), "http-v2");
      assert.equal(detectFormat(websocketEvent({})), "websocket");
      for (const bad of [null, undefined, 1, "x", [], {}, { type: "TOKEN2" }, { type: "REQUEST", version: "9" }]) {
        assert.equal(detectFormat(bad), "unknown");
      }
    });
    it("takes the concrete route from the ARN (canonical, decoded) and the template from the event", () => {
      const ev = normalizeEvent(restRequestEvent({}, { methodArn: `${METHOD_ARN}/%37`, resource: "/pets/{id}" }), "rest-request");
      assert.deepEqual(ev.concrete, { method: "GET", segments: ["pets", "7"] });
      assert.deepEqual(ev.template, { method: "GET", segments: ["pets", "{id}"] });
      assert.throws(() => normalizeEvent(restRequestEvent({}, { methodArn: `${METHOD_ARN}/7/` }), "rest-request"), /path_not_canonical/);
      // Without route rules the path is not needed, so not judged.
      assert.equal(normalizeEvent(restRequestEvent({}, { methodArn: `${METHOD_ARN}/7/` }), "rest-request", false).concrete, undefined);
    });
  });

  describe("route scope matching", () => {
    const cfg = loadConfig({
      AUTH_ISSUER: "https://i.example",
      AUTH_AUDIENCE: "a",
      AUTH_SCOPES: JSON.stringify({ "GET /pets/{id}": ["read"], "GET /pets/mine": ["me"], "ANY /{proxy+}": ["any"], "*": ["fallback"] }),
    }).scopes!;
    const req = (arnPath: string, template?: string) =>
      normalizeEvent(httpV2Event({}, { routeArn: `arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/${arnPath}`, routeKey: template }), "http-v2");

    it("every matching rule applies (union), '*' only when nothing matched", () => {
      assert.deepEqual([...requiredScopes(cfg, req("GET/pets/mine", "GET /pets/mine"))].sort(), ["any", "me", "read"]);
      assert.deepEqual([...requiredScopes(cfg, req("GET/pets/1", "GET /pets/{petId}"))].sort(), ["any", "read"]);
      const onlyFallback = loadConfig({ AUTH_ISSUER: "https://i.example", AUTH_AUDIENCE: "a", AUTH_SCOPES: '{"GET /x":["x"],"*":["f"]}' }).scopes!;
      assert.deepEqual(requiredScopes(onlyFallback, req("GET/y", "GET /y")), ["f"]);
      assert.deepEqual(requiredScopes(onlyFallback, req("GET/x", "$default")), ["x"]);
    });

    it("percent-encoding and case cannot dodge a literal rule", () => {
      const c = loadConfig({ AUTH_ISSUER: "https://i.example", AUTH_AUDIENCE: "a", AUTH_SCOPES: '{"GET /admin":["admin"]}' }).scopes!;
      assert.deepEqual(requiredScopes(c, req("GET/%61dmin", "$default")), ["admin"]);
      assert.deepEqual(requiredScopes(c, req("GET/ADMIN", "$default")), ["admin"]);
      assert.deepEqual(requiredScopes(c, req("GET/%41dMIN", "$default")), ["admin"]);
      assert.deepEqual(requiredScopes(c, req("GET/admins", "$default")), []);
    });
  });
});
