import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { JwtAuthorizerFunction, JwtAuthorizerFunctionArgs } from "../../components";
import { ACCOUNT, build, errorOf, inventory, named, value } from "../kit/components";

const BASE: JwtAuthorizerFunctionArgs = { issuer: "https://auth.example.com/", audiences: ["orders-api"] };

describe("JwtAuthorizerFunction", () => {
    it("deploys the bundled authorizer on nodejs22.x/arm64 with its own least-privilege role and a log group with retention", async () => {
        const { result: fn, resources } = await build(() => new JwtAuthorizerFunction("authz", BASE));
        assert.deepStrictEqual(inventory(resources), [
            "authguard-components:index:JwtAuthorizerFunction authz",
            "aws:cloudwatch/logGroup:LogGroup authz-logs",
            "aws:iam/role:Role authz-role",
            "aws:iam/rolePolicy:RolePolicy authz-logs-policy",
            "aws:lambda/function:Function authz",
        ]);
        const f = named(resources, "authz").inputs;
        assert.deepStrictEqual(
            [f.runtime, f.architectures, f.handler, f.memorySize, f.timeout, f.role],
            ["nodejs22.x", ["arm64"], "index.handler", 256, 5, `arn:aws:iam::${ACCOUNT}:role/authz-role`],
        );
        assert.deepStrictEqual(f.environment.variables, { AUTH_ISSUER: "https://auth.example.com/", AUTH_AUDIENCE: "orders-api" });
        assert.deepStrictEqual(f.loggingConfig, { logFormat: "Text", logGroup: "authz-logs" });
        // The code is the bundle built by `npm run build -w authorizer-fn`.
        const assets = await f.code.assets;
        assert.deepStrictEqual(Object.keys(assets), ["index.js"]);
        assert.strictEqual(path.resolve(await assets["index.js"].path), path.resolve(__dirname, "../../authorizer-fn/dist/index.js"));

        assert.strictEqual(named(resources, "authz-logs").inputs.retentionInDays, 30);
        const trust = JSON.parse(named(resources, "authz-role").inputs.assumeRolePolicy);
        assert.deepStrictEqual(trust.Statement, [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
        assert.strictEqual(named(resources, "authz-role").inputs.managedPolicyArns, undefined, "no managed policies");
        const policy = JSON.parse(named(resources, "authz-logs-policy").inputs.policy);
        assert.deepStrictEqual(policy.Statement, [
            { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:authz-logs:*`] },
        ]);

        assert.strictEqual(await value(fn.functionArn), `arn:aws:lambda:us-east-1:${ACCOUNT}:function:authz`);
        assert.match(await value(fn.invokeArn), /function:authz\/invocations$/);
        assert.strictEqual(await value(fn.routeScoped), false);
        assert.strictEqual(await value(fn.function.arn), await value(fn.functionArn));
    });

    it("maps every typed argument to the authorizer's environment and reports route-scoped decisions", async () => {
        const { result: fn, resources } = await build(
            () =>
                new JwtAuthorizerFunction("authz", {
                    issuer: "https://auth.example.com/",
                    audiences: ["a", "b"],
                    jwksUri: "https://auth.example.com/.well-known/jwks.json",
                    algorithms: ["RS256", "ES256"],
                    clockToleranceSeconds: 10,
                    requiredClaims: ["exp", "iat", "sub", "tenant"],
                    routeScopes: { "GET /pets": ["pets:read"], "*": ["api"] },
                    tokenSources: ["header:Authorization", "query:token"],
                    httpResponse: "iam",
                    tokenUse: "access",
                    runtime: "nodejs24.x",
                    architecture: "x86_64",
                    memorySize: 512,
                    timeoutSeconds: 8,
                    logRetentionDays: 90,
                }),
        );
        const f = named(resources, "authz").inputs;
        assert.deepStrictEqual(f.environment.variables, {
            AUTH_ISSUER: "https://auth.example.com/",
            AUTH_AUDIENCE: "a,b",
            AUTH_JWKS_URI: "https://auth.example.com/.well-known/jwks.json",
            AUTH_ALGORITHMS: "RS256,ES256",
            AUTH_CLOCK_TOLERANCE_SECONDS: "10",
            AUTH_REQUIRED_CLAIMS: "exp,iat,sub,tenant",
            AUTH_SCOPES: JSON.stringify({ "GET /pets": ["pets:read"], "*": ["api"] }),
            AUTH_TOKEN_SOURCE: "header:Authorization,query:token",
            AUTH_HTTP_RESPONSE: "iam",
            AUTH_TOKEN_USE: "access",
        });
        assert.deepStrictEqual([f.runtime, f.architectures, f.memorySize, f.timeout], ["nodejs24.x", ["x86_64"], 512, 8]);
        assert.strictEqual(named(resources, "authz-logs").inputs.retentionInDays, 90);
        assert.strictEqual(await value(fn.routeScoped), true);
    });

    it("accepts an issuer and audiences known only at deployment (e.g. a new Cognito pool and app client)", async () => {
        const issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1";
        const { resources } = await build(() => new JwtAuthorizerFunction("authz", { issuer: pulumi.output(issuer), audiences: [pulumi.output("client-1"), "b"] }));
        const env = named(resources, "authz").inputs.environment.variables;
        assert.deepStrictEqual([env.AUTH_ISSUER, env.AUTH_AUDIENCE], [issuer, "client-1,b"]);
    });

    it("accepts the shortest timeout that covers the configuration's worst case (4 s with discovery, 2 s with a JWKS URL)", async () => {
        const withDiscovery = await build(() => new JwtAuthorizerFunction("authz", { ...BASE, timeoutSeconds: 4 }));
        assert.strictEqual(named(withDiscovery.resources, "authz").inputs.timeout, 4);
        const withUrl = await build(() => new JwtAuthorizerFunction("authz", { ...BASE, jwksUri: "https://auth.example.com/jwks.json", timeoutSeconds: 2 }));
        assert.strictEqual(named(withUrl.resources, "authz").inputs.timeout, 2);
    });

    describe("refuses at preview what the authorizer would refuse at cold start (it would then deny every request)", () => {
        const cases: [string, Partial<JwtAuthorizerFunctionArgs>, RegExp][] = [
            ["an http issuer", { issuer: "http://auth.example.com" }, /issuer: must use https:\/\//],
            ["no issuer", { issuer: undefined }, /issuer: is required/],
            ["no audiences", { audiences: [] }, /audiences: /],
            ["a symmetric algorithm", { algorithms: ["HS256"] }, /algorithms: must not include 'none' or symmetric HS\* algorithms/],
            ["alg none", { algorithms: ["none"] }, /algorithms: /],
            ["too much clock tolerance", { clockToleranceSeconds: 600 }, /clockToleranceSeconds: must be between 0 and 60/],
            ["a bad route in routeScopes", { routeScopes: { "FETCH /x": ["a"] } }, /routeScopes: has a route key with an unknown verb/],
            ["scopes with ID tokens", { routeScopes: { "*": ["a"] }, tokenUse: "id" }, /routeScopes: cannot be combined with AUTH_TOKEN_USE=id/],
            ["a bad token source", { tokenSources: ["cookie:session"] }, /tokenSources: entries must look like 'header:<Name>' or 'query:<name>'/],
            ["an http JWKS URL", { jwksUri: "http://keys.example.com/jwks.json" }, /jwksUri: must use https:\/\//],
            ["an old runtime", { runtime: "nodejs18.x" }, /runtime: "nodejs18.x" is not a supported Node.js Lambda runtime/],
            ["an unknown architecture", { architecture: "riscv" }, /architecture: must be "arm64" or "x86_64"/],
            ["a timeout above API Gateway's limit", { timeoutSeconds: 30 }, /timeoutSeconds: must be 1-10 seconds/],
            [
                "a timeout shorter than the worst case with OIDC discovery (3000 ms + 500 ms)",
                { timeoutSeconds: 3 },
                /timeoutSeconds: must be at least 4 s for this configuration: a cold start may wait 3000 ms for the identity provider \(OIDC discovery \+ key set\) plus 500 ms to answer/,
            ],
            [
                "a timeout shorter than the worst case with a JWKS URL (1500 ms + 500 ms)",
                { timeoutSeconds: 1, jwksUri: "https://auth.example.com/jwks.json" },
                /timeoutSeconds: must be at least 2 s for this configuration: a cold start may wait 1500 ms for the identity provider \(key set\)/,
            ],
            ["an unsupported retention", { logRetentionDays: 31 }, /logRetentionDays: must be one of/],
            ["a missing bundle", { codePath: "/nonexistent/index.js" }, /codePath: \/nonexistent\/index.js does not exist: build the authorizer with `npm run build -w authorizer-fn`/],
        ];
        for (const [what, extra, expected] of cases) {
            it(what, async () => {
                const { resources } = await build(() => {
                    const message = errorOf(() => new JwtAuthorizerFunction("authz", { ...BASE, ...extra } as JwtAuthorizerFunctionArgs));
                    assert.match(message, expected);
                    assert.match(message, /^JwtAuthorizerFunction "authz": /);
                });
                assert.strictEqual(resources.length, 0);
            });
        }
    });
});
