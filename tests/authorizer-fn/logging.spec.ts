/**
 * Log capture: with the production logger, run the whole bad-input corpus,
 * valid requests, scope denials, JWKS faults and a configuration error, and
 * prove that no token text (nor any segment of it, nor claim values) reaches
 * stdout/stderr, and that each denial is one fixed-shape line.
 */
import { strict as assert } from "node:assert";
import { createAuthorizer } from "../../authorizer-fn/src/authorizer";
import { REASONS } from "../../authorizer-fn/src/errors";
import { CASES, makeCorpusKeys, type Keys } from "../kit/authorizer-corpus";
import { IdpServer, baseClaims, baseEnv, httpV2Event, outcome, restTokenEvent, sign } from "../kit/authorizer";

function capture(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const saved = {
    log: console.log, error: console.error, warn: console.warn, info: console.info, debug: console.debug,
    out: process.stdout.write, err: process.stderr.write,
  };
  const grab = (...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  };
  console.log = console.error = console.warn = console.info = console.debug = grab;
  process.stdout.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => (lines.push(String(chunk)), true)) as typeof process.stderr.write;
  return {
    lines,
    restore: () => {
      Object.assign(console, { log: saved.log, error: saved.error, warn: saved.warn, info: saved.info, debug: saved.debug });
      process.stdout.write = saved.out;
      process.stderr.write = saved.err;
    },
  };
}

describe("authorizer-fn logging never contains token text", () => {
  const idp = new IdpServer();
  let keys: Keys;
  before(async () => {
    keys = await makeCorpusKeys();
    idp.keys = [keys.rsa.publicJwk, keys.rsa2.publicJwk, keys.ec.publicJwk];
    await idp.start();
  });
  after(() => idp.stop());

  it("across the corpus, allows, scope denials, JWKS faults and a config error", async () => {
    const secretSub = "sub-SECRET-7f3a9";
    const tokens: string[] = [];
    const cap = capture();
    try {
      const authorizer = createAuthorizer({
        env: baseEnv(idp, { AUTH_ALGORITHMS: "RS256,ES256", AUTH_SCOPES: JSON.stringify({ "POST /pets": ["write"] }), AUTH_TOKEN_SOURCE: "header:Authorization,query:access_token" }),
      });
      await authorizer.prefetch();
      for (const c of CASES) {
        const ev = c.event ? c.event(keys) : restTokenEvent(c.token!(keys));
        const raw = (ev as Record<string, unknown> | null)?.authorizationToken;
        if (typeof raw === "string") tokens.push(raw);
        await outcome(authorizer, ev);
      }
      const good = sign(keys.rsa, { ...baseClaims(), sub: secretSub, email: "someone@example.test" });
      tokens.push(good);
      await outcome(authorizer, restTokenEvent(good));
      await outcome(authorizer, restTokenEvent(good, "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/POST/pets"));
      await outcome(authorizer, httpV2Event({ authorization: `Bearer ${good}` }));

      idp.mode = { kind: "status", status: 500 };
      const down = createAuthorizer({ env: baseEnv(idp, { AUTH_JWKS_URI: `${idp.jwksUrl}?token=${good.slice(0, 20)}` }) });
      await down.prefetch();
      await outcome(down, restTokenEvent(good));
      idp.mode = { kind: "ok" };

      const broken = createAuthorizer({ env: { AUTH_ISSUER: good, AUTH_AUDIENCE: "x" } });
      await outcome(broken, restTokenEvent(good));
    } finally {
      cap.restore();
    }

    const text = cap.lines.join("\n");
    assert.ok(cap.lines.length > CASES.length, `captured ${cap.lines.length} lines`);
    for (const token of tokens) {
      for (const part of token.split(/[.\s]/)) {
        if (part.length >= 12) assert.ok(!text.includes(part), "a token segment was logged");
      }
    }
    assert.ok(!text.includes(secretSub));
    assert.ok(!text.includes("someone@example.test"));
    assert.ok(!text.includes("eyJ"), "no base64url JSON (JWT header/payload) in logs");

    const reasons = new Set<string>(REASONS);
    for (const line of cap.lines) {
      const rec = JSON.parse(line) as Record<string, unknown>;
      assert.equal(rec.component, "authguard-authorizer");
      if (rec.message === "deny") {
        assert.deepEqual(Object.keys(rec).sort(), ["component", "format", "level", "message", "reason"]);
        assert.ok(reasons.has(rec.reason as string), `unknown reason ${String(rec.reason)}`);
      } else {
        for (const v of Object.values(rec)) assert.ok(typeof v === "number" || (typeof v === "string" && v.length < 300));
      }
    }
    assert.ok(cap.lines.some((l) => l.includes('"variable":"AUTH_ISSUER"')), "configuration error names the variable");
  });
});
