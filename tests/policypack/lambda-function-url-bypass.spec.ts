import { strict as assert } from "assert";
import { functionUrl, lambdaFunction } from "../kit/exposure";
import { lambdaAuthorizerScheme, openapi3, restApiUp, restApiWithBody, swagger2 } from "../kit/openapi";
import { findings, usePack, violationsOf } from "../kit/pack";
import { method, restApi, restResource, route, StackBuilder, UNKNOWN, v2Api } from "../kit/stack";
import { ResourceRecord } from "../../runner/resource-records";

const POLICY = "lambda-function-url-bypass";

/** A REST method with the given authorization whose Lambda integration calls `fn`. */
function restFront(s: StackBuilder, fn: ResourceRecord, authorization: string, opts: { byDependency?: boolean } = {}) {
    const api = restApi(s, "orders");
    const res = restResource(s, "orders-res", api, "orders");
    const m = method(s, "orders-get", api, res, "GET", authorization);
    const deps: Record<string, ResourceRecord> = { restApi: api, resourceId: res, uri: fn };
    if (opts.byDependency !== false) deps.httpMethod = m;
    s.add("aws:apigateway/integration:Integration", "orders-integration", { type: "AWS_PROXY", integrationHttpMethod: "POST", httpMethod: "GET" }, deps);
    return api;
}

function v2Integration(s: StackBuilder, name: string, api: ResourceRecord, fn: ResourceRecord): ResourceRecord {
    return s.add("aws:apigatewayv2/integration:Integration", name, { integrationType: "AWS_PROXY" }, { apiId: api, integrationUri: fn });
}

