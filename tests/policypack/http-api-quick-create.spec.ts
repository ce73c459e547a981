import { strict as assert } from "assert";
import { findings, usePack, violationsOf } from "../support/pack";
import { StackBuilder, UNKNOWN, v2Api } from "../support/stack";

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
        assert.match(v.message, /HTTP API "quick" sets `target`, so API Gateway creates a \$default route with authorization NONE\./);
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
});
