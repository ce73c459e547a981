/**
 * The deployed artefact: build authorizer-fn/dist/index.js with the package's
 * own build script, then load it in a fresh Node process with the environment
 * set (as Lambda does) and drive its exported `handler` against the local IdP.
 */
import { strict as assert } from "node:assert";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { IdpServer, STAGE_ALLOW, baseClaims, baseEnv, httpV2Event, makeKey, restTokenEvent, sign, websocketEvent, type TestKey } from "../kit/authorizer";

const ROOT = path.resolve(__dirname, "../..");
const BUNDLE = path.join(ROOT, "authorizer-fn/dist/index.js");

/** Child script: require the bundle, run the events in order, print one RESULT line each. */
const RUNNER = `
const events = JSON.parse(process.env.TEST_EVENTS);
const mod = require(process.env.TEST_BUNDLE);
process.stdout.write("EXPORTS:" + JSON.stringify(Object.keys(mod)) + "\\n");
(async () => {
  for (const ev of events) {
    let out;
    try { out = { ok: await mod.handler(ev, {}) }; }
    catch (e) { out = { threw: e && e.message }; }
    process.stdout.write("RESULT:" + JSON.stringify(out) + "\\n");
  }
})();
`;

interface BundleRun {
  exports: string[];
  results: any[];
  logs: string[];
}

function runBundle(env: Record<string, string | undefined>, events: unknown[]): Promise<BundleRun> {
  return new Promise((resolve, reject) => {
    const childEnv: Record<string, string> = { PATH: process.env.PATH ?? "", TEST_EVENTS: JSON.stringify(events), TEST_BUNDLE: BUNDLE };
    for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
    execFile(process.execPath, ["-e", RUNNER], { env: childEnv, timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) return reject(err);
      const lines = `${stdout}\n${stderr}`.split("\n").filter(Boolean);
      const exportsLine = lines.find((l) => l.startsWith("EXPORTS:"));
      resolve({
        exports: exportsLine ? JSON.parse(exportsLine.slice(8)) : [],
        results: lines.filter((l) => l.startsWith("RESULT:")).map((l) => JSON.parse(l.slice(7))),
        logs: lines.filter((l) => !l.startsWith("RESULT:") && !l.startsWith("EXPORTS:")),
      });
    });
  });
}

describe("authorizer-fn built bundle (dist/index.js)", function () {
  this.timeout(60_000);
  const idp = new IdpServer();
  let key: TestKey;

  before(async () => {
    execFileSync("npm", ["run", "build", "-w", "authorizer-fn", "--silent"], { cwd: ROOT, stdio: "pipe" });
    key = await makeKey("RS256", "bundle-key");
    idp.keys = [key.publicJwk];
    await idp.start();
  });
  after(() => idp.stop());

  it("is one CommonJS file of at most 100 KB with jose inlined", () => {
    const size = fs.statSync(BUNDLE).size;
    assert.ok(size <= 100 * 1024, `bundle is ${size} bytes`);
    const src = fs.readFileSync(BUNDLE, "utf8");
    assert.ok(!/require\(["']jose["']\)/.test(src), "jose is bundled, not required at runtime");
    const requires = [...src.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    assert.ok(requires.every((r) => r.startsWith("node:") || ["crypto", "http", "https", "util", "buffer"].includes(r)), requires.join(","));
  });

  it("allows a valid token and denies bad ones, with the environment read at load", async () => {
    const good = sign(key, baseClaims());
    const { exports, results, logs } = await runBundle(baseEnv(idp), [
      restTokenEvent(`Bearer ${good}`),
      restTokenEvent(`Bearer ${good.slice(0, -4)}`),
      httpV2Event({ authorization: `Bearer ${good}` }),
      httpV2Event({}),
      websocketEvent({ Authorization: good }),
      { type: "SURPRISE" },
    ]);
    assert.deepEqual(exports, ["handler"]);
    assert.equal(results.length, 6);
    assert.equal(results[0].ok.principalId, "user-1");
    assert.deepEqual(results[0].ok.policyDocument.Statement[0].Resource, [STAGE_ALLOW]);
    assert.deepEqual(results[1], { threw: "Unauthorized" });
    assert.equal(results[2].ok.isAuthorized, true);
    assert.deepEqual(results[3], { ok: { isAuthorized: false } });
    assert.equal(results[4].ok.policyDocument.Statement[0].Effect, "Allow");
    assert.deepEqual(results[5], { threw: "Unauthorized" });
    const denials = logs.map((l) => JSON.parse(l)).filter((r) => r.message === "deny").map((r) => r.reason);
    assert.deepEqual(denials, ["signature_invalid", "missing_token", "event_invalid"]);
    for (const l of logs) assert.ok(!l.includes(good.split(".")[1]), "no token text in the bundle's logs");
  });

  it("denies everything with a broken configuration and logs the variable once", async () => {
    const good = sign(key, baseClaims());
    const { results, logs } = await runBundle(baseEnv(idp, { AUTH_ALGORITHMS: "HS256" }), [restTokenEvent(good), httpV2Event({ authorization: good })]);
    assert.deepEqual(results, [{ threw: "Unauthorized" }, { ok: { isAuthorized: false } }]);
    const config = logs.map((l) => JSON.parse(l)).filter((r) => r.variable);
    assert.equal(config.length, 1);
    assert.equal(config[0].variable, "AUTH_ALGORITHMS");
  });

  it("prefetches keys while loading (one JWKS request for several invocations)", async () => {
    const before = idp.jwksHits;
    const good = sign(key, baseClaims());
    const { results } = await runBundle(baseEnv(idp), [restTokenEvent(good), restTokenEvent(good), restTokenEvent(good)]);
    assert.ok(results.every((r) => r.ok?.principalId === "user-1"));
    assert.equal(idp.jwksHits - before, 1);
  });
});
