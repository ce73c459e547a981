import { strict as assert } from "assert";
import { findings, usePack, violationsOf } from "../kit/pack";
import { StackBuilder, UNKNOWN, v2Api } from "../kit/stack";

const POLICY = "apigw-http-api-quick-create";

describe(POLICY, () => {
    const pack = usePack();

    it("fails an HTTP API with a target, including a target unknown during preview", async () => {
        const s = new StackBuilder();
        const quick = v2Api(s, "quick", "HTTP", { target: "arn:aws:lambda:us-east-1:123456789012:function:pets" });
        v2Api(s, "computed", "HTTP", { target: UNKNOWN });
        v2Api(s, "plain", "HTTP");
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} computed`, `mandatory ${POLICY} quick`]);
        const v = violationsOf(result, POLICY).find((x) => x.urn === quick.urn)!;
        assert.match(v.message, /HTTP API "quick" sets `target`, so API Gateway creates the route "\$default" with authorization NONE\./);
        assert.ok(v.message.includes(`resource: ${quick.urn}`));
        assert.match(v.message, /routeKey: "\$default"[\s\S]*authorizationType: "JWT"/);
    });

    it("accepts an allowlisted quick-create API (route $default or resource glob)", async () => {
        const s = new StackBuilder();
        v2Api(s, "quick", "HTTP", { target: "arn:aws:lambda:us-east-1:123456789012:function:pets" });
        for (const entry of [{ route: "$default", reason: "public demo" }, { resource: "qui*", reason: "public demo" }]) {
            const config = { [POLICY]: { publicRoutes: [entry] } };
            assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), []);
        }
    });

    it("uses the Api's actual routeKey: in the message and fix, and for publicRoutes matching (issue 13 item 5)", async () => {
        const s = new StackBuilder();
        const api = v2Api(s, "quick", "HTTP", { target: "arn:aws:lambda:us-east-1:123456789012:function:pets", routeKey: "GET /" });
        const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
        assert.equal(rest.length, 0);
        assert.equal(v.urn, api.urn);
        assert.match(v.message, /creates the route "GET \/" with authorization NONE\./);
        assert.match(v.message, /routeKey: "GET \/"/);
        assert.match(v.message, /"publicRoutes": \[\{ "route": "GET \/"/);
        assert.doesNotMatch(v.message, /route "\$default"|routeKey: "\$default"|"route": "\$default"/);
        const allow = (route: string) => ({ [POLICY]: { publicRoutes: [{ route, reason: "public landing page" }] } });
        // `$default` is not the route this API gets, so allowlisting it leaves the violation; `GET /` (or ANY /) clears it.
        assert.deepEqual(findings(await pack.analyze(s, { config: allow("$default") }), { policy: POLICY }), [`mandatory ${POLICY} quick`]);
        assert.deepEqual(findings(await pack.analyze(s, { config: allow("GET /") }), { policy: POLICY }), []);
        assert.deepEqual(findings(await pack.analyze(s, { config: allow("ANY /") }), { policy: POLICY }), []);
        assert.deepEqual(findings(await pack.analyze(s, { config: allow("GET /other") }), { policy: POLICY }), [`mandatory ${POLICY} quick`]);
    });

    it("fails a quick-create API whose routeKey is unknown during preview unless a resource entry allowlists it", async () => {
        const s = new StackBuilder();
        v2Api(s, "quick", "HTTP", { target: "arn:aws:lambda:us-east-1:123456789012:function:pets", routeKey: UNKNOWN });
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} quick`]);
        assert.match(violationsOf(result, POLICY)[0].message, /creates the route "\(route key unknown during preview\)"/);
        const byRoute = { [POLICY]: { publicRoutes: [{ route: "$default", reason: "demo" }] } };
        assert.deepEqual(findings(await pack.analyze(s, { config: byRoute }), { policy: POLICY }), [`mandatory ${POLICY} quick`]);
        const byResource = { [POLICY]: { publicRoutes: [{ resource: "quick", reason: "demo" }] } };
        assert.deepEqual(findings(await pack.analyze(s, { config: byResource }), { policy: POLICY }), []);
    });
});
