import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { SecureRestApi, SecureRestApiArgs } from "../../components";
import { ACCOUNT, build, errorOf, inventory, lambda, named, ofType, value } from "../kit/components";

const POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Orders01";

function args(f: { [k: string]: aws.lambda.Function }, extra: Partial<SecureRestApiArgs> = {}): SecureRestApiArgs {
    return {
        handlers: f,
        authorizers: {
            users: { type: "cognito", userPoolArn: POOL },
            bundled: { type: "lambda", handler: "auth" },
            token: { type: "lambda", handler: "auth", lambdaType: "TOKEN" },
        },
        defaultAuth: "users",
        routes: {
            "GET /orders": { handler: "list", scopes: ["orders/read"] },
            "POST /orders": { handler: "list", auth: "bundled" },
            "GET /orders/{id}": { handler: "list", auth: "token" },
            "DELETE /orders/{id}": { handler: "list", auth: "iam" },
            "GET /": { handler: "list", auth: "public", publicReason: "landing page" },
        },
        ...extra,
    };
}

async function buildRest(extra: Partial<SecureRestApiArgs> = {}, name = "orders") {
    return build(() => new SecureRestApi(name, args({ list: lambda("list"), auth: lambda("auth") }, extra)));
}

function redeployTrigger(resources: { type: string; inputs: { triggers?: { redeployment?: string } } }[]): string {
    const d = ofType(resources as never, "aws:apigateway/deployment:Deployment")[0];
    return d.inputs.triggers.redeployment;
}

