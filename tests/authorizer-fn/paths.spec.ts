/**
 * Canonical request paths for route scopes (issue 15, item 2): with per-route
 * AUTH_SCOPES rules, a path not in canonical form is refused with
 * `path_not_canonical` in REST TOKEN, REST REQUEST and HTTP API (1.0, 2.0) events,
 * whoever spells it (the ARN or the event's own path); canonical paths are
 * matched on their decoded segments; without route rules the path is not judged.
 */
import { strict as assert } from "node:assert";
import { canonicalPathSegments } from "../../authorizer-fn/src/paths";
import {
  IdpServer, baseClaims, baseEnv, httpV1Event, httpV2Event, makeAuthorizer, makeKey, outcome, restRequestEvent, restTokenEvent, sign,
  type TestKey,
} from "../kit/authorizer";

const SCOPES = JSON.stringify({ "ANY /admin/{proxy+}": ["admin"], "GET /reports": ["reports"] });
const PREFIX = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod";

/** Path spellings (after the verb in the ARN, without the leading slash) that are not canonical. */
const NOT_CANONICAL: Array<[string, string]> = [
  // the spellings of issue 15
  ["GET", "admin%2Fx"],
  ["GET", "./admin/x"],
  ["GET", "x/../admin/x"],
  ["GET", "admin;x/y"],
  ["GET", "admin%00/x"],
  ["GET", "admin /x"],
  ["GET", "reports%20"],
  // and the rest of each class
  ["GET", "admin%2fx"],
  ["GET", "%2e%2e/admin/x"],
  ["GET", "admin%2ex"],
  ["GET", "admin%252Fx"],
  ["GET", "admin%/x"],
  ["GET", "admin%3Bx/y"],
  ["GET", "admin%5Cx"],
  ["GET", "admin\\x"],
  ["GET", "admin%3Fx"],
  ["GET", "admin\t/x"],
  ["GET", "admin\n/x"],
  ["GET", "admin\u0001/x"],
  ["GET", "admin%7F/x"],
  ["GET", "admin\u00a0/x"],
  ["GET", "%E2%80%AEadmin/x"],
  ["GET", "admin//x"],
  ["GET", "/admin/x"],
  ["GET", "reports/"],
  ["GET", "admin%C0%AFx"],
  ["GET", "admin%EF%BC%8Fx"],
  ["GET", "%EF%BD%81dmin/x"],
  ["GET", "reſports"],
  ["GET", "admın/x"],
];

