import { strict as assert } from "assert";
import { apiMapping, basePathMapping, MTLS, restApiOfType, restDomain, v2Domain } from "../kit/exposure";
import { httpApiWithBody, openapi3, restApiUp, restApiWithBody, swagger2 } from "../kit/openapi";
import { AnalysisResult } from "../../runner/analyzer";
import { findings, usePack, violationsOf } from "../kit/pack";
import { StackBuilder, UNKNOWN, v2Api } from "../kit/stack";

const ADVISORY = "apigw-default-endpoint-disabled";
const MANDATORY = "apigw-default-endpoint-disabled-mtls";

function both(result: AnalysisResult): string[] {
    return [...findings(result, { policy: ADVISORY }), ...findings(result, { policy: MANDATORY })];
}

describe(`${ADVISORY} / ${MANDATORY}`, () => {
    const pack = usePack();

    it("advises disabling the default endpoint of an API mapped to a custom domain, naming the mapping and the fix", async () => {
        const s = new StackBuilder();
        const api = restApiOfType(s, "shop", "REGIONAL");
        const domain = restDomain(s, "domain", "api.example.com");
        basePathMapping(s, "shop-mapping", api, domain);
        const result = await pack.analyze(s);
        assert.deepEqual(both(result), [`advisory ${ADVISORY} shop`]);
        const [v] = violationsOf(result, ADVISORY);
        assert.equal(v.urn, api.urn);
        assert.match(v.message, /REST API "shop" is served on custom domain "api\.example\.com" \(BasePathMapping "shop-mapping"\), but its default execute-api endpoint is still enabled\./);
        assert.match(v.message, /disableExecuteApiEndpoint: true/);
        assert.match(v.message, /"remediateApis": \["shop"\]/);
    });

    it("is mandatory when the domain requires mutual TLS (v1 mapping by dependency, v2 mapping by domain name)", async () => {
        const s = new StackBuilder();
        const rest = restApiOfType(s, "rest", "REGIONAL");
        basePathMapping(s, "rest-mapping", rest, restDomain(s, "rest-domain", "rest.example.com", MTLS));
        const http = v2Api(s, "http", "HTTP");
        v2Domain(s, "http-domain", "http.example.com", MTLS);
        apiMapping(s, "http-mapping", http, "HTTP.example.com");
        const result = await pack.analyze(s);
        assert.deepEqual(both(result), [`mandatory ${MANDATORY} http`, `mandatory ${MANDATORY} rest`]);
        const v = violationsOf(result, MANDATORY).find((x) => x.urn === rest.urn)!;
        assert.match(v.message, /served on mutual-TLS domain "rest\.example\.com"[\s\S]*bypasses mutual TLS/);
    });

    it("passes when the flag is set on the resource or in the body (Swagger root, OpenAPI 3 servers)", async () => {
        const s = new StackBuilder();
        const domain = restDomain(s, "domain", "api.example.com", MTLS);
        basePathMapping(s, "m1", restApiOfType(s, "flag", "REGIONAL", { disableExecuteApiEndpoint: true }), domain);
        basePathMapping(s, "m2", restApiWithBody(s, "swagger", swagger2({}, { "x-amazon-apigateway-endpoint-configuration": { disableExecuteApiEndpoint: true } })), domain);
        const http = httpApiWithBody(s, "oas3", openapi3({}, { servers: [{ url: "https://x", "x-amazon-apigateway-endpoint-configuration": { disableExecuteApiEndpoint: true } }] }));
        apiMapping(s, "m3", http, domain);
        assert.deepEqual(both(await pack.analyze(s)), []);
    });

    it("ignores APIs without custom domains", async () => {
        const s = new StackBuilder();
        restApiOfType(s, "plain", "REGIONAL");
        restDomain(s, "unused", "unused.example.com", MTLS);
        assert.deepEqual(both(await pack.analyze(s)), []);
    });

    it("treats a provider-computed unknown flag as unset, and a flag set from an unknown output as 'could not verify'", async () => {
        const s = new StackBuilder();
        const domain = restDomain(s, "domain", "api.example.com", MTLS);
        basePathMapping(s, "m1", restApiOfType(s, "unset", "REGIONAL", {}, { disableExecuteApiEndpoint: UNKNOWN }), domain);
        const flagSource = s.add("aws:ssm/parameter:Parameter", "flag", { type: "String", value: "true" }, {}, { value: UNKNOWN });
        const fromOutput = s.add("aws:apigateway/restApi:RestApi", "fromOutput", { name: "fromOutput", disableExecuteApiEndpoint: UNKNOWN }, { disableExecuteApiEndpoint: flagSource });
        basePathMapping(s, "m2", fromOutput, domain);
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: MANDATORY }), [`advisory ${MANDATORY} shop-dev`, `mandatory ${MANDATORY} unset`]);
        const advisory = violationsOf(result, MANDATORY).find((v) => v.enforcementLevel === "advisory")!;
        assert.match(advisory.message, /could not verify 1 resource[\s\S]*fromOutput: disableExecuteApiEndpoint/);
    });

    it("links mappings to APIs by known id in an update", async () => {
        const s = new StackBuilder();
        restApiUp(s, "shop", "a1b2c3d4e5", { endpointConfiguration: { types: "REGIONAL" } });
        restDomain(s, "domain", "api.example.com", MTLS);
        s.add("aws:apigateway/basePathMapping:BasePathMapping", "mapping", { restApi: "a1b2c3d4e5", domainName: "api.example.com", stageName: "prod" });
        assert.deepEqual(both(await pack.analyze(s, { dryRun: false })), [`mandatory ${MANDATORY} shop`]);
    });

    it("could not verify a mutual-TLS mapping whose API is unknown during preview", async () => {
        const s = new StackBuilder();
        const somewhere = s.add("aws:ssm/parameter:Parameter", "api-id", { type: "String", value: "x" }, {}, { value: UNKNOWN });
        const mapping = s.add("aws:apigatewayv2/apiMapping:ApiMapping", "mapping", { apiId: UNKNOWN, domainName: "api.example.com", stage: "$default" }, { apiId: somewhere });
        v2Domain(s, "domain", "api.example.com", MTLS);
        const [v, ...rest] = violationsOf(await pack.analyze(s), MANDATORY);
        assert.equal(rest.length, 0);
        assert.equal(v.enforcementLevel, "advisory");
        assert.ok(v.message.includes(`${mapping.urn}: the API mapped to mutual-TLS domain "api.example.com"`));
    });

    describe("remediation", () => {
        it("sets disableExecuteApiEndpoint on the APIs named in remediateApis, and only those", async () => {
            const s = new StackBuilder();
            const domain = restDomain(s, "domain", "api.example.com", MTLS);
            const fixed = restApiOfType(s, "shop", "REGIONAL");
            basePathMapping(s, "m1", fixed, domain);
            basePathMapping(s, "m2", restApiOfType(s, "other", "REGIONAL"), domain);
            const config = { [MANDATORY]: { enforcementLevel: "remediate", remediateApis: ["shop"] } };
            const result = await pack.analyze(s, { config });
            assert.equal(result.remediations.length, 1);
            assert.equal(result.remediations[0].urn, fixed.urn);
            assert.equal(result.remediations[0].before.disableExecuteApiEndpoint, undefined);
            assert.equal(result.remediations[0].after.disableExecuteApiEndpoint, true);
            assert.equal(result.remediations[0].after.name, "shop", "other inputs are kept");
            assert.deepEqual(findings(result, { policy: MANDATORY }), [`mandatory ${MANDATORY} other`]);
        });

        it("does nothing at the default enforcement level or without remediateApis", async () => {
            const s = new StackBuilder();
            basePathMapping(s, "m", restApiOfType(s, "shop", "REGIONAL"), restDomain(s, "domain", "api.example.com"));
            assert.equal((await pack.analyze(s, { config: { [ADVISORY]: { remediateApis: ["*"] } } })).remediations.length, 0);
            const remediating = await pack.analyze(s, { config: { [ADVISORY]: "remediate" } });
            assert.equal(remediating.remediations.length, 0);
            assert.deepEqual(findings(remediating, { policy: ADVISORY }), [`mandatory ${ADVISORY} shop`]);
        });
    });
});
