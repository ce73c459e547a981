import { strict as assert } from "assert";
import { secret } from "../../runner/resource-records";
import { API_KEY_SCHEME, restApiUp, restApiWithBody, swagger2 } from "../kit/openapi";
import { findings, usePack, violationsOf } from "../kit/pack";
import { method, restApi, restResource, StackBuilder, UNKNOWN } from "../kit/stack";

const POLICY = "apigw-api-key-hygiene";

describe(POLICY, () => {
    const pack = usePack();

    describe("fixed key values", () => {
        it("flags a value the program supplies, secret-wrapped on the wire as @pulumi/aws always sends it", async () => {
            const s = new StackBuilder();
            const key = s.add("aws:apigateway/apiKey:ApiKey", "partner-key", { name: "partner", value: secret("0123456789abcdefghij0123456789") });
            const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
            assert.equal(rest.length, 0);
            assert.equal(v.urn, key.urn);
            assert.equal(v.enforcementLevel, "advisory");
            assert.match(v.message, /API key "partner-key" has a value fixed by the program \(a literal, config value or environment variable\)/);
            assert.match(v.message, /new aws\.apigateway\.ApiKey\("partner-key", \{ enabled: true \}\); \/\/ no value/);
            assert.doesNotMatch(v.message, /0123456789abcdefghij/, "the key itself never appears in the message");
            assert.deepEqual(findings(await pack.analyze(s, { dryRun: false }), { policy: POLICY }), [`advisory ${POLICY} partner-key`]);
        });

        it("accepts generated keys: no value, a value from a resource (preview and update), a provider-computed unknown", async () => {
            const s = new StackBuilder();
            s.add("aws:apigateway/apiKey:ApiKey", "generated", { name: "generated" }, {}, { value: UNKNOWN });
            const random = s.add("random:index/randomPassword:RandomPassword", "key-value", { length: 40 }, {}, { result: UNKNOWN });
            s.add("aws:apigateway/apiKey:ApiKey", "fromRandom", { name: "fromRandom", value: secret(UNKNOWN) }, { value: random });
            assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);

            const up = new StackBuilder();
            const upRandom = up.add("random:index/randomPassword:RandomPassword", "key-value", { length: 40 }, {}, { result: secret("generatedgeneratedgenerated") });
            up.add("aws:apigateway/apiKey:ApiKey", "fromRandom", { name: "fromRandom", value: secret("generatedgeneratedgenerated") }, { value: upRandom });
            // The key API Gateway generated shows in the outputs of an update (and of every later preview): not the program's.
            up.add("aws:apigateway/apiKey:ApiKey", "generated", { name: "generated" }, {}, { value: secret("generatedbyapigatewaygenerated") });
            assert.deepEqual(findings(await pack.analyze(up, { dryRun: false }), { policy: POLICY }), []);
        });

        it("honours exemptKeys", async () => {
            const s = new StackBuilder();
            s.add("aws:apigateway/apiKey:ApiKey", "partner-key", { value: secret("0123456789abcdefghij0123456789") });
            const config = { [POLICY]: { exemptKeys: [{ resource: "partner-*", reason: "read from Secrets Manager through an invoke" }] } };
            assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), []);
        });
    });

    describe("usage plans", () => {
        function keyedApi() {
            const s = new StackBuilder();
            const api = restApi(s, "orders");
            const orders = restResource(s, "orders-res", api, "orders");
            method(s, "orders-post", api, orders, "POST", "AWS_IAM", { apiKeyRequired: true });
            method(s, "orders-get", api, orders, "GET", "AWS_IAM");
            const deployment = s.add("aws:apigateway/deployment:Deployment", "deployment", {}, { restApi: api });
            const stage = s.add("aws:apigateway/stage:Stage", "prod", { stageName: "prod" }, { restApi: api, deployment });
            return { s, api, stage };
        }

        it("flags a stage serving key-required methods that no usage plan includes", async () => {
            const { s, stage } = keyedApi();
            const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
            assert.equal(rest.length, 0);
            assert.equal(v.urn, stage.urn);
            assert.match(v.message, /Stage "prod" \("prod"\) of REST API "orders" serves methods that require an API key \(POST \/orders\), but no usage plan includes it\./);
            assert.match(v.message, /new aws\.apigateway\.UsagePlan\("orders-plan"[\s\S]*UsagePlanKey/);
        });

        it("accepts a usage plan that depends on the stage (preview) or names API id and stage (update)", async () => {
            const { s, api, stage } = keyedApi();
            s.add("aws:apigateway/usagePlan:UsagePlan", "plan", { apiStages: [{ apiId: UNKNOWN, stage: UNKNOWN }] }, { apiStages: [api, stage] });
            assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);

            const up = new StackBuilder();
            const upApi = restApiUp(up, "orders", "a1b2c3d4e5");
            up.add("aws:apigateway/method:Method", "orders-post", { httpMethod: "POST", authorization: "AWS_IAM", apiKeyRequired: true, restApi: "a1b2c3d4e5", resourceId: "root" }, { restApi: upApi });
            up.add("aws:apigateway/stage:Stage", "prod", { stageName: "prod", restApi: "a1b2c3d4e5" }, { restApi: upApi });
            up.add("aws:apigateway/stage:Stage", "test", { stageName: "test", restApi: "a1b2c3d4e5" }, { restApi: upApi });
            up.add("aws:apigateway/usagePlan:UsagePlan", "plan", { apiStages: [{ apiId: "a1b2c3d4e5", stage: "prod" }] });
            assert.deepEqual(findings(await pack.analyze(up, { dryRun: false }), { policy: POLICY }), [`advisory ${POLICY} test`]);
        });

        it("covers api-key operations of OpenAPI bodies", async () => {
            const s = new StackBuilder();
            const api = restApiWithBody(s, "bodyApi", swagger2({ "/keyed": { get: { security: [{ k: [] }] } } }, { securityDefinitions: { k: API_KEY_SCHEME } }));
            s.add("aws:apigateway/stage:Stage", "live", { stageName: "live" }, { restApi: api });
            const [v] = violationsOf(await pack.analyze(s), POLICY);
            assert.match(v.message, /Stage "live" \("live"\) of REST API "bodyApi" serves methods that require an API key \(GET \/keyed\)/);
        });

        it("could not verify when a plan's stages are unknown, and ignores APIs without key-required methods", async () => {
            const { s, api } = keyedApi();
            s.add("aws:apigateway/usagePlan:UsagePlan", "plan", { apiStages: UNKNOWN }, { apiStages: api });
            const other = restApi(s, "open");
            s.add("aws:apigateway/stage:Stage", "other-stage", { stageName: "prod" }, { restApi: other });
            const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
            assert.equal(rest.length, 0);
            assert.equal(v.enforcementLevel, "advisory");
            assert.match(v.message, /could not verify 1 resource[\s\S]*Stage::prod: whether a usage plan covers this stage/);
        });
    });
});
