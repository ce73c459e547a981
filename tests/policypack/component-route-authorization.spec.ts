import { strict as assert } from "assert";
import { findings, usePack, violationsOf } from "../kit/pack";
import { StackBuilder, UNKNOWN } from "../kit/stack";

const POLICY = "apigw-component-route-authorization";
const RESTAPI = "aws-apigateway:index:RestAPI";

const lambdaAuthorizer = { parameterName: "Authorization", identitySource: ["method.request.header.Authorization"], handler: UNKNOWN };
const cognitoAuthorizer = { parameterName: "Authorization", providerARNs: [UNKNOWN] };

describe(POLICY, () => {
    const pack = usePack();

    it("lists every open route of a RestAPI component in one violation on the component", async () => {
        const s = new StackBuilder();
        const api = s.addComponent(RESTAPI, "pets", {
            routes: [
                { path: "/pets", method: "GET", eventHandler: UNKNOWN },
                { path: "pets", method: "POST", eventHandler: UNKNOWN, authorizers: [lambdaAuthorizer] },
                { path: "/orders", eventHandler: UNKNOWN },
                { path: "/admin", method: "DELETE", eventHandler: UNKNOWN, iamAuthEnabled: true },
                { path: "/pools", method: "GET", eventHandler: UNKNOWN, authorizers: [cognitoAuthorizer] },
                { path: "/keyed", method: "GET", eventHandler: UNKNOWN, apiKeyRequired: true },
                { path: "/broken", method: "GET", eventHandler: UNKNOWN, authorizers: [{ parameterName: "Authorization" }] },
                { path: "/pets", method: "OPTIONS", eventHandler: UNKNOWN },
            ],
        });
        const result = await pack.analyze(s);
        const [v, ...rest] = violationsOf(result, POLICY);
        assert.equal(rest.length, 0);
        assert.equal(v.urn, api.urn);
        assert.match(v.message, /RestAPI component "pets" has 4 open routes: GET \/pets, ANY \/orders, GET \/keyed \(API key only\), GET \/broken\./);
        assert.ok(v.message.includes(`resource: ${api.urn}`));
        assert.match(v.message, /iamAuthEnabled: true/);
    });

    it("reads raw-data routes by their OpenAPI operation settings", async () => {
        const s = new StackBuilder();
        s.addComponent(RESTAPI, "raw", {
            routes: [
                { path: "/iam", method: "GET", data: { "x-amazon-apigateway-auth": { type: "AWS_IAM" } } },
                { path: "/sec", method: "GET", data: { security: [{ jwt: [] }] } },
                { path: "/none", method: "GET", data: { security: [] } },
            ],
        });
        const [v] = violationsOf(await pack.analyze(s), POLICY);
        assert.match(v.message, /1 open route: GET \/none\./);
    });

    it("honours publicRoutes (a route without method is ANY) and allowApiKeyOnly", async () => {
        const s = new StackBuilder();
        s.addComponent(RESTAPI, "pets", {
            routes: [
                { path: "/health", method: "GET", eventHandler: UNKNOWN },
                { path: "/docs", localPath: "www" },
                { path: "/keyed", method: "GET", eventHandler: UNKNOWN, apiKeyRequired: true },
            ],
        });
        const config = {
            [POLICY]: {
                allowApiKeyOnly: true,
                publicRoutes: [
                    { route: "GET /health", reason: "probe" },
                    { route: "GET /docs", reason: "static documentation site" },
                ],
            },
        };
        assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), []);
    });

    it("judges other component types when configured, and ignores them otherwise", async () => {
        const s = new StackBuilder();
        s.addComponent("acme:index:Api", "custom", { routes: [{ path: "/x", method: "GET" }] });
        assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);
        const config = { [POLICY]: { componentTypes: ["acme:index:Api"] } };
        assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), [`mandatory ${POLICY} custom`]);
    });

    it("gives the engine's advisory when the routes list is unknown during preview", async () => {
        const s = new StackBuilder();
        s.addComponent(RESTAPI, "computed", { routes: UNKNOWN });
        const [v] = violationsOf(await pack.analyze(s), POLICY);
        assert.equal(v.enforcementLevel, "advisory");
        assert.match(v.message, /can't run policy 'apigw-component-route-authorization' .* during preview: string value at \.routes can't be known/);
    });

    it("passes a fully protected component", async () => {
        const s = new StackBuilder();
        s.addComponent(RESTAPI, "safe", { routes: [{ path: "/pets", method: "GET", eventHandler: UNKNOWN, iamAuthEnabled: true }] });
        assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), []);
    });
});

describe(`${POLICY}: swaggerString`, () => {
    const pack = usePack();

    const swagger = (security: unknown) =>
        JSON.stringify({
            swagger: "2.0",
            info: { title: "x", version: "1" },
            securityDefinitions: { sigv4: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" } },
            paths: {
                "/open": { get: { responses: {} } },
                "/iam": { get: { security, responses: {} } },
            },
        });

    it("judges a swaggerString with the OpenAPI rules, next to its routes", async () => {
        const s = new StackBuilder();
        s.addComponent(RESTAPI, "swag", { swaggerString: swagger([{ sigv4: [] }]), routes: [{ path: "/r", method: "GET", eventHandler: UNKNOWN }] });
        const [v] = violationsOf(await pack.analyze(s), POLICY);
        assert.match(v.message, /2 open routes: GET \/r, GET \/open \(swaggerString: /);
        assert.doesNotMatch(v.message, /GET \/iam/);
    });

    it("reports an unparseable swaggerString, and an unknown one as unverified", async () => {
        const s = new StackBuilder();
        s.addComponent(RESTAPI, "broken", { swaggerString: "{ not: [json" });
        s.addComponent(RESTAPI, "computed", { swaggerString: UNKNOWN });
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [`advisory ${POLICY} computed`, `mandatory ${POLICY} broken`]);
        assert.match(violationsOf(result, POLICY).find((v) => v.enforcementLevel === "mandatory")!.message, /swaggerString cannot be parsed/);
        assert.match(violationsOf(result, POLICY).find((v) => v.enforcementLevel === "advisory")!.message, /could not verify 1 resource:[\s\S]*swaggerString is unknown during preview/);
    });
});
