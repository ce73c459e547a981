/**
 * Table-driven bad-input corpus: every case must be denied (REST TOKEN throws
 * exactly "Unauthorized"; HTTP API simple responses return isAuthorized:false)
 * with the expected fixed reason code.
 */
import { strict as assert } from "node:assert";
import { IdpServer, baseClaims, baseEnv, httpV2Event, makeAuthorizer, outcome, restTokenEvent, sign } from "../kit/authorizer";
import { CASES, makeCorpusKeys, type Keys } from "../kit/authorizer-corpus";

describe("authorizer-fn bad-input corpus (each case denied)", () => {
  const idp = new IdpServer();
  let keys: Keys;

  before(async () => {
    keys = await makeCorpusKeys();
    idp.keys = [keys.rsa.publicJwk, keys.rsa2.publicJwk, keys.ec.publicJwk];
    await idp.start();
  });
  after(() => idp.stop());

  it(`has at least 80 cases (${CASES.length})`, () => {
    assert.ok(CASES.length >= 80);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length, "case names are unique");
  });

  it("control: the untouched token of the same shape is allowed", async () => {
    const { authorizer } = await makeAuthorizer(baseEnv(idp, { AUTH_ALGORITHMS: "RS256,ES256" }));
    const res = (await outcome(authorizer, restTokenEvent(`Bearer ${sign(keys.rsa, baseClaims())}`))) as any;
    assert.equal(res.policyDocument.Statement[0].Effect, "Allow");
  });

  for (const c of CASES) {
    it(`denies: ${c.name} → ${c.reason}`, async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_ALGORITHMS: "RS256,ES256", AUTH_TOKEN_SOURCE: "header:Authorization,query:access_token" }));
      const event = c.event ? c.event(keys) : restTokenEvent(c.token!(keys));
      const result = await outcome(authorizer, event);
      assert.equal(result, "Unauthorized");
      assert.deepEqual(logger.denials, [c.reason]);
    });
  }

  it("HTTP API simple responses deny the same way ({isAuthorized:false}, never a throw)", async () => {
    const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_ALGORITHMS: "RS256,ES256" }));
    let n = 0;
    for (const c of CASES) {
      if (!c.token) continue;
      const value = c.token(keys);
      if (typeof value !== "string") continue;
      const res = await authorizer.handle(httpV2Event({ authorization: value }));
      assert.deepEqual(res, { isAuthorized: false }, c.name);
      n++;
    }
    assert.ok(n >= 80, `ran ${n} token cases through HTTP v2`);
    assert.equal(logger.denials.length, n);
  });
});