describe("SecureRestApi", () => {
    it("creates the API, the resource tree, methods with explicit authorization, proxy integrations, scoped permissions, authorizers, deployment and stage", async () => {
        const { result: api, resources } = await buildRest();
        const exec = `arn:aws:execute-api:us-east-1:${ACCOUNT}:orders-id`;
        assert.deepStrictEqual(
            inventory(resources).filter((r) => !r.startsWith("aws:lambda/function:")),
            [
                "authguard-components:index:SecureRestApi orders",
                "aws:apigateway/restApi:RestApi orders",
                "aws:apigateway/resource:Resource orders-resource-orders",
                "aws:apigateway/resource:Resource orders-resource-orders-_id_",
                "aws:apigateway/authorizer:Authorizer orders-authorizer-users",
                "aws:apigateway/authorizer:Authorizer orders-authorizer-bundled",
                "aws:apigateway/authorizer:Authorizer orders-authorizer-token",
                "aws:lambda/permission:Permission orders-authorizer-bundled-invoke",
                "aws:lambda/permission:Permission orders-authorizer-token-invoke",
                ...["GET-orders", "POST-orders", "GET-orders-_id_", "DELETE-orders-_id_", "GET-root"].flatMap((s) => [
                    `aws:apigateway/method:Method orders-method-${s}`,
                    `aws:apigateway/integration:Integration orders-integration-${s}`,
                    `aws:lambda/permission:Permission orders-invoke-${s}`,
                ]),
                "aws:apigateway/deployment:Deployment orders-deployment",
                "aws:apigateway/stage:Stage orders-stage",
            ].sort(),
        );
        const rest = named(resources, "orders").inputs;
        assert.deepStrictEqual(rest.endpointConfiguration, { types: "REGIONAL" });
        assert.strictEqual(rest.disableExecuteApiEndpoint, false);
        assert.strictEqual(rest.apiKeySource, "HEADER");
        assert.strictEqual(rest.body, undefined);

        assert.deepStrictEqual(
            [named(resources, "orders-resource-orders").inputs.parentId, named(resources, "orders-resource-orders").inputs.pathPart],
            ["orders-root", "orders"],
        );
        assert.deepStrictEqual(
            [named(resources, "orders-resource-orders-_id_").inputs.parentId, named(resources, "orders-resource-orders-_id_").inputs.pathPart],
            ["orders-resource-orders-id", "{id}"],
        );

        const methods = Object.fromEntries(ofType(resources, "aws:apigateway/method:Method").map((m) => [m.name.replace("orders-method-", ""), m.inputs]));
        const summary = Object.fromEntries(
            Object.entries(methods).map(([k, m]) => [k, [m.httpMethod, m.authorization, m.authorizerId ?? null, m.authorizationScopes ?? null, m.apiKeyRequired, m.resourceId]]),
        );
        assert.deepStrictEqual(summary, {
            "GET-orders": ["GET", "COGNITO_USER_POOLS", "orders-authorizer-users-id", ["orders/read"], false, "orders-resource-orders-id"],
            "POST-orders": ["POST", "CUSTOM", "orders-authorizer-bundled-id", null, false, "orders-resource-orders-id"],
            "GET-orders-_id_": ["GET", "CUSTOM", "orders-authorizer-token-id", null, false, "orders-resource-orders-_id_-id"],
            "DELETE-orders-_id_": ["DELETE", "AWS_IAM", null, null, false, "orders-resource-orders-_id_-id"],
            "GET-root": ["GET", "NONE", null, null, false, "orders-root"],
        });

        const integration = named(resources, "orders-integration-GET-orders").inputs;
        assert.deepStrictEqual([integration.type, integration.integrationHttpMethod, integration.httpMethod], ["AWS_PROXY", "POST", "GET"]);
        assert.match(integration.uri, /function:list\/invocations$/);

        const perms = Object.fromEntries(ofType(resources, "aws:lambda/permission:Permission").map((p) => [p.name, p.inputs.sourceArn]));
        assert.deepStrictEqual(perms, {
            "orders-invoke-GET-orders": `${exec}/v1/GET/orders`,
            "orders-invoke-POST-orders": `${exec}/v1/POST/orders`,
            "orders-invoke-GET-orders-_id_": `${exec}/v1/GET/orders/*`,
            "orders-invoke-DELETE-orders-_id_": `${exec}/v1/DELETE/orders/*`,
            "orders-invoke-GET-root": `${exec}/v1/GET/`,
            "orders-authorizer-bundled-invoke": `${exec}/authorizers/orders-authorizer-bundled-id`,
            "orders-authorizer-token-invoke": `${exec}/authorizers/orders-authorizer-token-id`,
        });

        const users = named(resources, "orders-authorizer-users").inputs;
        assert.deepStrictEqual([users.type, users.providerArns, users.identitySource], ["COGNITO_USER_POOLS", [POOL], "method.request.header.Authorization"]);
        const bundled = named(resources, "orders-authorizer-bundled").inputs;
        assert.deepStrictEqual(
            [bundled.type, bundled.identitySource, bundled.authorizerResultTtlInSeconds],
            ["REQUEST", "method.request.header.Authorization, context.httpMethod, context.resourcePath", 300],
        );
        // A TOKEN authorizer's cache key is the token alone: route-scoped decisions are not cached.
        const token = named(resources, "orders-authorizer-token").inputs;
        assert.deepStrictEqual([token.type, token.identitySource, token.authorizerResultTtlInSeconds], ["TOKEN", "method.request.header.Authorization", 0]);

        const stage = named(resources, "orders-stage").inputs;
        assert.deepStrictEqual([stage.stageName, stage.deployment], ["v1", "orders-deployment-id"]);
        assert.match(redeployTrigger(resources), /^[0-9a-f]{64}$/);

        assert.deepStrictEqual(await value(api.routeAuth), {
            "GET /orders": { kind: "cognito", authorizationType: "COGNITO_USER_POOLS", authorizer: "users", scopes: ["orders/read"], apiKeyRequired: false },
            "POST /orders": { kind: "lambda", authorizationType: "CUSTOM", authorizer: "bundled", apiKeyRequired: false },
            "GET /orders/{id}": { kind: "lambda", authorizationType: "CUSTOM", authorizer: "token", apiKeyRequired: false },
            "DELETE /orders/{id}": { kind: "iam", authorizationType: "AWS_IAM", apiKeyRequired: false },
            "GET /": { kind: "public", authorizationType: "NONE", publicReason: "landing page", apiKeyRequired: false },
        });
        assert.deepStrictEqual(await value(api.iamRouteArns), { "DELETE /orders/{id}": `${exec}/v1/DELETE/orders/*` });
        assert.deepStrictEqual(await value(api.publicRoutes), [{ route: "GET /", resource: "orders-method-*", reason: "landing page" }]);
        assert.strictEqual(await value(api.resourcePolicyJson), undefined);
    });

    it("generates public MOCK OPTIONS methods for CORS preflight, echoing one of several allowed origins", async () => {
        const { result: api, resources } = await buildRest({ cors: { allowOrigins: ["https://a.example", "https://b.example"] } });
        const options = ofType(resources, "aws:apigateway/method:Method").filter((m) => m.inputs.httpMethod === "OPTIONS");
        assert.deepStrictEqual(options.map((m) => [m.name, m.inputs.authorization, m.inputs.apiKeyRequired, m.inputs.authorizerId ?? null]).sort(), [
            ["orders-method-OPTIONS-orders", "NONE", false, null],
            ["orders-method-OPTIONS-orders-_id_", "NONE", false, null],
            ["orders-method-OPTIONS-root", "NONE", false, null],
        ]);
        const mock = named(resources, "orders-integration-OPTIONS-orders-_id_").inputs;
        assert.strictEqual(mock.type, "MOCK");
        assert.deepStrictEqual(mock.requestTemplates, { "application/json": '{"statusCode": 204}' });
        const response = named(resources, "orders-integration-response-OPTIONS-orders-_id_").inputs;
        assert.strictEqual(response.statusCode, "204");
        assert.strictEqual(response.responseParameters["method.response.header.Access-Control-Allow-Methods"], "'GET,DELETE,OPTIONS'");
        assert.strictEqual(response.responseParameters["method.response.header.Access-Control-Allow-Origin"], "'https://a.example'");
        assert.match(response.responseTemplates["application/json"], /\$origin == "https:\/\/b.example"/);
        assert.deepStrictEqual(Object.keys(named(resources, "orders-response-OPTIONS-orders-_id_").inputs.responseParameters).sort(), Object.keys(response.responseParameters).sort());
        // Several origins: gateway error responses cannot echo safely, so none are added.
        assert.strictEqual(ofType(resources, "aws:apigateway/response:Response").length, 0);
        const auth = await value(api.routeAuth);
        assert.deepStrictEqual(auth["OPTIONS /orders"], { kind: "public", authorizationType: "NONE", publicReason: "CORS preflight", apiKeyRequired: false, generated: true });
        // Preflight methods get no Lambda permission (they invoke nothing).
        assert.ok(!ofType(resources, "aws:lambda/permission:Permission").some((p) => p.name.includes("OPTIONS")));
    });

    it("adds CORS headers to API Gateway's own 4XX/5XX responses for a single origin", async () => {
        const { resources } = await buildRest({ cors: { allowOrigins: ["https://a.example"] } });
        const responses = ofType(resources, "aws:apigateway/response:Response").map((r) => [r.inputs.responseType, r.inputs.responseParameters["gatewayresponse.header.Access-Control-Allow-Origin"]]);
        assert.deepStrictEqual(responses.sort(), [
            ["DEFAULT_4XX", "'https://a.example'"],
            ["DEFAULT_5XX", "'https://a.example'"],
        ]);
    });

    it("builds a PRIVATE API's resource policy from its VPC endpoints: a conditioned Allow and a Deny outside them", async () => {
        const { result: api, resources } = await build(
            () =>
                new SecureRestApi("internal", {
                    endpointType: "PRIVATE",
                    vpcEndpointIds: ["vpce-0a1b2c3d4e5f67890"],
                    handlers: { f: lambda("f") },
                    defaultAuth: "iam",
                    routes: { "GET /x": { handler: "f" } },
                }),
        );
        const rest = named(resources, "internal").inputs;
        assert.deepStrictEqual(rest.endpointConfiguration, { types: "PRIVATE", vpcEndpointIds: ["vpce-0a1b2c3d4e5f67890"] });
        const policy = JSON.parse(named(resources, "internal-policy").inputs.policy);
        assert.strictEqual(named(resources, "internal-policy").inputs.restApiId, "internal-id");
        assert.deepStrictEqual(policy, {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowInvoke",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "execute-api:Invoke",
                    Resource: "execute-api:/*",
                    Condition: { StringEquals: { "aws:SourceVpce": ["vpce-0a1b2c3d4e5f67890"] } },
                },
                {
                    Sid: "DenyOutsideVpcEndpoints",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "execute-api:Invoke",
                    Resource: "execute-api:/*",
                    Condition: { StringNotEquals: { "aws:SourceVpce": ["vpce-0a1b2c3d4e5f67890"] } },
                },
            ],
        });
        assert.deepStrictEqual(JSON.parse((await value(api.resourcePolicyJson))!), policy);
    });

    it("combines account, VPC, IP allow lists and IP deny lists (all must hold) and appends extra statements", async () => {
        const { resources } = await build(
            () =>
                new SecureRestApi("p", {
                    endpointType: "PRIVATE",
                    handlers: { f: lambda("f") },
                    defaultAuth: "iam",
                    routes: { "GET /x": { handler: "f" } },
                    resourcePolicy: {
                        allowAccounts: ["111122223333"],
                        allowVpcEndpoints: ["vpce-1111", "vpce-2222"],
                        allowSourceVpcs: ["vpc-abc"],
                        allowIpRanges: ["10.0.0.0/8"],
                        denyIpRanges: ["10.9.0.0/16"],
                        extraStatements: [{ Effect: "Deny", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*/DELETE/*" }],
                    },
                }),
        );
        const policy = JSON.parse(named(resources, "p-policy").inputs.policy);
        const [allow, ...rest] = policy.Statement;
        assert.deepStrictEqual(allow.Principal, { AWS: ["111122223333"] });
        assert.deepStrictEqual(allow.Condition, {
            StringEquals: { "aws:SourceVpce": ["vpce-1111", "vpce-2222"], "aws:SourceVpc": ["vpc-abc"] },
            IpAddress: { "aws:SourceIp": ["10.0.0.0/8"] },
            NotIpAddress: { "aws:SourceIp": ["10.9.0.0/16"] },
        });
        assert.deepStrictEqual(
            rest.map((s: { Sid?: string; Effect: string }) => s.Sid ?? s.Effect),
            ["DenyOutsideVpcEndpoints", "DenyOutsideSourceVpcs", "DenyOutsideIpRanges", "DenyIpRanges", "Deny"],
        );
    });

    it("creates API keys (values generated by API Gateway) and a usage plan covering the stage", async () => {
        const { result: api, resources } = await buildRest({
            routes: { "GET /feed": { handler: "list", auth: "bundled", apiKeyRequired: true } },
            apiKeys: { keys: ["partner-a", "partner-b"], throttleRateLimit: 10, throttleBurstLimit: 20, quotaLimit: 1000 },
        });
        assert.strictEqual(named(resources, "orders-method-GET-feed").inputs.apiKeyRequired, true);
        const keys = ofType(resources, "aws:apigateway/apiKey:ApiKey");
        assert.strictEqual(keys.length, 2);
        for (const k of keys) assert.strictEqual(k.inputs.value, undefined, "no literal key value");
        const plan = named(resources, "orders-usage-plan").inputs;
        assert.deepStrictEqual(plan.apiStages, [{ apiId: "orders-id", stage: "v1" }]);
        assert.deepStrictEqual(plan.throttleSettings, { rateLimit: 10, burstLimit: 20 });
        assert.deepStrictEqual(plan.quotaSettings, { limit: 1000, period: "MONTH" });
        assert.strictEqual(ofType(resources, "aws:apigateway/usagePlanKey:UsagePlanKey").length, 2);
        assert.deepStrictEqual((await value(api.routeAuth))["GET /feed"], { kind: "lambda", authorizationType: "CUSTOM", authorizer: "bundled", apiKeyRequired: true });
        assert.deepStrictEqual((await value(api.apiKeyIds)).sort(), ["orders-key-key-partner-a-id", "orders-key-key-partner-b-id"]);
    });

    it("adds console test-invoke permissions only when asked", async () => {
        const { resources } = await buildRest({ allowTestInvoke: true });
        const test = named(resources, "orders-test-invoke-GET-orders-_id_").inputs.sourceArn;
        assert.strictEqual(test, `arn:aws:execute-api:us-east-1:${ACCOUNT}:orders-id/test-invoke-stage/GET/orders/*`);
    });

    it("disables the execute-api endpoint with a custom domain and maps the stage", async () => {
        const { result: api, resources } = await buildRest({ customDomain: { domainName: "api.example.com", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x" } });
        assert.strictEqual(named(resources, "orders").inputs.disableExecuteApiEndpoint, true);
        const domain = named(resources, "orders-domain").inputs;
        assert.deepStrictEqual([domain.securityPolicy, domain.regionalCertificateArn, domain.endpointConfiguration.types], ["TLS_1_2", "arn:aws:acm:us-east-1:123456789012:certificate/x", "REGIONAL"]);
        assert.deepStrictEqual(named(resources, "orders-mapping").inputs.stageName, "v1");
        assert.strictEqual(await value(api.url), "https://api.example.com/");
    });

    describe("replaces the deployment whenever behaviour changes, and only then", () => {
        it("is stable for the same program", async () => {
            assert.strictEqual(redeployTrigger((await buildRest()).resources), redeployTrigger((await buildRest()).resources));
        });
        const changes: [string, Partial<SecureRestApiArgs>][] = [
            ["a route loses its authorizer", { routes: { ...args({}).routes, "POST /orders": { handler: "list", auth: "public", publicReason: "webhook" } } }],
            ["a route's scopes change", { routes: { ...args({}).routes, "GET /orders": { handler: "list", scopes: ["orders/admin"] } } }],
            ["an authorizer's cache setting changes", { authorizers: { ...args({}).authorizers, bundled: { type: "lambda", handler: "auth", resultTtlSeconds: 60 } } }],
            ["the resource policy changes", { resourcePolicy: { denyIpRanges: ["192.0.2.0/24"] } }],
            ["the endpoint type changes", { endpointType: "EDGE" }],
            ["CORS is added", { cors: { allowOrigins: ["https://a.example"] } }],
            ["a custom domain disables the default endpoint", { customDomain: { domainName: "api.example.com" } }],
        ];
        for (const [what, extra] of changes) {
            it(what, async () => {
                assert.notStrictEqual(redeployTrigger((await buildRest(extra)).resources), redeployTrigger((await buildRest()).resources));
            });
        }
        it("a handler is replaced by another function", async () => {
            const a = await build(() => new SecureRestApi("orders", args({ list: lambda("list"), auth: lambda("auth") })));
            const b = await build(() => new SecureRestApi("orders", args({ list: lambda("list-v2"), auth: lambda("auth") })));
            assert.notStrictEqual(redeployTrigger(a.resources), redeployTrigger(b.resources));
        });
    });

    describe("refuses at preview, naming the component and the route", () => {
        let f: { [k: string]: aws.lambda.Function };
        before(async () => {
            ({ result: f } = await build(() => ({ list: lambda("list"), auth: lambda("auth") })));
        });
        const cases: [string, () => SecureRestApiArgs, RegExp][] = [
            ["a route without an auth decision", () => ({ handlers: f, routes: { "GET /x": { handler: "list" } } }), /SecureRestApi "bad": route "GET \/x": has no auth decision/],
            ["a public route without a reason", () => ({ handlers: f, routes: { "GET /x": { handler: "list", auth: "public" } } }), /route "GET \/x": is public but has no publicReason/],
            ["a PRIVATE API without VPC endpoints", () => ({ handlers: f, endpointType: "PRIVATE", routes: { "GET /x": { handler: "list", auth: "iam" } } }), /a PRIVATE API needs the VPC endpoints/],
            ["VPC restrictions on a public endpoint", () => ({ ...args(f), resourcePolicy: { allowVpcEndpoints: ["vpce-1"] } }), /only match requests to PRIVATE APIs/],
            ["vpcEndpointIds on a REGIONAL API", () => ({ ...args(f), vpcEndpointIds: ["vpce-1"] }), /vpcEndpointIds applies to PRIVATE APIs only/],
            ["a JWT authorizer", () => ({ ...args(f), authorizers: { j: { type: "jwt", issuer: "https://a.example", audiences: ["a"] } } }), /authorizer "j": REST APIs have no JWT authorizers/],
            ["audiences on a Cognito authorizer", () => ({ ...args(f), authorizers: { users: { type: "cognito", userPoolArn: POOL, audiences: ["c"] } } }), /REST Cognito authorizers do not check audiences/],
            ["a cached route-scoped TOKEN authorizer", () => ({ ...args(f), authorizers: { ...args(f).authorizers, token: { type: "lambda", handler: "auth", lambdaType: "TOKEN", resultTtlSeconds: 300 } } }), /authorizer "token": a TOKEN authorizer's cache key is the token alone/],
            ["a TOKEN authorizer reading a query parameter", () => ({ ...args(f), authorizers: { t: { type: "lambda", handler: "auth", lambdaType: "TOKEN", tokenQueryParameter: "t" } } }), /TOKEN authorizers read a header/],
            ["an API key route without apiKeys", () => ({ handlers: f, routes: { "GET /x": { handler: "list", auth: "iam", apiKeyRequired: true } } }), /route "GET \/x": requires an API key but `apiKeys` is not set/],
            ["apiKeys that protect nothing", () => ({ ...args(f), apiKeys: { keys: ["a"] } }), /apiKeys: no route sets apiKeyRequired/],
            ["a bad quota period", () => ({ ...args(f), routes: { "GET /x": { handler: "list", auth: "iam", apiKeyRequired: true } }, apiKeys: { keys: ["a"], quotaLimit: 1, quotaPeriod: "YEAR" } }), /quotaPeriod must be one of DAY, WEEK, MONTH/],
            ["an OPTIONS route when CORS is configured", () => ({ ...args(f), cors: { allowOrigins: ["https://a.example"] }, routes: { "OPTIONS /x": { handler: "list", auth: "public", publicReason: "mine" } } }), /route "OPTIONS \/x": CORS is configured, so the component generates/],
            ["a $default route", () => ({ handlers: f, routes: { $default: { handler: "list", auth: "iam" } } }), /\$default is not a route of REST APIs/],
            ["a bad CIDR", () => ({ ...args(f), resourcePolicy: { allowIpRanges: ["10.0.0.0/33"] } }), /IP range "10.0.0.0\/33" is not an IPv4 or IPv6 CIDR/],
            ["an extra statement allowing everyone without a condition", () => ({ ...args(f), resourcePolicy: { extraStatements: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "execute-api:Invoke", Resource: "*" }] } }), /extraStatements\[0\]: allows everyone without a Condition/],
            ["an extra Allow with NotPrincipal", () => ({ ...args(f), resourcePolicy: { extraStatements: [{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::1:root" }, Action: "*", Resource: "*" }] } }), /Allow with NotPrincipal/],
            ["an empty allow list", () => ({ ...args(f), resourcePolicy: { allowAccounts: [] } }), /allowAccounts must be a non-empty list/],
            ["a malformed account", () => ({ ...args(f), resourcePolicy: { allowAccounts: ["12345"] } }), /allowAccounts entry "12345" is not a 12-digit account ID/],
            ["a bad endpoint type", () => ({ ...args(f), endpointType: "INTERNAL" as never }), /endpointType: "INTERNAL" is not one of EDGE, REGIONAL, PRIVATE/],
            ["a custom domain on a PRIVATE API", () => ({ ...args(f), endpointType: "PRIVATE", vpcEndpointIds: ["vpce-1"], customDomain: { domainName: "api.example.com" } }), /customDomain: is not supported for PRIVATE APIs/],
            ["a bad stage name", () => ({ ...args(f), stageName: "v 1" }), /stageName: must be 1-128 letters/],
            ["authorizers given as a list", () => ({ ...args(f), authorizers: [{ type: "cognito", userPoolArn: POOL }] as never }), /- authorizers: must be a map\n/],
        ];
        for (const [what, make, expected] of cases) {
            it(what, async () => {
                const { resources } = await build(() => {
                    const message = errorOf(() => new SecureRestApi("bad", make()));
                    assert.match(message, expected);
                    assert.match(message, /^SecureRestApi "bad": /);
                });
                assert.strictEqual(resources.length, 0, "nothing is registered");
            });
        }
    });
});