describe(POLICY, () => {
    const pack = usePack();

    it("fails a NONE function URL on a function behind an authorized REST method, naming both and the fix", async () => {
        const s = new StackBuilder();
        const fn = lambdaFunction(s, "handler");
        restFront(s, fn, "AWS_IAM");
        const url = functionUrl(s, "handler-url", fn, "NONE");
        const [v, ...rest] = violationsOf(await pack.analyze(s), POLICY);
        assert.equal(rest.length, 0);
        assert.equal(v.urn, url.urn);
        assert.equal(v.enforcementLevel, "mandatory");
        assert.match(v.message, /Function URL "handler-url" of function "handler-1a2b3c4" has authorization NONE, while the same function serves Method GET \/orders with AWS_IAM authorization\./);
        assert.match(v.message, /skips the API's authorizer/);
        assert.match(v.message, /authorizationType: "AWS_IAM"/);
        assert.ok(v.message.includes(`resource: ${url.urn}`));
    });

    it("matches an Integration to its Method by API, resource and HTTP method when there is no dependency", async () => {
        const s = new StackBuilder();
        const fn = lambdaFunction(s, "handler");
        restFront(s, fn, "COGNITO_USER_POOLS", { byDependency: false });
        functionUrl(s, "handler-url", fn, "NONE");
        assert.deepEqual(findings(await pack.analyze(s), { policy: POLICY }), [`mandatory ${POLICY} handler-url`]);
    });

    it("passes an AWS_IAM function URL; fails a NONE URL on a function behind no API or only open routes as a public endpoint", async () => {
        const s = new StackBuilder();
        const fn = lambdaFunction(s, "handler");
        restFront(s, fn, "AWS_IAM");
        functionUrl(s, "iam-url", fn, "AWS_IAM");
        const other = lambdaFunction(s, "other");
        const otherUrl = functionUrl(s, "other-url", other, "NONE");
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} other-url`]);
        const [v] = violationsOf(result, POLICY);
        assert.match(v.message, /Function URL "other-url" of function "other-1a2b3c4" has authorization NONE: it is a public HTTPS endpoint that needs no credentials\./);
        assert.ok(v.message.includes(`resource: ${otherUrl.urn}`));
        assert.match(v.message, /authorizationType: "AWS_IAM"/);
        assert.match(v.message, /"publicRoutes": \[\{ "resource": "other-url", "reason"/);
        assert.doesNotMatch(v.message, /while the same function/);

        const open = new StackBuilder();
        const openFn = lambdaFunction(open, "handler");
        restFront(open, openFn, "NONE");
        functionUrl(open, "url", openFn, "NONE");
        assert.deepEqual(findings(await pack.analyze(open), { policy: POLICY }), [`mandatory ${POLICY} url`]);
    });

    it("fails a URL whose authorizationType is not one Lambda defines, listing the accepted values; accepts any letter case", async () => {
        const s = new StackBuilder();
        const fn = lambdaFunction(s, "handler");
        for (const [name, value] of [["padded", " none "], ["open", "OPEN"], ["iam-typo", "AWS-IAM"], ["empty", ""]]) functionUrl(s, name, fn, value);
        functionUrl(s, "lower-iam", fn, "aws_iam");
        functionUrl(s, "lower-none", fn, "none");
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), ["empty", "iam-typo", "lower-none", "open", "padded"].map((n) => `mandatory ${POLICY} ${n}`));
        const padded = violationsOf(result, POLICY).find((v) => v.urn.endsWith("::padded"))!;
        assert.match(padded.message, /authorizationType " none " is not a value AWS defines for the authorizationType of an aws\.lambda\.FunctionUrl; accepted values \(any letter case\): NONE, AWS_IAM/);
        // An unrecognised value is not excused by an allowlist entry: the entry is for NONE, which this is not.
        const config = { [POLICY]: { publicRoutes: [{ resource: "*", reason: "everything is public here" }] } };
        assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), ["empty", "iam-typo", "open", "padded"].map((n) => `mandatory ${POLICY} ${n}`));
    });

    it("follows HTTP API routes with authorization, and every route of a WebSocket API whose $connect is authorized", async () => {
        const s = new StackBuilder();
        const fn = lambdaFunction(s, "items");
        const http = v2Api(s, "http", "HTTP");
        route(s, "items-get", http, "GET /items", "JWT", {}, { target: v2Integration(s, "items-int", http, fn) });
        functionUrl(s, "items-url", fn, "NONE");

        const chatFn = lambdaFunction(s, "chat");
        const ws = v2Api(s, "ws", "WEBSOCKET");
        route(s, "connect", ws, "$connect", "CUSTOM", { authorizerId: "abc" });
        route(s, "send", ws, "sendmessage", undefined, {}, { target: v2Integration(s, "chat-int", ws, chatFn) });
        functionUrl(s, "chat-url", chatFn, "NONE");

        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: POLICY }), [`mandatory ${POLICY} chat-url`, `mandatory ${POLICY} items-url`]);
        assert.match(violationsOf(result, POLICY).find((v) => v.urn.endsWith("chat-url"))!.message, /route "sendmessage" of a WebSocket API whose \$connect is authorized/);
    });

    it("reads OpenAPI bodies for the bypass wording; a URL on a function of an unknown body is still a public endpoint", async () => {
        const up = new StackBuilder();
        const fn = lambdaFunction(up, "pets", true);
        const arn = "arn:aws:lambda:us-east-1:123456789012:function:pets-1a2b3c4";
        restApiUp(
            up,
            "shop",
            "a1b2c3d4e5",
            {
                body: JSON.stringify(
                    swagger2(
                        { "/pets": { get: { security: [{ auth: [] }], "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations` } } } },
                        { securityDefinitions: { auth: lambdaAuthorizerScheme() } },
                    ),
                ),
            },
            { body: fn },
        );
        functionUrl(up, "pets-url", "pets-1a2b3c4", "NONE");
        const [v] = violationsOf(await pack.analyze(up, { dryRun: false }), POLICY);
        assert.match(v.message, /serves GET \/pets of REST API "shop"'s OpenAPI body with authorizer protection/);

        const preview = new StackBuilder();
        const pfn = lambdaFunction(preview, "pets");
        restApiWithBody(preview, "shop", UNKNOWN, {}, { body: pfn });
        functionUrl(preview, "pets-url", pfn, "NONE");
        // Whether the body routes to it or not, a NONE URL is a public endpoint: reported in the first preview.
        const [p, ...rest] = violationsOf(await pack.analyze(preview), POLICY);
        assert.equal(rest.length, 0);
        assert.equal(p.enforcementLevel, "mandatory");
        assert.match(p.message, /Function URL "pets-url" of function "pets-1a2b3c4" has authorization NONE: it is a public HTTPS endpoint/);

        const http = new StackBuilder();
        const hfn = lambdaFunction(http, "h", true);
        http.add(
            "aws:apigatewayv2/api:Api",
            "h-api",
            {
                protocolType: "HTTP",
                body: JSON.stringify(
                    openapi3({ "/x": { post: { "x-amazon-apigateway-auth": { type: "AWS_IAM" }, "x-amazon-apigateway-integration": { type: "aws_proxy", uri: "arn:aws:lambda:us-east-1:123456789012:function:h-1a2b3c4", payloadFormatVersion: "2.0" } } } }),
                ),
            },
            { body: hfn },
        );
        functionUrl(http, "h-url", hfn, "NONE");
        assert.deepEqual(findings(await pack.analyze(http, { dryRun: false }), { policy: POLICY }), [`mandatory ${POLICY} h-url`]);
    });

    it("lets a deliberately public function URL be allowlisted by resource", async () => {
        const s = new StackBuilder();
        const fn = lambdaFunction(s, "handler");
        restFront(s, fn, "AWS_IAM");
        functionUrl(s, "webhook-url", fn, "NONE");
        const config = { [POLICY]: { publicRoutes: [{ resource: "webhook-*", reason: "third-party webhook verified by HMAC in the handler" }] } };
        assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: POLICY }), []);
    });

    it("could not verify a URL whose authorizationType is unknown", async () => {
        const s = new StackBuilder();
        const fn = lambdaFunction(s, "handler");
        restFront(s, fn, "AWS_IAM");
        const mode = s.add("aws:ssm/parameter:Parameter", "mode", { type: "String", value: "NONE" }, {}, { value: UNKNOWN });
        s.add("aws:lambda/functionUrl:FunctionUrl", "url", { authorizationType: UNKNOWN }, { functionName: fn, authorizationType: mode });
        const [v] = violationsOf(await pack.analyze(s), POLICY);
        assert.equal(v.enforcementLevel, "advisory");
        assert.match(v.message, /url: authorizationType is unknown during preview/);
    });
});