describe("authorizer-fn canonical paths for route scopes", () => {
  const idp = new IdpServer();
  let key: TestKey;
  /** A valid token without the admin and reports scopes. */
  let reader: string;

  before(async () => {
    key = await makeKey("RS256", "key-a");
    idp.keys = [key.publicJwk];
    await idp.start();
    reader = sign(key, baseClaims());
  });
  after(() => idp.stop());

  describe("canonicalPathSegments", () => {
    it("decodes canonical paths into segments", () => {
      assert.deepEqual(canonicalPathSegments("/"), []);
      assert.deepEqual(canonicalPathSegments("/pets/7"), ["pets", "7"]);
      assert.deepEqual(canonicalPathSegments("/%61dmin/x"), ["admin", "x"]);
      assert.deepEqual(canonicalPathSegments("/caf%C3%A9/café"), ["café", "café"]);
      assert.deepEqual(canonicalPathSegments("/a:b@c/x+y,z=1/~u_v-w.json"), ["a:b@c", "x+y,z=1", "~u_v-w.json"]);
      assert.deepEqual(canonicalPathSegments("/a%40b"), ["a@b"]);
    });
    it("refuses every non-canonical spelling", () => {
      for (const [, p] of NOT_CANONICAL) assert.equal(canonicalPathSegments(`/${p}`), undefined, JSON.stringify(p));
      for (const p of ["", "pets", "/\uD800x"]) assert.equal(canonicalPathSegments(p), undefined, JSON.stringify(p));
    });
  });

  describe("with per-route rules, a non-canonical path is denied with path_not_canonical", () => {
    const events: Array<[string, (verb: string, path: string) => unknown]> = [
      ["REST TOKEN (methodArn)", (verb, path) => restTokenEvent(reader, `${PREFIX}/${verb}/${path}`)],
      [
        "REST REQUEST (methodArn and path)",
        (verb, path) => ({ ...restRequestEvent({ Authorization: reader }, { methodArn: `${PREFIX}/${verb}/${path}`, resource: "/{proxy+}", httpMethod: verb }), path: `/${path}` }),
      ],
      ["HTTP API 1.0 (methodArn and path)", (verb, path) => ({ ...httpV1Event({ Authorization: reader }, `${PREFIX}/${verb}/${path}`), path: `/${path}` })],
      [
        "HTTP API 2.0 (routeArn and rawPath)",
        (verb, path) => ({ ...httpV2Event({ authorization: reader }, { routeKey: "ANY /{proxy+}", routeArn: `${PREFIX}/${verb}/${path}` }), rawPath: `/${path}` }),
      ],
    ];
    for (const [format, event] of events) {
      it(format, async () => {
        const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_SCOPES: SCOPES }));
        const simple = format.startsWith("HTTP API 2.0");
        for (const [verb, path] of NOT_CANONICAL) {
          logger.clear();
          const result = await outcome(authorizer, event(verb, path));
          assert.deepEqual(result, simple ? { isAuthorized: false } : "Unauthorized", JSON.stringify(path));
          assert.deepEqual(logger.denials, ["path_not_canonical"], JSON.stringify(path));
        }
        // Control: canonical spellings are judged by the rules (Deny for the admin and reports routes, allowed elsewhere).
        const effect = async (verb: string, path: string) => {
          const r = (await outcome(authorizer, event(verb, path))) as any;
          return simple ? r.isAuthorized : r.policyDocument.Statement[0].Effect;
        };
        assert.equal(await effect("GET", "admin/x"), simple ? false : "Deny");
        assert.equal(await effect("GET", "%61dmin/x"), simple ? false : "Deny");
        assert.equal(await effect("GET", "REPORTS"), simple ? false : "Deny");
        assert.equal(await effect("GET", "pets"), simple ? true : "Allow");
      });
    }

    it("the event's own path is judged too (HTTP API 2.0 rawPath, REST path), not only the ARN", async () => {
      const { authorizer, logger } = await makeAuthorizer(baseEnv(idp, { AUTH_SCOPES: SCOPES }));
      const v2 = { ...httpV2Event({ authorization: reader }, { routeKey: "ANY /{proxy+}", routeArn: `${PREFIX}/GET/pets` }), rawPath: "/admin%2Fx" };
      assert.deepEqual(await outcome(authorizer, v2), { isAuthorized: false });
      assert.equal(logger.lastDenial, "path_not_canonical");
      const rest = { ...restRequestEvent({ Authorization: reader }, { methodArn: `${PREFIX}/GET/pets` }), path: "/reports/" };
      assert.equal(await outcome(authorizer, rest), "Unauthorized");
      assert.equal(logger.lastDenial, "path_not_canonical");
      const notString = { ...restRequestEvent({ Authorization: reader }, { methodArn: `${PREFIX}/GET/pets` }), path: ["/pets"] };
      assert.equal(await outcome(authorizer, notString), "Unauthorized");
      assert.equal(logger.lastDenial, "event_invalid");
    });
  });

  it("without per-route rules the path is not judged (the Allow covers the whole stage)", async () => {
    const { authorizer } = await makeAuthorizer(baseEnv(idp, { AUTH_SCOPES: JSON.stringify({ "*": ["pets:read"] }) }));
    const r = (await outcome(authorizer, restTokenEvent(reader, `${PREFIX}/GET/admin%2Fx`))) as any;
    assert.deepEqual(r.policyDocument.Statement[0], { Action: "execute-api:Invoke", Effect: "Allow", Resource: [`${PREFIX}/*/*`] });
  });
});
