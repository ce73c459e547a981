import { strict as assert } from "assert";
import { findings, usePack, violationsOf } from "../kit/pack";
import { method, restApi, restResource, StackBuilder, UNKNOWN } from "../kit/stack";

const POLICY = "apigw-method-requires-authorization";

/** A REST API with /pets and /health and one method per call. */
function petsApi() {
    const s = new StackBuilder();
    const api = restApi(s);
    const pets = restResource(s, "pets", api, "pets");
    const health = restResource(s, "health", api, "health");
    const pet = restResource(s, "pet", api, "{id}", pets);
    return { s, api, pets, health, pet };
}

describe(POLICY, () => {
    const pack = usePack();

    it("fails an open method and names the URN, the endpoint, why and the fix", async () => {
        const { s, api, pets } = petsApi();
        const m = method(s, "getPets", api, pets, "GET", "NONE");
        const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
        assert.equal(rest.length, 0);
        assert.equal(v.urn, m.urn);
        assert.equal(v.enforcementLevel, "mandatory");
        assert.match(v.message, /Method GET \/pets on REST API "api" has authorization NONE\./);
        assert.match(v.message, /without credentials/);
        assert.ok(v.message.includes(`resource: ${m.urn}`));
        assert.match(v.message, /new aws\.apigateway\.Method\("getPets", \{[\s\S]*authorization: "AWS_IAM"/);
    });

    it("treats NONE in any case, and a missing authorization, as open", async () => {
        const { s, api, pets } = petsApi();
        method(s, "lower", api, pets, "GET", "none");
        method(s, "mixed", api, pets, "POST", "None");
        s.add("aws:apigateway/method:Method", "missing", { httpMethod: "PUT" }, { restApi: api, resourceId: pets });
        assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), [
            `mandatory ${POLICY} lower`,
            `mandatory ${POLICY} missing`,
            `mandatory ${POLICY} mixed`,
        ]);
    });

    it("accepts AWS_IAM, COGNITO_USER_POOLS and CUSTOM", async () => {
        const { s, api, pets } = petsApi();
        method(s, "iam", api, pets, "GET", "AWS_IAM");
        method(s, "cognito", api, pets, "POST", "COGNITO_USER_POOLS", { authorizerId: "abc" });
        method(s, "custom", api, pets, "PUT", "CUSTOM", { authorizerId: "abc" });
        assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);
    });

    it("builds the path through nested resources for messages and allowlist matching", async () => {
        const { s, api, pet } = petsApi();
        method(s, "getPet", api, pet, "GET", "NONE");
        const [v] = violationsOf(await pack.analyze(s), POLICY);
        assert.match(v.message, /Method GET \/pets\/\{id\}/);
        const config = { [POLICY]: { publicRoutes: [{ route: "GET /pets/*", reason: "public catalogue" }] } };
        assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), []);
    });

    it("uses the Resource's known path in an update", async () => {
        const s = new StackBuilder();
        const api = restApi(s);
        const res = s.add("aws:apigateway/resource:Resource", "orders", { pathPart: "orders", restApi: "r1", parentId: "root1" }, {}, { path: "/v1/orders" });
        s.add("aws:apigateway/method:Method", "getOrders", { httpMethod: "GET", authorization: "NONE", restApi: "r1", resourceId: "o1" }, { restApi: api, resourceId: res });
        const [v] = violationsOf(await pack.analyze(s, { dryRun: false }), POLICY);
        assert.match(v.message, /GET \/v1\/orders/);
    });

    it("names the root path for methods on the API's root resource", async () => {
        const { s, api } = petsApi();
        method(s, "root", api, undefined, "GET", "NONE");
        assert.match(violationsOf(await pack.analyze(s), POLICY)[0].message, /Method GET \/ on/);
    });

    describe("allowlist (publicRoutes)", () => {
        it("exempts a matching METHOD /path, and only that method", async () => {
            const { s, api, health } = petsApi();
            method(s, "healthGet", api, health, "GET", "NONE");
            method(s, "healthPost", api, health, "POST", "NONE");
            const config = { [POLICY]: { publicRoutes: [{ route: "GET /health", reason: "load balancer probe" }] } };
            assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), [`mandatory ${POLICY} healthPost`]);
        });

        it("ANY matches every method; a resource glob matches names and URNs", async () => {
            const { s, api, health, pets } = petsApi();
            method(s, "healthGet", api, health, "GET", "NONE");
            method(s, "healthPost", api, health, "POST", "NONE");
            method(s, "publicPets", api, pets, "GET", "NONE");
            method(s, "privatePets", api, pets, "POST", "NONE");
            const config = {
                [POLICY]: {
                    publicRoutes: [
                        { route: "ANY /health", reason: "probe" },
                        { resource: "urn:pulumi:*::public*", reason: "public listing" },
                    ],
                },
            };
            assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), [`mandatory ${POLICY} privatePets`]);
        });

        it("rejects an entry without a reason when the config is validated", async () => {
            const { s } = petsApi();
            const config = { [POLICY]: { publicRoutes: [{ route: "GET /health" }] } };
            await assert.rejects(pack.analyze(s, { config }), /apigw-method-requires-authorization: \/publicRoutes\/0 must have required property 'reason'/);
        });

        it("rejects an entry with a reason but neither route nor resource", async () => {
            const { s } = petsApi();
            const config = { [POLICY]: { publicRoutes: [{ reason: "because" }] } };
            await assert.rejects(pack.analyze(s, { config }), /publicRoutes\/0 must NOT have fewer than 2 properties/);
        });
    });

    describe("config", () => {
        it("exempts OPTIONS (any case) by default and fails it when exemptCorsPreflight is false", async () => {
            const { s, api, pets } = petsApi();
            method(s, "preflight", api, pets, "options", "NONE");
            assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);
            const config = { [POLICY]: { exemptCorsPreflight: false } };
            assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), [`mandatory ${POLICY} preflight`]);
        });

        it("does not count an API key as authentication unless allowApiKeyOnly is true", async () => {
            const { s, api, pets } = petsApi();
            method(s, "keyed", api, pets, "GET", "NONE", { apiKeyRequired: true });
            const [v] = violationsOf(await pack.analyze(s), POLICY);
            assert.match(v.message, /an API key is not authentication/);
            const config = { [POLICY]: { allowApiKeyOnly: true } };
            assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), []);
        });

        it("honours enforcement levels from the config file, including `all`", async () => {
            const { s, api, pets } = petsApi();
            method(s, "open", api, pets, "GET", "NONE");
            assert.deepEqual(findings(await pack.analyze(s, { config: { [POLICY]: "advisory" } }), { policy: POLICY }), [`advisory ${POLICY} open`]);
            assert.deepEqual(findings(await pack.analyze(s, { config: { all: "disabled" } }), { policy: POLICY }), []);
            assert.deepEqual(
                findings(await pack.analyze(s, { config: { all: "disabled", [POLICY]: "mandatory" } }), { policy: POLICY }),
                [`mandatory ${POLICY} open`],
            );
        });
    });

    describe("unknown values during preview", () => {
        it("reports an unknown authorization as unverified (advisory), and still fails the certain ones", async () => {
            const { s, api, pets } = petsApi();
            const unknownAuth = method(s, "computed", api, pets, "GET", UNKNOWN);
            method(s, "open", api, pets, "POST", "NONE");
            const result = await pack.analyze(s);
            assert.deepEqual(findings(result, { policy: POLICY, level: "mandatory" }), [`mandatory ${POLICY} open`]);
            const [advisory] = violationsOf(result, POLICY).filter((v) => v.enforcementLevel === "advisory");
            assert.match(advisory.message, /can't run policy 'apigw-method-requires-authorization' .* during preview: could not verify 1 resource/);
            assert.ok(advisory.message.includes(`${unknownAuth.urn}: authorization is unknown`));
            assert.equal(advisory.urn, s.root.urn, "stack-level advisories are attributed to the root stack");
        });

        it("still judges a method whose path cannot be resolved", async () => {
            const s = new StackBuilder();
            s.add("aws:apigateway/method:Method", "imported", { httpMethod: "GET", authorization: "NONE", restApi: "abc", resourceId: "def" });
            const [v] = violationsOf(await pack.analyze(s), POLICY);
            assert.match(v.message, /Method GET \(path unknown\) has authorization NONE/);
        });
    });

    it("reads secret inputs (the SDK unwraps them) without failing", async () => {
        const { s, api, pets } = petsApi();
        method(s, "secretAuth", api, pets, "GET", { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "NONE" } as never);
        assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), [`mandatory ${POLICY} secretAuth`]);
    });

    describe("remediation", () => {
        it("rewrites NONE to AWS_IAM before Analyze, so nothing is left to report", async () => {
            const { s, api, pets } = petsApi();
            const m = method(s, "open", api, pets, "GET", "NONE");
            const result = await pack.analyze(s, { config: { [POLICY]: "remediate" } });
            assert.equal(result.remediations.length, 1);
            assert.equal(result.remediations[0].urn, m.urn);
            assert.equal(result.remediations[0].before.authorization, "NONE");
            assert.equal(result.remediations[0].after.authorization, "AWS_IAM");
            assert.equal(result.remediations[0].after.restApi, UNKNOWN, "other inputs, unknowns included, are kept");
            assert.deepEqual(findings(result, { policy: POLICY }), []);
        });

        it("uses the configured authorizer, and never touches OPTIONS, allowed API keys or possibly allowlisted methods", async () => {
            const { s, api, pets, health } = petsApi();
            method(s, "open", api, pets, "POST", "NONE");
            method(s, "preflight", api, pets, "OPTIONS", "NONE");
            method(s, "keyed", api, pets, "PUT", "NONE", { apiKeyRequired: true });
            method(s, "probe", api, health, "GET", "NONE");
            const config = {
                [POLICY]: {
                    enforcementLevel: "remediate",
                    remediationAuthorization: "CUSTOM",
                    remediationAuthorizerId: "auth123",
                    allowApiKeyOnly: true,
                    publicRoutes: [{ route: "GET /health", reason: "probe" }],
                },
            };
            const result = await pack.analyze(s, { config });
            assert.deepEqual(result.remediations.map((r) => r.urn.split("::").pop()), ["open"]);
            assert.equal(result.remediations[0].after.authorization, "CUSTOM");
            assert.equal(result.remediations[0].after.authorizerId, "auth123");
            assert.deepEqual(findings(result, { policy: POLICY }), []);
        });

        it("leaves the method alone when CUSTOM is configured without an authorizer id, and still reports it", async () => {
            const { s, api, pets } = petsApi();
            method(s, "open", api, pets, "GET", "NONE");
            const config = { [POLICY]: { enforcementLevel: "remediate", remediationAuthorization: "CUSTOM" } };
            const result = await pack.analyze(s, { config });
            assert.equal(result.remediations.length, 0);
            assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} open`], "remediate is reported as mandatory");
        });
    });
});
