import { strict as assert } from "assert";
import { MODES, World } from "../kit/invoke";
import { policyHelpers, usePack, violationsOf } from "../kit/pack";
import { StackBuilder, UNKNOWN } from "../kit/stack";

const POLICY = "apigw-authorizer-wiring";
const POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc";

describe(POLICY, () => {
    const pack = usePack();
    const { run, mine, message } = policyHelpers(pack, POLICY);


    for (const mode of MODES) {
        describe(mode, () => {
            it("REST: CUSTOM needs a Lambda authorizer and COGNITO_USER_POOLS a Cognito one with providerArns, on the same API", async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const api = w.restApi("api");
                const other = w.restApi("other");
                const token = w.restAuthorizer("token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
                const cognito = w.restAuthorizer("cognito", api, "COGNITO_USER_POOLS", { providerArns: [POOL] });
                const empty = w.restAuthorizer("empty-cognito", api, "COGNITO_USER_POOLS");
                const foreign = w.restAuthorizer("foreign", other, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
                // Right.
                w.method("custom-ok", api, undefined, "GET", "CUSTOM", { authorizerId: w.ref(token, "id") });
                w.method("cognito-ok", api, undefined, "POST", "COGNITO_USER_POOLS", { authorizerId: w.ref(cognito, "id") });
                w.method("iam-ok", api, undefined, "PUT", "AWS_IAM");
                // Wrong.
                w.method("custom-on-cognito", api, undefined, "DELETE", "CUSTOM", { authorizerId: w.ref(cognito, "id") });
                w.method("cognito-on-token", api, undefined, "PATCH", "COGNITO_USER_POOLS", { authorizerId: w.ref(token, "id") });
                w.method("cognito-without-pools", api, undefined, "HEAD", "COGNITO_USER_POOLS", { authorizerId: w.ref(empty, "id") });
                w.method("custom-without-id", api, undefined, "OPTIONS", "CUSTOM");
                w.method("other-api", api, undefined, "ANY", "CUSTOM", { authorizerId: w.ref(foreign, "id") });
                w.method("iam-with-authorizer", api, undefined, "GET", "AWS_IAM", { authorizerId: w.ref(token, "id") });
                w.method("none-with-authorizer", api, undefined, "GET", "NONE", { authorizerId: w.ref(token, "id") });
                const result = await run(w);
                assert.deepEqual(mine(result), [
                    `mandatory ${POLICY} cognito-on-token`,
                    `mandatory ${POLICY} cognito-without-pools`,
                    `mandatory ${POLICY} custom-on-cognito`,
                    `mandatory ${POLICY} custom-without-id`,
                    `mandatory ${POLICY} iam-with-authorizer`,
                    `mandatory ${POLICY} none-with-authorizer`,
                    `mandatory ${POLICY} other-api`,
                ]);
                assert.match(message(result, "custom-on-cognito"), /Method "custom-on-cognito" of REST API "api" has authorization CUSTOM but its authorizer "cognito" is of type COGNITO_USER_POOLS; CUSTOM needs a TOKEN or REQUEST \(Lambda\) authorizer\./);
                assert.match(message(result, "custom-on-cognito"), /authorization: "COGNITO_USER_POOLS", \/\/ matches authorizer "cognito"/);
                assert.match(message(result, "cognito-without-pools"), /uses Cognito authorizer "empty-cognito", which has no providerArns/);
                assert.match(message(result, "custom-without-id"), /has authorization CUSTOM but no authorizerId/);
                assert.match(message(result, "other-api"), /names authorizer "foreign", which belongs to another API \("other"\)/);
                assert.match(message(result, "iam-with-authorizer"), /has authorization AWS_IAM and also names an authorizer "token", which AWS_IAM ignores\. Only IAM signatures are checked/);
                assert.match(message(result, "none-with-authorizer"), /The endpoint is open although the code reads as if the authorizer protected it/);
                const v = violationsOf(result, POLICY)[0];
                assert.ok(v.message.includes(`resource: ${v.urn}`));
            });

            it("v2: JWT needs a JWT authorizer and CUSTOM a REQUEST authorizer, on the same API", async () => {
                const w = new World(new StackBuilder(), mode);
                const fn = w.fn("auth");
                const http = w.v2Api("http", "HTTP");
                const other = w.v2Api("other", "HTTP");
                const jwt = w.v2Authorizer("jwt", http, "JWT", { identitySources: ["$request.header.Authorization"], jwtConfiguration: { issuer: "https://issuer.example.com", audiences: ["a"] } });
                const req = w.v2Authorizer("req", http, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), identitySources: ["$request.header.Authorization"] });
                const foreign = w.v2Authorizer("foreign-jwt", other, "JWT", { identitySources: ["$request.header.Authorization"], jwtConfiguration: { issuer: "https://issuer.example.com", audiences: ["a"] } });
                w.route("jwt-ok", http, "GET /a", { authorizationType: "JWT", authorizerId: w.ref(jwt, "id") });
                w.route("custom-ok", http, "GET /b", { authorizationType: "CUSTOM", authorizerId: w.ref(req, "id") });
                w.route("jwt-on-request", http, "GET /c", { authorizationType: "JWT", authorizerId: w.ref(req, "id") });
                w.route("custom-on-jwt", http, "GET /d", { authorizationType: "CUSTOM", authorizerId: w.ref(jwt, "id") });
                w.route("jwt-without-id", http, "GET /e", { authorizationType: "JWT" });
                w.route("jwt-other-api", http, "GET /f", { authorizationType: "JWT", authorizerId: w.ref(foreign, "id") });
                w.route("iam-with-authorizer", http, "GET /g", { authorizationType: "AWS_IAM", authorizerId: w.ref(jwt, "id") });
                // WebSocket non-$connect routes are apigw-ineffective-route-auth's.
                const ws = w.v2Api("chat", "WEBSOCKET");
                w.route("ws-send", ws, "send", { authorizationType: "CUSTOM", authorizerId: w.ref(jwt, "id") });
                const result = await run(w);
                assert.deepEqual(mine(result), [
                    `mandatory ${POLICY} custom-on-jwt`,
                    `mandatory ${POLICY} iam-with-authorizer`,
                    `mandatory ${POLICY} jwt-on-request`,
                    `mandatory ${POLICY} jwt-other-api`,
                    `mandatory ${POLICY} jwt-without-id`,
                ]);
                assert.match(message(result, "jwt-on-request"), /Route "GET \/c" of HTTP API "http" has authorizationType JWT but its authorizer "req" is of type REQUEST; JWT needs a JWT authorizer\./);
                assert.match(message(result, "jwt-without-id"), /authorizerId: jwtAuthorizer\.id, \/\/ a JWT authorizer of this API/);
            });
        });
    }

    it("preview: an authorizerId that is unknown and linked to nothing is could-not-verify; up: an id from outside the stack too", async () => {
        const w = new World(new StackBuilder(), "preview");
        const api = w.restApi("api");
        w.method("external", api, undefined, "GET", "CUSTOM", { authorizerId: UNKNOWN });
        let result = await run(w);
        assert.deepEqual(mine(result), [`advisory ${POLICY} shop-dev`]);
        assert.match(violationsOf(result, POLICY)[0].message, /external: authorizerId is unknown during preview and depends on no authorizer in the stack/);
        const up = new World(new StackBuilder(), "up");
        const api2 = up.restApi("api");
        up.method("external", api2, undefined, "GET", "CUSTOM", { authorizerId: "zz9zz9" });
        result = await run(up);
        assert.deepEqual(mine(result), [`advisory ${POLICY} shop-dev`]);
        assert.match(violationsOf(result, POLICY)[0].message, /authorizerId "zz9zz9" names no authorizer in the stack/);
    });

    it("up: links an authorizer by its known id when there is no dependency (imported or looked-up ids)", async () => {
        const w = new World(new StackBuilder(), "up");
        const api = w.restApi("api");
        const cognito = w.restAuthorizer("cognito", api, "COGNITO_USER_POOLS", { providerArns: [POOL] });
        // The id is written as a literal (e.g. from config): no property dependency.
        w.method("by-id", api, undefined, "GET", "CUSTOM", { authorizerId: w.id(cognito, 6) });
        const result = await run(w);
        assert.deepEqual(mine(result), [`mandatory ${POLICY} by-id`]);
    });
});
