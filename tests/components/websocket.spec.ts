import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { SecureWebSocketApi, SecureWebSocketApiArgs } from "../../components";
import { ACCOUNT, build, errorOf, inventory, lambda, named, ofType, value } from "../kit/components";

function args(f: { [k: string]: aws.lambda.Function }, extra: Partial<SecureWebSocketApiArgs> = {}): SecureWebSocketApiArgs {
    return {
        handlers: f,
        authorizers: { bundled: { type: "lambda", handler: "auth", tokenQueryParameter: "token" } },
        routes: {
            $connect: { handler: "chat", auth: "bundled" },
            $disconnect: { handler: "chat" },
            $default: { handler: "chat" },
            sendMessage: { handler: "chat" },
        },
        ...extra,
    };
}

describe("SecureWebSocketApi", () => {
    it("authorizes $connect with a Lambda REQUEST authorizer, writes NONE on the other routes, and deploys a stage", async () => {
        const { result: api, resources } = await build(() => new SecureWebSocketApi("chat", args({ chat: lambda("chat"), auth: lambda("auth") })));
        const exec = `arn:aws:execute-api:us-east-1:${ACCOUNT}:chat-id`;
        assert.deepStrictEqual(
            inventory(resources).filter((r) => !r.startsWith("aws:lambda/function:")),
            [
                "authguard-components:index:SecureWebSocketApi chat",
                "aws:apigatewayv2/api:Api chat",
                "aws:apigatewayv2/authorizer:Authorizer chat-authorizer-bundled",
                "aws:lambda/permission:Permission chat-authorizer-bundled-invoke",
                ...["connect", "disconnect", "default", "sendMessage"].flatMap((s) => [
                    `aws:apigatewayv2/integration:Integration chat-integration-${s}`,
                    `aws:apigatewayv2/route:Route chat-route-${s}`,
                    `aws:lambda/permission:Permission chat-invoke-${s}`,
                ]),
                "aws:apigatewayv2/deployment:Deployment chat-deployment",
                "aws:apigatewayv2/stage:Stage chat-stage",
            ].sort(),
        );
        const apiRes = named(resources, "chat").inputs;
        assert.deepStrictEqual([apiRes.protocolType, apiRes.routeSelectionExpression, apiRes.disableExecuteApiEndpoint], ["WEBSOCKET", "$request.body.action", false]);
        const authorizer = named(resources, "chat-authorizer-bundled").inputs;
        assert.deepStrictEqual(
            [authorizer.authorizerType, authorizer.identitySources, authorizer.authorizerResultTtlInSeconds, authorizer.authorizerPayloadFormatVersion],
            ["REQUEST", ["route.request.querystring.token"], undefined, undefined],
        );
        const routes = Object.fromEntries(ofType(resources, "aws:apigatewayv2/route:Route").map((r) => [r.inputs.routeKey, [r.inputs.authorizationType, r.inputs.authorizerId ?? null]]));
        assert.deepStrictEqual(routes, {
            $connect: ["CUSTOM", "chat-authorizer-bundled-id"],
            $disconnect: ["NONE", null],
            $default: ["NONE", null],
            sendMessage: ["NONE", null],
        });
        const perms = Object.fromEntries(ofType(resources, "aws:lambda/permission:Permission").map((p) => [p.name, p.inputs.sourceArn]));
        assert.deepStrictEqual(perms, {
            "chat-authorizer-bundled-invoke": `${exec}/authorizers/chat-authorizer-bundled-id`,
            "chat-invoke-connect": `${exec}/live/$connect`,
            "chat-invoke-disconnect": `${exec}/live/$disconnect`,
            "chat-invoke-default": `${exec}/live/$default`,
            "chat-invoke-sendMessage": `${exec}/live/sendMessage`,
        });
        const stage = named(resources, "chat-stage").inputs;
        assert.deepStrictEqual([stage.name, stage.deploymentId], ["live", "chat-deployment-id"]);
        assert.match(named(resources, "chat-deployment").inputs.triggers.redeployment, /^[0-9a-f]{64}$/);

        assert.deepStrictEqual(await value(api.routeAuth), {
            $connect: { kind: "lambda", authorizationType: "CUSTOM", authorizer: "bundled" },
            $disconnect: { kind: "connection", authorizationType: "NONE" },
            $default: { kind: "connection", authorizationType: "NONE" },
            sendMessage: { kind: "connection", authorizationType: "NONE" },
        });
        assert.deepStrictEqual(await value(api.publicRoutes), []);
        assert.strictEqual(await value(api.manageConnectionsArn), `${exec}/live/POST/@connections/*`);
    });

    it("supports IAM on $connect and reports the ARN callers must be allowed", async () => {
        const { result: api, resources } = await build(() => new SecureWebSocketApi("iam", { handlers: { chat: lambda("chat") }, routes: { $connect: { handler: "chat", auth: "iam" }, $default: { handler: "chat" } } }));
        assert.strictEqual(ofType(resources, "aws:apigatewayv2/route:Route").find((r) => r.inputs.routeKey === "$connect")!.inputs.authorizationType, "AWS_IAM");
        assert.deepStrictEqual(await value(api.iamRouteArns), { $connect: `arn:aws:execute-api:us-east-1:${ACCOUNT}:iam-id/live/$connect` });
    });

    it("redeploys when $connect's protection changes", async () => {
        const trigger = async (connect: SecureWebSocketApiArgs["routes"][string]) => {
            const { resources } = await build(() => new SecureWebSocketApi("w", args({ chat: lambda("chat"), auth: lambda("auth") }, { routes: { $connect: connect, $default: { handler: "chat" } } })));
            return named(resources, "w-deployment").inputs.triggers.redeployment as string;
        };
        const protectedHash = await trigger({ handler: "chat", auth: "bundled" });
        assert.strictEqual(await trigger({ handler: "chat", auth: "bundled" }), protectedHash);
        assert.notStrictEqual(await trigger({ handler: "chat", auth: "public", publicReason: "open lobby" }), protectedHash);
    });

    describe("refuses at preview", () => {
        let f: { [k: string]: aws.lambda.Function };
        before(async () => {
            ({ result: f } = await build(() => ({ chat: lambda("chat"), auth: lambda("auth") })));
        });
        const cases: [string, () => SecureWebSocketApiArgs, RegExp][] = [
            ["an API without $connect", () => ({ handlers: f, routes: { $default: { handler: "chat" } } }), /routes: needs a \$connect route/],
            ["$connect without an auth decision", () => ({ handlers: f, routes: { $connect: { handler: "chat" } } }), /route "\$connect": has no auth decision/],
            ["a public $connect without a reason", () => ({ handlers: f, routes: { $connect: { handler: "chat", auth: "public" } } }), /route "\$connect": is public but has no publicReason/],
            ["an authorizer on another route", () => ({ ...args(f), routes: { ...args(f).routes, sendMessage: { handler: "chat", auth: "bundled" } } }), /route "sendMessage": only \$connect is authorized on a WebSocket API/],
            ["IAM on another route", () => ({ ...args(f), routes: { ...args(f).routes, $default: { handler: "chat", auth: "iam" } } }), /route "\$default": only \$connect is authorized/],
            ["a JWT authorizer", () => ({ ...args(f), authorizers: { j: { type: "jwt", issuer: "https://a.example", audiences: ["a"] } } }), /authorizer "j": WebSocket APIs authorize \$connect with a Lambda REQUEST authorizer or "iam"/],
            ["a cache TTL", () => ({ ...args(f), authorizers: { bundled: { type: "lambda", handler: "auth", resultTtlSeconds: 60 } } }), /WebSocket APIs do not cache authorizer results/],
            ["scopes on $connect", () => ({ ...args(f), routes: { $connect: { handler: "chat", auth: "bundled", scopes: ["chat"] } } }), /does not apply scopes for Lambda authorizer/],
            ["a resource policy", () => ({ ...args(f), resourcePolicy: {} } as never), /resourcePolicy: is not supported on WebSocket APIs/],
            ["a bad route key", () => ({ ...args(f), routes: { ...args(f).routes, "send message": { handler: "chat" } } }), /route "send message": is not a WebSocket route key/],
            ["authorizers given as a list", () => ({ ...args(f), authorizers: [{ type: "lambda", handler: "auth" }] as never }), /authorizers: must be a map/],
        ];
        for (const [what, make, expected] of cases) {
            it(what, async () => {
                const { resources } = await build(() => {
                    const message = errorOf(() => new SecureWebSocketApi("bad", make()));
                    assert.match(message, expected);
                    assert.match(message, /^SecureWebSocketApi "bad": /);
                });
                assert.strictEqual(resources.length, 0);
            });
        }
    });
});
