// The authguard demo program (examples/demo). It builds, with the secure components:
//   - an HTTP API: Cognito-issued JWTs (built-in JWT authorizer), the bundled Lambda authorizer and IAM;
//   - a REST API: Cognito user pool, the bundled Lambda authorizer (REQUEST), IAM, an API key on top of authorization;
//   - a WebSocket API whose $connect is authorized by the bundled authorizer;
//   - a private REST API reachable only through an interface VPC endpoint, restricted by its resource policy, IAM-signed.
// `pulumi preview --policy-pack ../../policypack` here (or offline, from the repository root:
// `npx authguard check examples/demo`) reports no mandatory violation. Deliberately public routes (`auth: "public"`
// with a `publicReason`) also need an entry in the pack's `publicRoutes` allowlist: examples/components-api shows
// both, with its policy-config.json.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { JwtAuthorizerFunction, SecureHttpApi, SecureRestApi, SecureWebSocketApi } from "../../components";

const region = aws.getRegionOutput().region;
const partition = aws.getPartitionOutput();

// Identity: a Cognito user pool issues the tokens; the web client's id is the audience.
const pool = new aws.cognito.UserPool("demo-users", { mfaConfiguration: "OPTIONAL", softwareTokenMfaConfiguration: { enabled: true } });
const webClient = new aws.cognito.UserPoolClient("demo-web", { userPoolId: pool.id, generateSecret: false });
const issuer = pulumi.interpolate`https://${pool.endpoint}`;

// Handlers.
const role = new aws.iam.Role("demo-handler-role", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});
new aws.iam.RolePolicyAttachment("demo-handler-logs", { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole });
const handler = (name: string, body: string) =>
    new aws.lambda.Function(name, {
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        role: role.arn,
        code: new pulumi.asset.AssetArchive({
            "index.js": new pulumi.asset.StringAsset(`exports.handler = async () => ({ statusCode: 200, body: ${JSON.stringify(body)} });`),
        }),
    });
const orders = handler("demo-orders", "[]");
const admin = handler("demo-admin", "report");
const chat = handler("demo-chat", "");

// The bundled fail-closed JWT authorizer: per-route scopes, so the APIs key its cached decisions on the route.
const authorizer = new JwtAuthorizerFunction("demo-authorizer", {
    issuer,
    audiences: [webClient.id],
    routeScopes: { "POST /orders": ["aws.cognito.signin.user.admin"] },
});
const wsAuthorizer = new JwtAuthorizerFunction("demo-ws-authorizer", { issuer, audiences: [webClient.id], tokenSources: ["query:token"] });

export const httpApi = new SecureHttpApi("demo-http", {
    handlers: { orders, admin, authorizer: authorizer.function },
    authorizers: {
        cognito: { type: "cognito", userPoolArn: pool.arn, audiences: [webClient.id] },
        bundled: { type: "lambda", handler: "authorizer" },
    },
    defaultAuth: "cognito",
    cors: { allowOrigins: ["https://shop.example.com"] },
    routes: {
        "GET /orders": { handler: "orders" },
        "POST /orders": { handler: "orders", auth: "bundled" },
        "GET /admin/report": { handler: "admin", auth: "iam" },
    },
});

export const restApi = new SecureRestApi("demo-rest", {
    handlers: { orders, admin, authorizer: authorizer.function },
    authorizers: {
        cognito: { type: "cognito", userPoolArn: pool.arn },
        bundled: { type: "lambda", handler: "authorizer" },
    },
    defaultAuth: "cognito",
    routes: {
        "GET /orders": { handler: "orders", scopes: ["aws.cognito.signin.user.admin"] },
        "POST /orders": { handler: "orders", auth: "bundled" },
        "GET /partner/orders": { handler: "orders", auth: "bundled", apiKeyRequired: true },
        "GET /admin/report": { handler: "admin", auth: "iam" },
    },
    apiKeys: { keys: ["partner"], throttleRateLimit: 10, throttleBurstLimit: 20 },
});

export const webSocketApi = new SecureWebSocketApi("demo-ws", {
    handlers: { chat, authorizer: wsAuthorizer.function },
    authorizers: { bundled: { type: "lambda", handler: "authorizer", tokenQueryParameter: "token" } },
    routes: {
        $connect: { handler: "chat", auth: "bundled" },
        $disconnect: { handler: "chat" },
        $default: { handler: "chat" },
    },
});

// A private REST API: an interface endpoint for execute-api in a small VPC, and the API admits only requests through it
// from this account, signed with SigV4.
const vpc = new aws.ec2.Vpc("demo-vpc", { cidrBlock: "10.20.0.0/16", enableDnsHostnames: true, enableDnsSupport: true });
const subnet = new aws.ec2.Subnet("demo-private", { vpcId: vpc.id, cidrBlock: "10.20.1.0/24" });
const endpointSg = new aws.ec2.SecurityGroup("demo-execute-api-endpoint", {
    vpcId: vpc.id,
    description: "HTTPS to API Gateway from inside the VPC",
    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16"] }],
});
const endpoint = new aws.ec2.VpcEndpoint("demo-execute-api", {
    vpcId: vpc.id,
    serviceName: pulumi.interpolate`${partition.reverseDnsPrefix}.${region}.execute-api`,
    vpcEndpointType: "Interface",
    privateDnsEnabled: true,
    subnetIds: [subnet.id],
    securityGroupIds: [endpointSg.id],
});

export const privateApi = new SecureRestApi("demo-private", {
    endpointType: "PRIVATE",
    vpcEndpointIds: [endpoint.id],
    resourcePolicy: { allowAccounts: [aws.getCallerIdentityOutput().accountId] },
    handlers: { admin },
    defaultAuth: "iam",
    routes: { "GET /admin/report": { handler: "admin" } },
});

export const urls = { http: httpApi.url, rest: restApi.url, webSocket: webSocketApi.url, private: privateApi.url };
export const iamRouteArns = { http: httpApi.iamRouteArns, rest: restApi.iamRouteArns, private: privateApi.iamRouteArns };
