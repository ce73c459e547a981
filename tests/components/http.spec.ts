import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { SecureHttpApi, SecureHttpApiArgs } from "../../components";
import { ACCOUNT, build, errorOf, inventory, lambda, named, ofType, Recorded, value } from "../kit/components";

const ISSUER = "https://auth.example.com/";

function args(fns: { [k: string]: aws.lambda.Function }, extra: Partial<SecureHttpApiArgs> = {}): SecureHttpApiArgs {
    return {
        handlers: fns,
        authorizers: {
            jwt: { type: "jwt", issuer: ISSUER, audiences: ["orders-api"] },
            bundled: { type: "lambda", handler: "auth" },
        },
        defaultAuth: "jwt",
        routes: {
            "GET /pets": { handler: "list", scopes: ["pets:read"] },
            "POST /pets/{id}": { handler: "list", auth: "bundled" },
            "GET /admin": { handler: "list", auth: "iam" },
            "GET /health": { handler: "list", auth: "public", publicReason: "load balancer probe" },
        },
        ...extra,
    };
}

describe("SecureHttpApi", () => {
    it("creates exactly the API, authorizers, one integration + route + scoped permission per route, and the $default stage", async () => {
        const { result: api, resources } = await build(() => {
            const fns = { list: lambda("list"), auth: lambda("auth") };
            return new SecureHttpApi("shop", args(fns));
        });
        const t = "authguard-components:index:SecureHttpApi";
        assert.deepStrictEqual(
            inventory(resources).filter((r) => !r.startsWith("aws:lambda/function:")),
            [
                `${t} shop`,
                "aws:apigatewayv2/api:Api shop",
                "aws:apigatewayv2/authorizer:Authorizer shop-authorizer-bundled",
                "aws:apigatewayv2/authorizer:Authorizer shop-authorizer-jwt",
                "aws:apigatewayv2/integration:Integration shop-integration-GET-admin",
                "aws:apigatewayv2/integration:Integration shop-integration-GET-health",
                "aws:apigatewayv2/integration:Integration shop-integration-GET-pets",
                "aws:apigatewayv2/integration:Integration shop-integration-POST-pets-_id_",
                "aws:apigatewayv2/route:Route shop-route-GET-admin",
                "aws:apigatewayv2/route:Route shop-route-GET-health",
                "aws:apigatewayv2/route:Route shop-route-GET-pets",
                "aws:apigatewayv2/route:Route shop-route-POST-pets-_id_",
                "aws:apigatewayv2/stage:Stage shop-stage",
                "aws:lambda/permission:Permission shop-authorizer-bundled-invoke",
                "aws:lambda/permission:Permission shop-invoke-GET-admin",
                "aws:lambda/permission:Permission shop-invoke-GET-health",
                "aws:lambda/permission:Permission shop-invoke-GET-pets",
                "aws:lambda/permission:Permission shop-invoke-POST-pets-_id_",
            ].sort(),
        );
        const exec = `arn:aws:execute-api:us-east-1:${ACCOUNT}:shop-id`;

        const apiRes = named(resources, "shop").inputs;
        assert.strictEqual(apiRes.protocolType, "HTTP");
        assert.strictEqual(apiRes.disableExecuteApiEndpoint, false);
        assert.strictEqual(apiRes.target, undefined, "no quick create");

        // Every route writes its authorization type explicitly, NONE included.
        const routes: Record<string, Recorded["inputs"]> = Object.fromEntries(ofType(resources, "aws:apigatewayv2/route:Route").map((r) => [r.inputs.routeKey, r.inputs]));
        assert.deepStrictEqual(
            Object.fromEntries(Object.entries(routes).map(([k, v]) => [k, [v.authorizationType, v.authorizerId ?? null, v.authorizationScopes ?? null]])),
            {
                "GET /pets": ["JWT", "shop-authorizer-jwt-id", ["pets:read"]],
                "POST /pets/{id}": ["CUSTOM", "shop-authorizer-bundled-id", null],
                "GET /admin": ["AWS_IAM", null, null],
                "GET /health": ["NONE", null, null],
            },
        );
        assert.strictEqual(routes["GET /pets"].target, "integrations/shop-integration-GET-pets-id");

        const jwt = named(resources, "shop-authorizer-jwt").inputs;
        assert.deepStrictEqual(
            { type: jwt.authorizerType, sources: jwt.identitySources, jwt: jwt.jwtConfiguration },
            { type: "JWT", sources: ["$request.header.Authorization"], jwt: { issuer: ISSUER, audiences: ["orders-api"] } },
        );
        const bundled = named(resources, "shop-authorizer-bundled").inputs;
        assert.strictEqual(bundled.authorizerType, "REQUEST");
        assert.strictEqual(bundled.authorizerPayloadFormatVersion, "2.0");
        assert.strictEqual(bundled.enableSimpleResponses, true);
        assert.strictEqual(bundled.authorizerResultTtlInSeconds, 300);
        // Route-scoped decisions: the cache key includes the route.
        assert.deepStrictEqual(bundled.identitySources, ["$request.header.Authorization", "$context.routeKey"]);
        assert.match(bundled.authorizerUri, /function:auth\/invocations$/);

        // Permissions: integrations scoped to stage, method and path; the authorizer to its own id.
        const perms = Object.fromEntries(ofType(resources, "aws:lambda/permission:Permission").map((r) => [r.name, r.inputs]));
        for (const p of Object.values(perms)) {
            assert.strictEqual(p.principal, "apigateway.amazonaws.com");
            assert.strictEqual(p.action, "lambda:InvokeFunction");
        }
        assert.strictEqual(perms["shop-invoke-GET-pets"].sourceArn, `${exec}/$default/GET/pets`);
        assert.strictEqual(perms["shop-invoke-POST-pets-_id_"].sourceArn, `${exec}/$default/POST/pets/*`);
        assert.strictEqual(perms["shop-invoke-GET-pets"].function, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:list`);
        assert.strictEqual(perms["shop-authorizer-bundled-invoke"].sourceArn, `${exec}/authorizers/shop-authorizer-bundled-id`);
        assert.strictEqual(perms["shop-authorizer-bundled-invoke"].function, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:auth`);

        const stage = named(resources, "shop-stage").inputs;
        assert.deepStrictEqual([stage.name, stage.autoDeploy], ["$default", true]);

        assert.deepStrictEqual(await value(api.routeAuth), {
            "GET /pets": { kind: "jwt", authorizationType: "JWT", authorizer: "jwt", scopes: ["pets:read"] },
            "POST /pets/{id}": { kind: "lambda", authorizationType: "CUSTOM", authorizer: "bundled" },
            "GET /admin": { kind: "iam", authorizationType: "AWS_IAM" },
            "GET /health": { kind: "public", authorizationType: "NONE", publicReason: "load balancer probe" },
        });
        assert.deepStrictEqual(await value(api.publicRoutes), [{ route: "GET /health", resource: "shop-route-*", reason: "load balancer probe" }]);
        assert.deepStrictEqual(await value(api.iamRouteArns), { "GET /admin": `${exec}/$default/GET/admin` });
        assert.strictEqual(await value(api.executionArn), exec);
        assert.strictEqual(await value(api.url), "https://shop-stage.example/");
    });

    it("builds ARNs in the API's own partition", async () => {
        const { result: api, resources } = await build(
            () => new SecureHttpApi("cn", args({ list: lambda("list"), auth: lambda("auth") })),
            { partition: "aws-cn", region: "cn-north-1" },
        );
        for (const p of ofType(resources, "aws:lambda/permission:Permission")) assert.match(p.inputs.sourceArn, /^arn:aws-cn:execute-api:cn-north-1:/);
        assert.match((await value(api.iamRouteArns))["GET /admin"], /^arn:aws-cn:execute-api:/);
    });

    it("derives a Cognito authorizer's issuer from the pool ARN (partition-aware) and requires the app client IDs", async () => {
        const { resources } = await build(
            () =>
                new SecureHttpApi("c", {
                    handlers: { list: lambda("list") },
                    authorizers: { users: { type: "cognito", userPoolArn: "arn:aws-cn:cognito-idp:cn-north-1:123456789012:userpool/cn-north-1_AbC123", audiences: ["client1"] } },
                    routes: { "GET /me": { handler: "list", auth: "users", scopes: ["profile"] } },
                }),
        );
        const a = named(resources, "c-authorizer-users").inputs;
        assert.deepStrictEqual(a.jwtConfiguration, { issuer: "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123", audiences: ["client1"] });
        const route = ofType(resources, "aws:apigatewayv2/route:Route")[0].inputs;
        assert.deepStrictEqual([route.authorizationType, route.authorizationScopes], ["JWT", ["profile"]]);
    });

    it("keeps CORS preflight away from authorizers: service-managed CORS plus a public OPTIONS route for ANY and $default routes", async () => {
        const { result: api, resources } = await build(
            () =>
                new SecureHttpApi("spa", {
                    handlers: { app: lambda("app") },
                    authorizers: { jwt: { type: "jwt", issuer: ISSUER, audiences: ["spa"] } },
                    defaultAuth: "jwt",
                    cors: { allowOrigins: ["https://app.example.com"], allowCredentials: true },
                    routes: { "ANY /{proxy+}": { handler: "app" }, "ANY /files": { handler: "app" }, $default: { handler: "app" }, "GET /x": { handler: "app" } },
                }),
        );
        const cors = named(resources, "spa").inputs.corsConfiguration;
        assert.deepStrictEqual(cors.allowOrigins, ["https://app.example.com"]);
        assert.strictEqual(cors.allowCredentials, true);
        assert.ok(cors.allowMethods.includes("OPTIONS"));
        const options = ofType(resources, "aws:apigatewayv2/route:Route").filter((r) => r.inputs.routeKey.startsWith("OPTIONS"));
        assert.deepStrictEqual(options.map((r) => [r.inputs.routeKey, r.inputs.authorizationType, r.inputs.authorizerId ?? null, r.inputs.target ?? null]).sort(), [
            ["OPTIONS /files", "NONE", null, null],
            ["OPTIONS /{proxy+}", "NONE", null, null],
        ]);
        const auth = await value(api.routeAuth);
        assert.deepStrictEqual(auth["OPTIONS /{proxy+}"], { kind: "public", authorizationType: "NONE", publicReason: "CORS preflight", generated: true });
        assert.strictEqual(auth["GET /x"].kind, "jwt");
    });

    it("disables the execute-api endpoint when a custom domain is attached and maps the stage", async () => {
        const { result: api, resources } = await build(
            () =>
                new SecureHttpApi("d", {
                    handlers: { f: lambda("f") },
                    routes: { "GET /x": { handler: "f", auth: "iam" } },
                    customDomain: { domainName: "api.example.com", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", basePath: "v1" },
                }),
        );
        assert.strictEqual(named(resources, "d").inputs.disableExecuteApiEndpoint, true);
        assert.strictEqual(named(resources, "d-domain").inputs.domainNameConfiguration.securityPolicy, "TLS_1_2");
        const mapping = named(resources, "d-mapping").inputs;
        assert.deepStrictEqual([mapping.apiId, mapping.stage, mapping.apiMappingKey], ["d-id", "d-stage-id", "v1"]);
        assert.strictEqual(await value(api.url), "https://api.example.com/v1");
    });

    it("lets a route opt out of the default authorizer only as an explicit public route, written as NONE", async () => {
        const { resources } = await build(
            () =>
                new SecureHttpApi("o", {
                    handlers: { f: lambda("f") },
                    authorizers: { jwt: { type: "jwt", issuer: ISSUER, audiences: ["a"] } },
                    defaultAuth: "jwt",
                    routes: { "GET /a": { handler: "f" }, "GET /b": { handler: "f", auth: "public", publicReason: "docs" } },
                }),
        );
        const byKey = Object.fromEntries(ofType(resources, "aws:apigatewayv2/route:Route").map((r) => [r.inputs.routeKey, r.inputs]));
        assert.strictEqual(byKey["GET /a"].authorizationType, "JWT");
        assert.strictEqual(byKey["GET /b"].authorizationType, "NONE");
        assert.ok("authorizationType" in byKey["GET /b"], "NONE is written, not omitted");
        assert.strictEqual(byKey["GET /b"].authorizerId, undefined);
    });

    it("accepts handlers that arrive as Outputs (how the multi-language provider passes resource references in a map)", async () => {
        const pulumi = await import("@pulumi/pulumi");
        const { resources } = await build(() => {
            const list = lambda("list");
            const handlers = pulumi.output({ list }) as unknown as SecureHttpApiArgs["handlers"];
            return new SecureHttpApi("ml", { handlers, routes: { "GET /x": { handler: "list", auth: "iam" } } });
        });
        assert.strictEqual(named(resources, "ml-invoke-GET-x").inputs.function, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:list`);
        assert.match(named(resources, "ml-integration-GET-x").inputs.integrationUri, /function:list\/invocations$/);
    });

    describe("refuses at preview, naming the component and the route, before registering anything", () => {
        let fns: { [k: string]: aws.lambda.Function };
        before(async () => {
            ({ result: fns } = await build(() => ({ list: lambda("list"), auth: lambda("auth") })));
        });

        const cases: [string, (f: { [k: string]: aws.lambda.Function }) => SecureHttpApiArgs, RegExp][] = [
            ["a route without an auth decision", (f) => ({ handlers: f, routes: { "GET /pets": { handler: "list" } } }), /SecureHttpApi "bad": route "GET \/pets": has no auth decision/],
            ["a public route without a reason", (f) => ({ handlers: f, routes: { "GET /pets": { handler: "list", auth: "public" } } }), /route "GET \/pets": is public but has no publicReason/],
            ["a blank public reason", (f) => ({ handlers: f, routes: { "GET /pets": { handler: "list", auth: "public", publicReason: "  " } } }), /has no publicReason/],
            ["defaultAuth public", (f) => ({ handlers: f, defaultAuth: "public", routes: { "GET /pets": { handler: "list", auth: "iam" } } }), /defaultAuth: cannot be "public"/],
            ["a publicReason on a protected route", (f) => ({ handlers: f, routes: { "GET /p": { handler: "list", auth: "iam", publicReason: "x" } } }), /publicReason is only for public routes/],
            ["an unknown authorizer name", (f) => ({ handlers: f, routes: { "GET /p": { handler: "list", auth: "jwtt" } } }), /route "GET \/p": auth "jwtt" is not an authorizer name/],
            ["an unknown handler", (f) => ({ handlers: f, routes: { "GET /p": { handler: "nope", auth: "iam" } } }), /route "GET \/p": handler "nope" is not in `handlers`/],
            ["a handler given as a string", (f) => ({ handlers: { ...f, arn: "arn:aws:lambda:us-east-1:123456789012:function:x" as never }, routes: { "GET /p": { handler: "arn", auth: "iam" } } }), /handlers\.arn is the string "arn:aws:lambda:us-east-1:123456789012:function:x", not an aws\.lambda\.Function/],
            ["a resource policy", (f) => ({ ...args(f), resourcePolicy: { allowAccounts: ["123456789012"] } }), /resourcePolicy: HTTP APIs do not support resource policies/],
            ["API keys", (f) => ({ ...args(f), apiKeys: { keys: ["k"] } }), /apiKeys: HTTP APIs do not support API keys/],
            ["apiKeyRequired on a route", (f) => ({ handlers: f, routes: { "GET /p": { handler: "list", auth: "iam", apiKeyRequired: true } } }), /apiKeyRequired is not supported on HTTP APIs/],
            ["a JWT authorizer without issuer", (f) => ({ ...args(f), authorizers: { jwt: { type: "jwt", audiences: ["a"] } } }), /authorizer "jwt": a jwt authorizer needs `issuer`/],
            ["a JWT authorizer with an http issuer", (f) => ({ ...args(f), authorizers: { jwt: { type: "jwt", issuer: "http://x.example", audiences: ["a"] } } }), /issuer "http:\/\/x.example" must use https/],
            ["a JWT authorizer without audiences", (f) => ({ ...args(f), authorizers: { jwt: { type: "jwt", issuer: ISSUER } } }), /authorizer "jwt": needs `audiences`/],
            ["a wildcard audience", (f) => ({ ...args(f), authorizers: { jwt: { type: "jwt", issuer: ISSUER, audiences: ["*"] } } }), /audience "\*" is empty or a wildcard/],
            ["a Cognito authorizer without client IDs", (f) => ({ handlers: f, authorizers: { c: { type: "cognito", userPoolArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_X1" } }, routes: { "GET /p": { handler: "list", auth: "c" } } }), /Cognito access tokens carry `client_id`/],
            ["a malformed user pool ARN", (f) => ({ handlers: f, authorizers: { c: { type: "cognito", userPoolArn: "us-east-1_X1", audiences: ["c"] } }, routes: { "GET /p": { handler: "list", auth: "c" } } }), /userPoolArn "us-east-1_X1" is not a Cognito user pool ARN/],
            ["scopes on a Lambda-authorized route", (f) => ({ ...args(f), routes: { "GET /p": { handler: "list", auth: "bundled", scopes: ["a"] } } }), /does not apply scopes for Lambda authorizer "bundled"/],
            ["scopes on an IAM route", (f) => ({ handlers: f, routes: { "GET /p": { handler: "list", auth: "iam", scopes: ["a"] } } }), /scopes do not apply to "iam" routes/],
            ["a TOKEN authorizer", (f) => ({ ...args(f), authorizers: { t: { type: "lambda", handler: "auth", lambdaType: "TOKEN" } } }), /TOKEN authorizers exist only on REST APIs/],
            ["a reserved authorizer name", (f) => ({ ...args(f), authorizers: { iam: { type: "jwt", issuer: ISSUER, audiences: ["a"] } } }), /authorizer "iam": "iam" is reserved/],
            ["a field that does not apply", (f) => ({ ...args(f), authorizers: { jwt: { type: "jwt", issuer: ISSUER, audiences: ["a"], handler: "auth" } } }), /`handler` does not apply to jwt authorizers/],
            ["an out-of-range cache TTL", (f) => ({ ...args(f), authorizers: { b: { type: "lambda", handler: "auth", resultTtlSeconds: 7200 } } }), /resultTtlSeconds must be a whole number from 0 to 3600/],
            ["an authorized OPTIONS route with CORS", (f) => ({ handlers: f, cors: { allowOrigins: ["https://a.example"] }, routes: { "OPTIONS /p": { handler: "list", auth: "iam" } } }), /route "OPTIONS \/p": with CORS configured/],
            ["credentials with the * origin", (f) => ({ ...args(f), cors: { allowOrigins: ["*"], allowCredentials: true } }), /allowCredentials cannot be combined with the "\*" origin/],
            ["an origin with a path", (f) => ({ ...args(f), cors: { allowOrigins: ["https://a.example/app"] } }), /must be exactly an origin/],
            ["a malformed route key", (f) => ({ handlers: f, routes: { "/pets": { handler: "list", auth: "iam" } } }), /route "\/pets": is not a route key/],
            ["a greedy parameter in the middle", (f) => ({ handlers: f, routes: { "GET /{p+}/x": { handler: "list", auth: "iam" } } }), /greedy parameter \{p\+\} must be the last segment/],
            ["sibling parameters with different names", (f) => ({ handlers: f, routes: { "GET /p/{id}": { handler: "list", auth: "iam" }, "PUT /p/{pid}": { handler: "list", auth: "iam" } } }), /different parameters \{id\} and \{pid\}/],
            ["no routes", (f) => ({ handlers: f, routes: {} }), /routes: needs at least one route/],
        ];
        for (const [what, make, expected] of cases) {
            it(what, async () => {
                const before = (await build(() => undefined)).resources.length;
                let registered = 0;
                const { resources } = await build(() => {
                    const message = errorOf(() => new SecureHttpApi("bad", make(fns)));
                    assert.match(message, expected);
                    assert.match(message, /^SecureHttpApi "bad": /);
                });
                registered = resources.length;
                assert.strictEqual(registered, before, "nothing is registered");
            });
        }

        it("lists every problem at once", () => {
            const message = errorOf(() => new SecureHttpApi("bad", { handlers: fns, routes: { "GET /a": { handler: "list" }, "GET /b": { handler: "list", auth: "public" } } }));
            assert.match(message, /2 problems/);
            assert.match(message, /route "GET \/a": has no auth decision/);
            assert.match(message, /route "GET \/b": is public but has no publicReason/);
        });

        it("is a pulumi.ResourceError", async () => {
            const pulumi = await import("@pulumi/pulumi");
            try {
                new SecureHttpApi("bad", { handlers: fns, routes: { "GET /a": { handler: "list" } } });
                assert.fail("no error");
            } catch (e) {
                assert.ok(pulumi.ResourceError.isInstance(e));
            }
        });
    });
});
