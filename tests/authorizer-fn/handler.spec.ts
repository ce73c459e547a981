import { strict as assert } from "node:assert";
import {
  AUDIENCE, CLIENT_ID, ISSUER, IdpServer, METHOD_ARN, STAGE_ALLOW, baseClaims, baseEnv, httpV1Event, httpV2Event,
  joseSign, makeAuthorizer, makeKey, outcome, restRequestEvent, restTokenEvent, sign, websocketEvent, type TestKey,
} from "../kit/authorizer";

describe("authorizer-fn handler: event formats and algorithms", () => {
  const idp = new IdpServer();
  let rsa: TestKey;
  let ec: TestKey;
  let ed: TestKey;

  before(async () => {
    [rsa, ec, ed] = await Promise.all([makeKey("RS256", "rsa-1"), makeKey("ES256", "ec-1"), makeKey("EdDSA", "ed-1")]);
    idp.keys = [rsa.publicJwk, ec.publicJwk, ed.publicJwk];
    await idp.start();
  });
  after(() => idp.stop());

  describe("every event format allows a valid token and denies a bad one", () => {
    it("REST TOKEN: Allow policy for the whole stage, principalId = sub, string context", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp));
      const token = sign(rsa, baseClaims());
      const res = (await outcome(authorizer, restTokenEvent(`Bearer ${token}`))) as Record<string, any>;
      assert.equal(res.principalId, "user-1");
      assert.deepEqual(res.policyDocument, {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: [STAGE_ALLOW] }],
      });
      assert.deepEqual(res.context, { sub: "user-1", iss: ISSUER, scope: "pets:read" });
      for (const v of Object.values(res.context)) assert.ok(["string", "number", "boolean"].includes(typeof v));
      assert.deepEqual(logger.denials, []);
      assert.equal(await outcome(authorizer, restTokenEvent(`Bearer ${token}x`)), "Unauthorized");
      assert.equal(logger.lastDenial, "signature_invalid");
    });

    it("REST TOKEN also accepts a token without the Bearer prefix and a lower-case 'bearer'", async () => {
      const { authorizer } = await makeAuthorizer(baseEnv(idp));
      const token = sign(rsa, baseClaims());
      assert.equal(((await outcome(authorizer, restTokenEvent(token))) as any).principalId, "user-1");
      for (const v of [`bearer ${token}`, `BEARER   ${token}`, `\tBearer\t${token}  `, ` ${token} `]) {
        assert.equal(((await outcome(authorizer, restTokenEvent(v))) as any).principalId, "user-1", JSON.stringify(v.slice(0, 12)));
      }
      assert.equal(await outcome(authorizer, restTokenEvent(`Bearer${token}`)), "Unauthorized");
    });

    it("REST REQUEST: Authorization header found case-insensitively", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp));
      const token = sign(rsa, baseClaims());
      const res = (await outcome(authorizer, restRequestEvent({ AUTHORIZATION: `Bearer ${token}` }))) as any;
      assert.equal(res.policyDocument.Statement[0].Effect, "Allow");
      assert.deepEqual(res.policyDocument.Statement[0].Resource, [STAGE_ALLOW]);
      assert.equal(await outcome(authorizer, restRequestEvent({ "x-other": token })), "Unauthorized");
      assert.equal(logger.lastDenial, "missing_token");
      assert.equal(await outcome(authorizer, restRequestEvent(null)), "Unauthorized");
      assert.equal(logger.lastDenial, "missing_token");
    });

    it("HTTP API payload 1.0: IAM policy; invalid token throws Unauthorized", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp));
      const res = (await outcome(authorizer, httpV1Event({ authorization: `Bearer ${sign(rsa, baseClaims())}` }))) as any;
      assert.equal(res.principalId, "user-1");
      assert.deepEqual(res.policyDocument.Statement[0].Resource, [STAGE_ALLOW]);
      const expired = sign(rsa, { ...baseClaims(), exp: Math.floor(Date.now() / 1000) - 60 });
      assert.equal(await outcome(authorizer, httpV1Event({ authorization: `Bearer ${expired}` })), "Unauthorized");
      assert.equal(logger.lastDenial, "token_expired");
    });

    it("HTTP API payload 2.0 simple responses: isAuthorized true with context / false", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp));
      const res = await outcome(authorizer, httpV2Event({ authorization: `Bearer ${sign(rsa, baseClaims())}` }));
      assert.deepEqual(res, { isAuthorized: true, context: { sub: "user-1", iss: ISSUER, scope: "pets:read" } });
      assert.deepEqual(await outcome(authorizer, httpV2Event({})), { isAuthorized: false });
      assert.equal(logger.lastDenial, "missing_token");
      assert.deepEqual(await outcome(authorizer, httpV2Event({ authorization: "Bearer nope" })), { isAuthorized: false });
      assert.equal(logger.lastDenial, "token_malformed");
    });

    it("HTTP API payload 2.0 with AUTH_HTTP_RESPONSE=iam: policy on the stage; invalid throws Unauthorized", async () => {
      const { authorizer } = await makeAuthorizer(baseEnv(idp, { AUTH_HTTP_RESPONSE: "iam" }));
      const res = (await outcome(authorizer, httpV2Event({ authorization: `Bearer ${sign(rsa, baseClaims())}` }))) as any;
      assert.equal(res.principalId, "user-1");
      assert.deepEqual(res.policyDocument.Statement[0].Resource, [STAGE_ALLOW]);
      assert.equal(await outcome(authorizer, httpV2Event({})), "Unauthorized");
    });

    it("WebSocket $connect: header or configured query parameter; Allow covers the stage", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_TOKEN_SOURCE: "header:Authorization,query:access_token" }));
      const token = sign(rsa, baseClaims());
      const viaHeader = (await outcome(authorizer, websocketEvent({ Authorization: `Bearer ${token}` }))) as any;
      assert.deepEqual(viaHeader.policyDocument.Statement[0].Resource, ["arn:aws:execute-api:eu-west-1:123456789012:wsapi12345/prod/*"]);
      const viaQuery = (await outcome(authorizer, websocketEvent(null, { access_token: token }))) as any;
      assert.equal(viaQuery.principalId, "user-1");
      assert.equal(await outcome(authorizer, websocketEvent(null, { other: token })), "Unauthorized");
      assert.equal(logger.lastDenial, "missing_token");
    });

    it("query-string tokens are ignored outside WebSocket $connect", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_TOKEN_SOURCE: "query:access_token" }));
      const token = sign(rsa, baseClaims());
      assert.equal(await outcome(authorizer, restRequestEvent({}, { query: { access_token: token } })), "Unauthorized");
      assert.equal(logger.lastDenial, "missing_token");
    });

    it("a custom header source replaces Authorization", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_TOKEN_SOURCE: "header:X-Api-Token" }));
      const token = sign(rsa, baseClaims());
      assert.equal(((await outcome(authorizer, restRequestEvent({ "x-api-token": token }))) as any).principalId, "user-1");
      assert.equal(await outcome(authorizer, restRequestEvent({ Authorization: `Bearer ${token}` })), "Unauthorized");
      assert.equal(logger.lastDenial, "missing_token");
    });

    it("the policy partition comes from the method ARN (aws-cn, aws-us-gov)", async () => {
      const { authorizer } = await makeAuthorizer(baseEnv(idp));
      const token = sign(rsa, baseClaims());
      const cn = (await outcome(authorizer, restTokenEvent(token, "arn:aws-cn:execute-api:cn-north-1:123456789012:abcdef1234/prod/GET/pets"))) as any;
      assert.deepEqual(cn.policyDocument.Statement[0].Resource, ["arn:aws-cn:execute-api:cn-north-1:123456789012:abcdef1234/prod/*/*"]);
      const gov = (await outcome(authorizer, restTokenEvent(token, "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abcdef1234/v1/POST/a/b"))) as any;
      assert.deepEqual(gov.policyDocument.Statement[0].Resource, ["arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abcdef1234/v1/*/*"]);
    });
  });

  describe("algorithms", () => {
    for (const which of ["RS256", "ES256", "EdDSA"] as const) {
      it(`${which}: accepts a valid token (hand-signed and jose-signed), rejects a tampered one`, async () => {
        const key = which === "RS256" ? rsa : which === "ES256" ? ec : ed;
        const { authorizer, logger } = await makeAuthorizer(baseEnv(idp));
        const token = sign(key, baseClaims());
        assert.equal(((await outcome(authorizer, restTokenEvent(token))) as any).principalId, "user-1");
        const viaJose = await joseSign(key, { ...baseClaims(), sub: "user-jose" });
        assert.equal(((await outcome(authorizer, restTokenEvent(viaJose))) as any).principalId, "user-jose");
        const [h, , s] = token.split(".");
        const forged = `${h}.${Buffer.from(JSON.stringify({ ...baseClaims(), sub: "admin" })).toString("base64url")}.${s}`;
        assert.equal(await outcome(authorizer, restTokenEvent(forged)), "Unauthorized");
        assert.equal(logger.lastDenial, "signature_invalid");
      });
    }

    it("an algorithm outside AUTH_ALGORITHMS is denied even with a valid signature", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_ALGORITHMS: "RS256" }));
      assert.equal(await outcome(authorizer, restTokenEvent(sign(ec, baseClaims()))), "Unauthorized");
      assert.equal(logger.lastDenial, "alg_not_allowed");
      assert.equal(((await outcome(authorizer, restTokenEvent(sign(rsa, baseClaims())))) as any).principalId, "user-1");
    });
  });

  describe("audience, Cognito tokens and context", () => {
    it("accepts any configured audience, including one inside an aud array", async () => {
      const { authorizer } = await makeAuthorizer(baseEnv(idp));
      const token = sign(rsa, { ...baseClaims(), aud: ["other", AUDIENCE] });
      assert.equal(((await outcome(authorizer, restTokenEvent(token))) as any).principalId, "user-1");
    });

    it("Cognito access token: client_id matched against AUTH_AUDIENCE, context carries client_id", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp));
      const claims = { ...baseClaims(), aud: undefined, token_use: "access", client_id: CLIENT_ID, scope: "pets/read pets/write" };
      const res = (await outcome(authorizer, restTokenEvent(sign(rsa, claims)))) as any;
      assert.deepEqual(res.context, { sub: "user-1", iss: ISSUER, scope: "pets/read pets/write", client_id: CLIENT_ID });
      const wrong = { ...claims, client_id: "someone-else" };
      assert.equal(await outcome(authorizer, restTokenEvent(sign(rsa, wrong))), "Unauthorized");
      assert.equal(logger.lastDenial, "audience_mismatch");
    });

    it("Cognito ID token is refused by default and accepted with AUTH_TOKEN_USE=id", async () => {
      const idClaims = { ...baseClaims(), aud: CLIENT_ID, token_use: "id", scope: undefined };
      const strict = await makeAuthorizer(baseEnv(idp));
      assert.equal(await outcome(strict.authorizer, restTokenEvent(sign(rsa, idClaims))), "Unauthorized");
      assert.equal(strict.logger.lastDenial, "token_use_mismatch");
      const idMode = await makeAuthorizer(baseEnv(idp, { AUTH_TOKEN_USE: "id" }));
      assert.equal(((await outcome(idMode.authorizer, restTokenEvent(sign(rsa, idClaims)))) as any).principalId, "user-1");
    });

    it("scp arrays (Okta/Entra style) become a space-separated scope string", async () => {
      const { authorizer } = await makeAuthorizer(baseEnv(idp));
      const res = (await outcome(authorizer, restTokenEvent(sign(rsa, { ...baseClaims(), scope: undefined, scp: ["a", "b"] })))) as any;
      assert.equal(res.context.scope, "a b");
    });

    it("claims other than sub/iss/scope/client_id never reach the context", async () => {
      const { authorizer } = await makeAuthorizer(baseEnv(idp));
      const res = (await outcome(authorizer, restTokenEvent(sign(rsa, { ...baseClaims(), email: "a@b.c", groups: ["x"], nested: { a: 1 } })))) as any;
      assert.deepEqual(Object.keys(res.context).sort(), ["iss", "scope", "sub"]);
    });

    it("a token within the clock tolerance after exp is still accepted; beyond it, denied", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_CLOCK_TOLERANCE_SECONDS: "30" }));
      const t = Math.floor(Date.now() / 1000);
      assert.equal(((await outcome(authorizer, restTokenEvent(sign(rsa, { ...baseClaims(), exp: t - 10 })))) as any).principalId, "user-1");
      assert.equal(await outcome(authorizer, restTokenEvent(sign(rsa, { ...baseClaims(), exp: t - 40 }))), "Unauthorized");
      assert.equal(logger.lastDenial, "token_expired");
    });

    it("AUTH_REQUIRED_CLAIMS adds claims; exp and sub stay required even when not listed", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_REQUIRED_CLAIMS: "jti" }));
      const withJti = { ...baseClaims(), jti: "j1", iat: undefined };
      assert.equal(((await outcome(authorizer, restTokenEvent(sign(rsa, withJti)))) as any).principalId, "user-1");
      assert.equal(await outcome(authorizer, restTokenEvent(sign(rsa, { ...withJti, jti: undefined }))), "Unauthorized");
      assert.equal(logger.lastDenial, "claim_missing");
      assert.equal(await outcome(authorizer, restTokenEvent(sign(rsa, { ...withJti, exp: undefined }))), "Unauthorized");
      assert.equal(logger.lastDenial, "claim_missing");
      assert.equal(await outcome(authorizer, restTokenEvent(sign(rsa, { ...withJti, sub: undefined }))), "Unauthorized");
      assert.equal(logger.lastDenial, "claim_missing");
    });
  });

  describe("route scopes (AUTH_SCOPES)", () => {
    const scopes = JSON.stringify({
      "GET /pets": ["pets:read"],
      "POST /pets": ["pets:write"],
      "DELETE /pets/{id}": ["pets:admin"],
      "ANY /admin/{proxy+}": ["admin"],
      $connect: ["ws:connect"],
      "*": ["base"],
    });
    const arn = (verb: string, path: string) => `arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/${verb}/${path}`;

    it("valid token with the scope: Allow only this route (route-scoped policy)", async () => {
      const { authorizer } = await makeAuthorizer(baseEnv(idp, { AUTH_SCOPES: scopes }));
      const res = (await outcome(authorizer, restTokenEvent(sign(rsa, baseClaims())))) as any;
      assert.deepEqual(res.policyDocument.Statement, [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: [METHOD_ARN] }]);
    });

    it("valid token lacking the scope: explicit Deny on the route (403), not Unauthorized", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_SCOPES: scopes }));
      const res = (await outcome(authorizer, restTokenEvent(sign(rsa, baseClaims()), arn("POST", "pets")))) as any;
      assert.equal(res.principalId, "user-1");
      assert.deepEqual(res.policyDocument.Statement, [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: [arn("POST", "pets")] }]);
      assert.equal(res.context, undefined);
      assert.equal(logger.lastDenial, "insufficient_scope");
    });

    it("{param} and {proxy+} rules match concrete paths; case and trailing slashes cannot dodge a rule", async () => {
      const { authorizer } = await makeAuthorizer(baseEnv(idp, { AUTH_SCOPES: scopes }));
      const reader = sign(rsa, baseClaims());
      const admin = sign(rsa, { ...baseClaims(), scope: "pets:admin admin base" });
      const effect = async (tok: string, a: string) => ((await outcome(authorizer, restTokenEvent(tok, a))) as any).policyDocument.Statement[0].Effect;
      assert.equal(await effect(reader, arn("DELETE", "pets/42")), "Deny");
      assert.equal(await effect(admin, arn("DELETE", "pets/42")), "Allow");
      assert.equal(await effect(reader, arn("GET", "admin/users/1")), "Deny");
      assert.equal(await effect(reader, arn("GET", "admin")), "Deny"); // matches the * fallback: reader lacks 'base'
      assert.equal(await effect(reader, arn("GET", "ADMIN/users")), "Deny");
      assert.equal(await effect(admin, arn("PUT", "admin/users")), "Allow");
      // A trailing slash is an empty segment: not canonical, so refused outright (paths.spec.ts).
      assert.equal(await outcome(authorizer, restTokenEvent(reader, arn("GET", "pets/"))), "Unauthorized");
      assert.equal(await effect(reader, arn("GET", "other")), "Deny"); // '*' requires 'base'
    });

    it("REST REQUEST and HTTP v2 match the route template the event names", async () => {
      const { authorizer } = await makeAuthorizer(baseEnv(idp, { AUTH_SCOPES: scopes, AUTH_HTTP_RESPONSE: "simple" }));
      const reader = sign(rsa, baseClaims());
      const del = (await outcome(authorizer, restRequestEvent({ Authorization: reader }, { methodArn: arn("DELETE", "pets/7"), resource: "/pets/{id}", httpMethod: "DELETE" }))) as any;
      assert.equal(del.policyDocument.Statement[0].Effect, "Deny");
      const v2deny = await outcome(authorizer, httpV2Event({ authorization: reader }, { routeKey: "DELETE /pets/{petId}", routeArn: arn("DELETE", "pets/7") }));
      assert.deepEqual(v2deny, { isAuthorized: false });
      const v2allow = await outcome(authorizer, httpV2Event({ authorization: reader }));
      assert.deepEqual((v2allow as any).isAuthorized, true);
    });

    it("WebSocket $connect rule", async () => {
      const { authorizer } = await makeAuthorizer(baseEnv(idp, { AUTH_SCOPES: scopes }));
      const no = (await outcome(authorizer, websocketEvent({ Authorization: sign(rsa, baseClaims()) }))) as any;
      assert.equal(no.policyDocument.Statement[0].Effect, "Deny");
      const yes = (await outcome(authorizer, websocketEvent({ Authorization: sign(rsa, { ...baseClaims(), scope: "ws:connect" }) }))) as any;
      assert.deepEqual(yes.policyDocument.Statement[0], {
        Action: "execute-api:Invoke",
        Effect: "Allow",
        Resource: ["arn:aws:execute-api:eu-west-1:123456789012:wsapi12345/prod/$connect"],
      });
    });

    it("only a '*' entry keeps decisions route-independent (stage-wide Allow)", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_SCOPES: JSON.stringify({ "*": ["pets:read"] }) }));
      const res = (await outcome(authorizer, restTokenEvent(sign(rsa, baseClaims())))) as any;
      assert.deepEqual(res.policyDocument.Statement[0].Resource, [STAGE_ALLOW]);
      const res2 = (await outcome(authorizer, restTokenEvent(sign(rsa, { ...baseClaims(), scope: "x" })))) as any;
      assert.equal(res2.policyDocument.Statement[0].Effect, "Deny");
      assert.equal(logger.lastDenial, "insufficient_scope");
    });

    it("a route-scoped Allow is refused (Unauthorized) when the request path carries IAM wildcards", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_SCOPES: scopes }));
      const admin = sign(rsa, { ...baseClaims(), scope: "admin base" });
      assert.equal(await outcome(authorizer, restTokenEvent(admin, arn("GET", "admin/*"))), "Unauthorized");
      assert.equal(logger.lastDenial, "event_invalid");
    });
  });
});
