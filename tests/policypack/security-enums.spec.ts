// Issue 13 item 3: every enum a policy reads to decide safety is compared with the values AWS defines; anything else
// is a mandatory violation that lists the accepted values, never a pass. Case: any ASCII letter case is accepted
// (API Gateway's REST control plane takes `none`), nothing else is normalised.
import { strict as assert } from "assert";
import { allowAnyone, lambdaFunction, policyDoc, restApiOfType } from "../kit/exposure";
import { openapi3, restApiWithBody, swagger2 } from "../kit/openapi";
import { findings, usePack, violationsOf } from "../kit/pack";
import { method, restApi, restResource, route, StackBuilder, v2Api } from "../kit/stack";
import { PropertyValue } from "../../runner/resource-records";

const METHOD = "apigw-method-requires-authorization";
const ROUTE = "apigw-route-requires-authorization";

/** Values people write that API Gateway does not define, with the resource name each gets. */
const NOT_DEFINED: [string, PropertyValue][] = [
    ["padded", " none "],
    ["open", "OPEN"],
    ["public", "PUBLIC"],
    ["empty", ""],
    ["hyphen", "AWS-IAM"],
    ["dotless-i", "aws_\u0131am"], // "aws_ıam".toUpperCase() === "AWS_IAM" in JavaScript
    ["zero-width", "NONE\u200b"],
    ["number", 0],
    ["bool", false],
];

