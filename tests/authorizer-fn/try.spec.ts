/** The local "Test authorizer" command runs the built bundle against a synthesized event. */
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import * as path from "node:path";
import { IdpServer, baseClaims, baseEnv, makeKey, sign, type TestKey } from "../kit/authorizer";

const ROOT = path.resolve(__dirname, "../..");

describe("authorizer-fn try command (scripts/try.ts)", function () {
  this.timeout(60_000);
  const idp = new IdpServer();
  let key: TestKey;

  before(async () => {
    execFileSync("npm", ["run", "build", "-w", "authorizer-fn", "--silent"], { cwd: ROOT, stdio: "pipe" });
    key = await makeKey("RS256", "try-key");
    idp.keys = [key.publicJwk];
    await idp.start();
  });
  after(() => idp.stop());

  /** Asynchronous on purpose: the local IdP lives in this process and must keep answering. */
  function tryIt(token: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", ...(baseEnv(idp, { AUTH_JWKS_TIMEOUT_MS: "1500" }) as Record<string, string>), ...extraEnv };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "authorizer-fn/scripts/try.ts", "--token", "-", ...args], { cwd: ROOT, env });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("error", reject);
      child.on("close", (status) => resolve({ status, stdout, stderr }));
      child.stdin.end(token);
    });
  }

  it("prints ALLOW with the policy for a valid token (exit 0) and the reason code for a bad one (exit 3)", async () => {
    const good = sign(key, baseClaims());
    const ok = await tryIt(good, ["--route", "GET /pets", "--format", "rest-request"]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /decision: ALLOW/);
    assert.match(ok.stdout, /"principalId": "user-1"/);

    const bad = await tryIt(`${good.slice(0, -6)}AAAAAA`, ["--route", "GET /pets", "--format", "http-v2"], { AUTH_HTTP_RESPONSE: "iam" });
    assert.equal(bad.status, 3, bad.stderr);
    assert.match(bad.stdout, /decision: UNAUTHORIZED/);
    assert.match(bad.stdout, /reason:\s+signature_invalid/);
    assert.ok(!bad.stdout.includes(good.split(".")[1]), "the token is not echoed");

    const scoped = await tryIt(good, ["--route", "POST /pets", "--format", "rest-token"], { AUTH_SCOPES: '{"POST /pets":["pets:write"]}' });
    assert.equal(scoped.status, 2);
    assert.match(scoped.stdout, /reason:\s+insufficient_scope/);
    assert.match(scoped.stdout, /"Effect": "Deny"/);
  });
});
