import { strict as assert } from "assert";
import { MODES, World } from "../kit/invoke";
import { policyHelpers, usePack, violationsOf } from "../kit/pack";
import { StackBuilder, UNKNOWN } from "../kit/stack";

const POLICY = "apigw-authorizer-cache-safety";

describe(POLICY, () => {
    const pack = usePack();
    const { run, mine, message } = policyHelpers(pack, POLICY);


    for (const mode of MODES) {
        it(`${mode}: warns about cached REQUEST authorizers without identity sources (default TTL counts as cached)`, async () => {
            const w = new World(new StackBuilder(), mode);
            const fn = w.fn("auth");
            const api = w.restApi("api");
            const bad = w.restAuthorizer("no-identity", api, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn") });
            w.restAuthorizer("uncached", api, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), authorizerResultTtlInSeconds: 0 });
            w.restAuthorizer("keyed", api, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), identitySource: "method.request.header.Authorization" });
            const http = w.v2Api("http", "HTTP");
            w.v2Authorizer("v2-no-identity", http, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), authorizerResultTtlInSeconds: 60 });
            // WebSocket authorizers do not cache.
            const ws = w.v2Api("chat", "WEBSOCKET");
            w.v2Authorizer("ws", ws, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn") });
            const result = await run(w);
            assert.deepEqual(mine(result), [`advisory ${POLICY} no-identity`, `advisory ${POLICY} v2-no-identity`]);
            const m = message(result, "no-identity");
            assert.match(m, /Lambda REQUEST authorizer "no-identity" of REST API "api" caches its answers \(TTL the default 300 s\) but has no identity sources\./);
            assert.ok(m.includes(`resource: ${bad.urn}`));
            assert.match(m, /authorizerResultTtlInSeconds: 0, \/\/ no caching/);
            assert.match(message(result, "v2-no-identity"), /\(TTL 60 s\)/);
        });

        it(`${mode}: warns about a cached authorizer shared by endpoints without route context in its cache key`, async () => {
            const w = new World(new StackBuilder(), mode);
            const fn = w.fn("auth");
            const api = w.restApi("api");
            const token = w.restAuthorizer("shared-token", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
            const perRoute = w.restAuthorizer("per-route", api, "REQUEST", {
                authorizerUri: w.ref(fn, "invokeArn"),
                identitySource: "method.request.header.Authorization,context.resourcePath,context.httpMethod",
            });
            const single = w.restAuthorizer("single-use", api, "TOKEN", { authorizerUri: w.ref(fn, "invokeArn") });
            w.method("read", api, undefined, "GET", "CUSTOM", { authorizerId: w.ref(token, "id") });
            w.method("write", api, undefined, "POST", "CUSTOM", { authorizerId: w.ref(token, "id") });
            w.method("a", api, undefined, "PUT", "CUSTOM", { authorizerId: w.ref(perRoute, "id") });
            w.method("b", api, undefined, "DELETE", "CUSTOM", { authorizerId: w.ref(perRoute, "id") });
            w.method("c", api, undefined, "PATCH", "CUSTOM", { authorizerId: w.ref(single, "id") });
            const http = w.v2Api("http", "HTTP");
            const shared = w.v2Authorizer("v2-shared", http, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), identitySources: ["$request.header.Authorization"], enableSimpleResponses: true });
            const keyed = w.v2Authorizer("v2-keyed", http, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), identitySources: ["$request.header.Authorization", "$context.routeKey"] });
            w.route("orders-read", http, "GET /orders", { authorizationType: "CUSTOM", authorizerId: w.ref(shared, "id"), authorizationScopes: ["orders/read"] });
            w.route("orders-admin", http, "DELETE /orders", { authorizationType: "CUSTOM", authorizerId: w.ref(shared, "id"), authorizationScopes: ["orders/admin"] });
            w.route("k1", http, "GET /k1", { authorizationType: "CUSTOM", authorizerId: w.ref(keyed, "id") });
            w.route("k2", http, "GET /k2", { authorizationType: "CUSTOM", authorizerId: w.ref(keyed, "id") });
            const result = await run(w);
            assert.deepEqual(mine(result), [`advisory ${POLICY} shared-token`, `advisory ${POLICY} v2-shared`]);
            assert.match(
                message(result, "shared-token"),
                /Lambda TOKEN authorizer "shared-token" of REST API "api" caches its answers for the default 300 s, keyed by "method\.request\.header\.Authorization" only, and is shared by 2 endpoints: method "read", method "write"\./,
            );
            const v2 = message(result, "v2-shared");
            assert.match(v2, /shared by 2 endpoints: route "GET \/orders", route "DELETE \/orders"\. They declare different authorization scopes/);
            assert.match(v2, /identitySources: \["\$request\.header\.Authorization", "\$context\.routeKey"\]/);
        });
    }

    it("preview: an unknown TTL is could-not-verify", async () => {
        const w = new World(new StackBuilder(), "preview");
        const fn = w.fn("auth");
        const api = w.restApi("api");
        w.restAuthorizer("ttl-from-config", api, "REQUEST", { authorizerUri: w.ref(fn, "invokeArn"), authorizerResultTtlInSeconds: UNKNOWN });
        const result = await run(w);
        assert.deepEqual(mine(result), [`advisory ${POLICY} shop-dev`]);
        assert.match(violationsOf(result, POLICY)[0].message, /ttl-from-config: authorizerResultTtlInSeconds is unknown during preview/);
    });
});