describe("security enums (issue 13 item 3)", () => {
    const pack = usePack();

    it("REST methods: every authorization that is not NONE/AWS_IAM/CUSTOM/COGNITO_USER_POOLS is a mandatory violation", async () => {
        const s = new StackBuilder();
        const api = restApi(s);
        const pets = restResource(s, "pets", api, "pets");
        for (const [name, value] of NOT_DEFINED) s.add("aws:apigateway/method:Method", name, { httpMethod: "GET", authorization: value }, { restApi: api, resourceId: pets });
        method(s, "iam-lower", api, pets, "POST", "aws_iam");
        method(s, "cognito-mixed", api, pets, "PUT", "Cognito_User_Pools", { authorizerId: "abc" });
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: METHOD }), NOT_DEFINED.map(([n]) => `mandatory ${METHOD} ${n}`).sort());
        const open = violationsOf(result, METHOD).find((v) => v.urn.endsWith("::open"))!;
        assert.match(open.message, /Method GET \/pets on REST API "api" has authorization "OPEN" is not a value AWS defines for the authorization of an aws\.apigateway\.Method; accepted values \(any letter case\): NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS\./);
        assert.ok(open.message.includes(`resource: ${open.urn}`));
        assert.match(open.message, /authorization: "AWS_IAM"/);
    });

    it("REST methods: an allowlist entry for the path does not excuse a value that is not NONE", async () => {
        const s = new StackBuilder();
        const api = restApi(s);
        const health = restResource(s, "health", api, "health");
        method(s, "health-open", api, health, "GET", "OPEN");
        method(s, "health-none", api, health, "POST", "none");
        const config = { [METHOD]: { publicRoutes: [{ route: "ANY /health", reason: "load balancer probe" }] } };
        assert.deepEqual(findings(await pack.analyze(s, { config }), { policy: METHOD }), [`mandatory ${METHOD} health-open`]);
    });

    it("v2 routes: every authorizationType that is not NONE/AWS_IAM/CUSTOM/JWT is a violation, on HTTP and WebSocket APIs alike", async () => {
        const s = new StackBuilder();
        const http = v2Api(s, "http", "HTTP");
        NOT_DEFINED.forEach(([name, value], i) => s.add("aws:apigatewayv2/route:Route", name, { routeKey: `GET /r${i}`, authorizationType: value }, { apiId: http }));
        route(s, "jwt-lower", http, "GET /ok", "jwt", { authorizerId: "a1" });
        const ws = v2Api(s, "ws", "WEBSOCKET");
        route(s, "ws-connect", ws, "$connect", "Custom_Lambda");
        route(s, "ws-send", ws, "send", "PUBLIC");
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: ROUTE }), [...NOT_DEFINED.map(([n]) => n), "ws-connect", "ws-send"].map((n) => `mandatory ${ROUTE} ${n}`).sort());
        const pub = violationsOf(result, ROUTE).find((v) => v.urn.endsWith("::public"))!;
        assert.match(pub.message, /Route "GET \/r2" has authorizationType "PUBLIC" is not a value AWS defines for the authorizationType of an aws\.apigatewayv2\.Route; accepted values \(any letter case\): NONE, AWS_IAM, CUSTOM, JWT\./);
        // The wiring policy leaves the value to the endpoint policy instead of passing or duplicating it.
        assert.deepEqual(findings(result, { policy: "apigw-authorizer-wiring", level: "mandatory" }), []);
    });

    it("v2 protocolType: an open $default route on an API whose protocolType AWS does not define is a violation, not 'could not verify'", async () => {
        const s = new StackBuilder();
        const api = s.add("aws:apigatewayv2/api:Api", "padded", { name: "padded", protocolType: "websocket " }, {}, {});
        route(s, "default", api, "$default", "NONE");
        const lower = s.add("aws:apigatewayv2/api:Api", "lower", { name: "lower", protocolType: "websocket", routeSelectionExpression: "$request.body.action" }, {}, {});
        route(s, "lower-default", lower, "$default", "NONE");
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: ROUTE }), [`mandatory ${ROUTE} default`]);
        assert.match(violationsOf(result, ROUTE)[0].message, /Route "\$default" has authorization NONE, and its API "padded" has protocolType "websocket " is not a value AWS defines[^\n]*HTTP, WEBSOCKET/);
    });

    it("REST endpoint types: a value that is not EDGE/REGIONAL/PRIVATE cannot make an open resource policy pass as public", async () => {
        const s = new StackBuilder();
        // "private " would otherwise be judged by the rules for public APIs, which accept a VPC-less Allow with a condition.
        const api = restApiOfType(s, "internal", "private ", { policy: JSON.stringify(policyDoc(allowAnyone({ Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }))) });
        restApiOfType(s, "lower", "regional");
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy: "apigw-resource-policy" }), ["mandatory apigw-resource-policy internal"]);
        const [v] = violationsOf(result, "apigw-resource-policy");
        assert.equal(v.urn, api.urn);
        assert.match(v.message, /endpoint type "private " is not a value AWS defines for the endpointConfiguration\.types of an aws\.apigateway\.RestApi; accepted values \(any letter case\): EDGE, REGIONAL, PRIVATE/);
    });

    it("integration types: a Lambda integration with a type that is not one API Gateway defines is reported, not skipped", async () => {
        const s = new StackBuilder();
        const fn = lambdaFunction(s, "handler");
        const api = restApi(s);
        const res = restResource(s, "pets", api, "pets");
        const m = method(s, "get", api, res, "GET", "AWS_IAM");
        s.add("aws:apigateway/integration:Integration", "padded", { type: "aws_proxy ", httpMethod: "GET", integrationHttpMethod: "POST" }, { restApi: api, resourceId: res, httpMethod: m, uri: fn });
        const http = v2Api(s, "http", "HTTP");
        s.add("aws:apigatewayv2/integration:Integration", "v2-lambda", { integrationType: "LAMBDA" }, { apiId: http, integrationUri: fn });
        const policy = "apigw-lambda-integration-permission";
        const result = await pack.analyze(s);
        assert.deepEqual(findings(result, { policy }), [`mandatory ${policy} padded`, `mandatory ${policy} v2-lambda`]);
        const v2 = violationsOf(result, policy).find((v) => v.urn.endsWith("::v2-lambda"))!;
        assert.match(v2.message, /integrationType "LAMBDA" is not a value AWS defines for the integrationType of an aws\.apigatewayv2\.Integration; accepted values \(any letter case\): AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK/);
    });

    it("OpenAPI bodies: x-amazon-apigateway-auth types other than NONE/AWS_IAM, and authtypes other than awsSigv4, do not protect", async () => {
        const s = new StackBuilder();
        const iamLike = { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "aws_anything" };
        restApiWithBody(
            s,
            "shop",
            swagger2(
                {
                    "/open": { get: { "x-amazon-apigateway-auth": { type: "OPEN" } } },
                    "/padded": { get: { "x-amazon-apigateway-auth": { type: " aws_iam" } } },
                    "/iam": { get: { "x-amazon-apigateway-auth": { type: "aws_iam" } } },
                    "/sigv4": { get: { security: [{ sigv4: [] }] } },
                    "/almost": { get: { security: [{ almost: [] }] } },
                },
                { securityDefinitions: { sigv4: { ...iamLike, "x-amazon-apigateway-authtype": "awsSigv4" }, almost: iamLike } },
            ),
        );
        const policy = "apigw-openapi-requires-authorization";
        const [v, ...rest] = violationsOf(await pack.analyze(s), policy);
        assert.equal(rest.length, 0);
        assert.match(v.message, /GET \/open[^\n]*x-amazon-apigateway-auth type "OPEN" is not a value AWS defines for the x-amazon-apigateway-auth type; accepted values \(any letter case\): NONE, AWS_IAM/);
        assert.match(v.message, /GET \/padded/);
        assert.match(v.message, /GET \/almost/);
        assert.doesNotMatch(v.message, /GET \/iam\b|GET \/sigv4/);
    });

    it("OpenAPI bodies: a security scheme or $ref named constructor or __proto__ is a plain (missing) name, not a prototype property", async () => {
        const s = new StackBuilder();
        const body = JSON.stringify(
            openapi3({
                "/a": { get: { security: [{ constructor: [] }] } },
                "/b": { get: { security: [{ toString: [] }] } },
                "/c": { get: { security: [{ viaRef: [] }] } },
            }, { components: { securitySchemes: { viaRef: { $ref: "#/components/constructor" } } } }),
        );
        s.add("aws:apigatewayv2/api:Api", "http", { protocolType: "HTTP", body }, {}, {});
        const policy = "apigw-openapi-requires-authorization";
        const [v, ...rest] = violationsOf(await pack.analyze(s), policy);
        assert.equal(rest.length, 0);
        assert.match(v.message, /GET \/a[^\n]*no security scheme named "constructor" is defined/);
        assert.match(v.message, /GET \/b[^\n]*no security scheme named "toString" is defined/);
        assert.match(v.message, /GET \/c[^\n]*\$ref "#\/components\/constructor" does not resolve/);
    });
});
