import { strict as assert } from "assert";
import { findings, usePack, violationsOf } from "../kit/pack";
import { method, restApi, route, StackBuilder, v2Api } from "../kit/stack";

const POLICY = "apigw-ineffective-route-auth";

describe(POLICY, () => {
    const pack = usePack();

    it("warns (advisory) about authorization on WebSocket routes other than $connect", async () => {
        const s = new StackBuilder();
        const ws = v2Api(s, "chat", "WEBSOCKET");
        route(s, "connect", ws, "$connect", "CUSTOM", { authorizerId: "a1" });
        const send = route(s, "send", ws, "sendMessage", "CUSTOM", { authorizerId: "a1" });
        route(s, "plain", ws, "$disconnect", "NONE");
        const http = v2Api(s, "shop", "HTTP");
        route(s, "httpRoute", http, "GET /pets", "JWT", { authorizerId: "a2" });
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [`advisory ${POLICY} send`]);
        const [v] = violationsOf(result, POLICY);
        assert.equal(v.urn, send.urn);
        assert.match(v.message, /WebSocket route "sendMessage" on API "chat" sets authorization CUSTOM with an authorizer\./);
    });

    // Added with the cross-resource policies (issue 4): scopes only apply to JWT routes and Cognito methods.
    it("warns (advisory) about authorization scopes on a route or method whose authorization type ignores them", async () => {
        const s = new StackBuilder();
        const http = v2Api(s, "shop", "HTTP");
        route(s, "jwtScoped", http, "GET /orders", "JWT", { authorizerId: "a1", authorizationScopes: ["orders/read"] });
        const custom = route(s, "customScoped", http, "POST /orders", "CUSTOM", { authorizerId: "a2", authorizationScopes: ["orders/write"] });
        route(s, "iamNoScopes", http, "DELETE /orders", "AWS_IAM", { authorizationScopes: [] });
        const api = restApi(s, "rest");
        method(s, "cognitoScoped", api, undefined, "GET", "COGNITO_USER_POOLS", { authorizerId: "c1", authorizationScopes: ["orders/read"] });
        method(s, "iamScoped", api, undefined, "POST", "AWS_IAM", { authorizationScopes: ["orders/write"] });
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [`advisory ${POLICY} customScoped`, `advisory ${POLICY} iamScoped`]);
        const v = violationsOf(result, POLICY).find((x) => x.urn === custom.urn)!;
        assert.match(v.message, /Route "POST \/orders" lists authorizationScopes \("orders\/write"\) but its authorization is CUSTOM, which ignores scopes\./);
        assert.match(v.message, /authorizationType: "JWT",/);
    });
});
