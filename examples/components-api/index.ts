// components-api: the orders APIs of examples/secure-api, built with the authguard components. Every route states
// how it is protected; the components create the authorizers, the scoped Lambda permissions, CORS preflight handling,
// the resource policy and the deployment. `authguard check examples/components-api --policy-pack-config
// examples/components-api/policy-config.json` reports nothing (tests assert it, in preview and up modes); the config
// file lists the two deliberately public routes, exactly as the components' `publicRoutes` outputs give them.

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { JwtAuthorizerFunction, SecureHttpApi, SecureRestApi, SecureWebSocketApi } from "../../components";

const config = new pulumi.Config();
const issuer = config.get("issuer") ?? "https://auth.example.com/";
const audience = config.get("audience") ?? "orders-api";
const userPoolArn = config.get("userPoolArn") ?? "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Orders01";
const userPoolClientId = config.get("userPoolClientId") ?? "4hcm0examplec1ient1d0rders";
const vpcEndpointId = config.get("vpcEndpointId") ?? "vpce-0a1b2c3d4e5f67890";
const partnerAccount = config.get("partnerAccount") ?? "210987654321";

// ---------------------------------------------------------------------------------------------------------------
// Handlers: one small function per concern (the components never need more than a reference).

const role = new aws.iam.Role("orders-handler-role", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});
new aws.iam.RolePolicyAttachment("orders-handler-logs", { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole });

function handler(name: string, body: string): aws.lambda.Function {
    return new aws.lambda.Function(name, {
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        role: role.arn,
        code: new pulumi.asset.AssetArchive({
            "index.js": new pulumi.asset.StringAsset(`exports.handler = async () => ({ statusCode: 200, body: ${JSON.stringify(body)} });`),
        }),
    });
}

const listOrders = handler("list-orders", "[]");
const createOrder = handler("create-order", "{}");
const getOrder = handler("get-order", "{}");
const report = handler("orders-report", "report");
const health = handler("health", "ok");
const chat = handler("chat", "");

// The bundled fail-closed JWT authorizer (authorizer-fn). It checks per-route scopes itself, so the APIs key its
// cached decisions on the route (routeScoped, the default).
const jwtAuthorizer = new JwtAuthorizerFunction("orders-authorizer", {
    issuer,
    audiences: [audience],
    routeScopes: { "POST /orders": ["orders:write"], "GET /orders/{id}": ["orders:read"] },
});
// The same function for WebSocket clients, which cannot set headers: the token travels in the query string.
const wsAuthorizer = new JwtAuthorizerFunction("chat-authorizer", {
    issuer,
    audiences: [audience],
    tokenSources: ["query:token"],
});

// ---------------------------------------------------------------------------------------------------------------
// HTTP API: JWT (built-in authorizer), the bundled Lambda authorizer, IAM, and one public health check.

export const http = new SecureHttpApi("orders-http", {
    handlers: { listOrders, createOrder, getOrder, report, health, authorizer: jwtAuthorizer.function },
    authorizers: {
        jwt: { type: "jwt", issuer, audiences: [audience] },
        bundled: { type: "lambda", handler: "authorizer" },
    },
    defaultAuth: "jwt",
    cors: { allowOrigins: ["https://shop.example.com"] },
    routes: {
        "GET /orders": { handler: "listOrders", scopes: ["orders:read"] },
        "POST /orders": { handler: "createOrder", auth: "bundled" },
        "GET /orders/{id}": { handler: "getOrder", auth: "bundled" },
        "GET /reports/daily": { handler: "report", auth: "iam" },
        "GET /health": { handler: "health", auth: "public", publicReason: "load balancer health check" },
    },
});

// ---------------------------------------------------------------------------------------------------------------
// REST API: Cognito, the bundled Lambda authorizer (REQUEST), IAM, an API key on top of authorization for the
// partner feed, and one public status page.

export const rest = new SecureRestApi("orders-rest", {
    handlers: { listOrders, createOrder, getOrder, report, health, authorizer: jwtAuthorizer.function },
    authorizers: {
        cognito: { type: "cognito", userPoolArn },
        bundled: { type: "lambda", handler: "authorizer" },
    },
    defaultAuth: "cognito",
    cors: { allowOrigins: ["https://shop.example.com", "https://admin.example.com"] },
    routes: {
        "GET /orders": { handler: "listOrders", scopes: ["orders/read"] },
        "POST /orders": { handler: "createOrder", auth: "bundled" },
        "GET /orders/{id}": { handler: "getOrder", auth: "bundled" },
        "GET /partner/feed": { handler: "listOrders", auth: "bundled", apiKeyRequired: true },
        "GET /reports/daily": { handler: "report", auth: "iam" },
        "GET /status": { handler: "health", auth: "public", publicReason: "status page for the partner portal" },
    },
    apiKeys: { keys: ["partner-a"], throttleRateLimit: 20, throttleBurstLimit: 40, quotaLimit: 100000 },
});

// ---------------------------------------------------------------------------------------------------------------
// Private REST API: reachable only through one VPC endpoint, callable only by this and a partner account, IAM-signed.

export const internal = new SecureRestApi("orders-internal", {
    endpointType: "PRIVATE",
    vpcEndpointIds: [vpcEndpointId],
    resourcePolicy: { allowAccounts: [aws.getCallerIdentityOutput().accountId, partnerAccount] },
    handlers: { report, getOrder },
    defaultAuth: "iam",
    routes: {
        "GET /reports/daily": { handler: "report" },
        "GET /orders/{id}": { handler: "getOrder" },
    },
});

// ---------------------------------------------------------------------------------------------------------------
// WebSocket API: $connect is authorized by the bundled authorizer; the other routes run on the accepted connection.

export const ws = new SecureWebSocketApi("chat", {
    handlers: { chat, authorizer: wsAuthorizer.function },
    authorizers: { bundled: { type: "lambda", handler: "authorizer", tokenQueryParameter: "token" } },
    routes: {
        $connect: { handler: "chat", auth: "bundled" },
        $disconnect: { handler: "chat" },
        $default: { handler: "chat" },
        sendMessage: { handler: "chat" },
    },
});

export const urls = { http: http.url, rest: rest.url, internal: internal.url, ws: ws.url };
export const publicRoutes = { http: http.publicRoutes, rest: rest.publicRoutes };
