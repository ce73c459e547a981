import { strict as assert } from "assert";
import { findings, usePack, violationsOf } from "../kit/pack";
import { route, StackBuilder, UNKNOWN, v2Api } from "../kit/stack";

const POLICY = "apigw-route-requires-authorization";

describe(POLICY, () => {
    const pack = usePack();

    describe("HTTP APIs", () => {
        it("fails every open route, $default included, and names URN, route, why and fix", async () => {
            const s = new StackBuilder();
            const api = v2Api(s, "shop", "HTTP");
            const open = route(s, "getPets", api, "GET /pets", "NONE");
            route(s, "missing", api, "POST /pets");
            route(s, "default", api, "$default", "NONE");
            route(s, "jwt", api, "GET /orders", "JWT", { authorizerId: "a1" });
            route(s, "iam", api, "DELETE /orders", "AWS_IAM");
            route(s, "custom", api, "PUT /orders", "CUSTOM", { authorizerId: "a2" });
            const result = await pack.analyze(s);
            assert.deepEqual(findings(result, { policy: POLICY }), [
                `mandatory ${POLICY} default`,
                `mandatory ${POLICY} getPets`,
                `mandatory ${POLICY} missing`,
            ]);
            const v = violationsOf(result, POLICY).find((x) => x.urn === open.urn)!;
            assert.match(v.message, /Route "GET \/pets" on HTTP API "shop" has authorization NONE\. Anyone who can reach the API/);
            assert.ok(v.message.includes(`resource: ${open.urn}`));
            assert.match(v.message, /new aws\.apigatewayv2\.Route\("getPets", \{[\s\S]*authorizationType: "JWT"/);
            const def = violationsOf(result, POLICY).find((x) => x.message.includes('"$default"'))!;
            assert.match(def.message, /every request no other route matches/);
        });

        it("exempts OPTIONS routes unless exemptCorsPreflight is false", async () => {
            const s = new StackBuilder();
            const api = v2Api(s, "shop", "HTTP");
            route(s, "preflight", api, "OPTIONS /{proxy+}", "NONE");
            assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);
            const config = { [POLICY]: { exemptCorsPreflight: false } };
            assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), [`mandatory ${POLICY} preflight`]);
        });

        it("exempts allowlisted routes by route key and by resource glob", async () => {
            const s = new StackBuilder();
            const api = v2Api(s, "shop", "HTTP");
            route(s, "health", api, "GET /health", "NONE");
            route(s, "statusPage", api, "GET /status", "NONE");
            route(s, "orders", api, "GET /orders", "NONE");
            const config = {
                [POLICY]: {
                    publicRoutes: [
                        { route: "GET /health", reason: "probe" },
                        { resource: "status*", reason: "status page" },
                    ],
                },
            };
            assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), [`mandatory ${POLICY} orders`]);
        });
    });

    describe("WebSocket APIs", () => {
        it("requires authorization on $connect only", async () => {
            const s = new StackBuilder();
            const api = v2Api(s, "chat", "WEBSOCKET");
            const connect = route(s, "connect", api, "$connect");
            route(s, "disconnect", api, "$disconnect", "NONE");
            route(s, "default", api, "$default", "NONE");
            route(s, "send", api, "sendMessage");
            const result = await pack.analyze(s);
            assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} connect`]);
            const [v] = violationsOf(result, POLICY);
            assert.equal(v.urn, connect.urn);
            assert.match(v.message, /Route "\$connect" on WebSocket API "chat" has authorization NONE\. Anyone can open a connection/);
            assert.match(v.message, /authorizationType: "CUSTOM"/);
        });

        it("passes an authorized $connect", async () => {
            const s = new StackBuilder();
            const api = v2Api(s, "chat", "WEBSOCKET");
            route(s, "connect", api, "$connect", "CUSTOM", { authorizerId: "a1" });
            route(s, "send", api, "sendMessage", "NONE");
            assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);
        });
    });

    describe("when the API is not in the stack", () => {
        it("falls back on the route key: METHOD /path is HTTP, $connect needs auth, named keys are WebSocket", async () => {
            const s = new StackBuilder();
            route(s, "httpOpen", undefined, "GET /pets", "NONE");
            route(s, "wsConnect", undefined, "$connect", "NONE");
            route(s, "wsAction", undefined, "sendMessage", "NONE");
            route(s, "wsDisconnect", undefined, "$disconnect");
            assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), [
                `mandatory ${POLICY} httpOpen`,
                `mandatory ${POLICY} wsConnect`,
            ]);
        });

        it("reports an open $default of an unresolvable API as unverified, never as passed", async () => {
            const s = new StackBuilder();
            const r = route(s, "default", undefined, "$default", "NONE");
            route(s, "protectedDefault", undefined, "$default", "AWS_IAM");
            const result = await pack.analyze(s);
            const [v, ...rest] = violationsOf(result, POLICY);
            assert.equal(rest.length, 0);
            assert.equal(v.enforcementLevel, "advisory");
            assert.match(v.message, /could not verify 1 resource/);
            assert.ok(v.message.includes(`${r.urn}: route key "$default" exists on HTTP and WebSocket APIs`));
        });

        it("resolves the API by a known id in an update", async () => {
            const s = new StackBuilder();
            s.add("aws:apigatewayv2/api:Api", "chat", { name: "chat", protocolType: "WEBSOCKET" }, {}, {
                executionArn: "arn:aws:execute-api:us-east-1:123456789012:ws12345678",
            });
            route(s, "default", undefined, "$default", "NONE", { apiId: "ws12345678" });
            assert.deepEqual(findings(await pack.analyze(s, { dryRun: false }), { policy: POLICY }), []);
        });
    });

    it("reports unknown authorizationType and route keys as unverified", async () => {
        const s = new StackBuilder();
        const api = v2Api(s, "shop", "HTTP");
        const a = route(s, "computedType", api, "GET /a", UNKNOWN);
        const b = s.add("aws:apigatewayv2/route:Route", "computedKey", { routeKey: UNKNOWN, authorizationType: "NONE" }, { apiId: api });
        route(s, "open", api, "GET /c", "NONE");
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY, level: "mandatory" }), [`mandatory ${POLICY} open`]);
        const [adv] = violationsOf(result, POLICY).filter((v) => v.enforcementLevel === "advisory");
        assert.match(adv.message, /could not verify 2 resources/);
        assert.ok(adv.message.includes(`${a.urn}: authorizationType is unknown`));
        assert.ok(adv.message.includes(`${b.urn}: routeKey is unknown`));
    });

    describe("remediation", () => {
        it("sets AWS_IAM on routes whose key proves they need it, and leaves the rest", async () => {
            const s = new StackBuilder();
            const http = v2Api(s, "shop", "HTTP");
            route(s, "getPets", http, "GET /pets", "NONE");
            route(s, "health", http, "GET /health", "NONE");
            route(s, "preflight", http, "OPTIONS /pets", "NONE");
            route(s, "default", http, "$default", "NONE");
            const ws = v2Api(s, "chat", "WEBSOCKET");
            route(s, "connect", ws, "$connect");
            route(s, "send", ws, "sendMessage", "NONE");
            const config = { [POLICY]: { enforcementLevel: "remediate", publicRoutes: [{ route: "GET /health", reason: "probe" }] } };
            const result = await pack.analyze(s, { config });
            assert.deepEqual(result.remediations.map((r) => `${r.urn.split("::").pop()}=${r.after.authorizationType}`).sort(), [
                "connect=AWS_IAM",
                "getPets=AWS_IAM",
            ]);
            // $default is ambiguous in Remediate (no API), so it stays NONE and the stack policy still fails it.
            assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} default`]);
        });
    });
});
