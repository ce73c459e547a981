// insecure-api: a deliberately broken API. Every pitfall authguard knows appears here once, commented with the
// policy that must catch it; `authguard check examples/insecure-api` must report each of them (tests assert the
// exact set). Never deploy this program.
//
// The supporting resources (Lambda handler, role, integrations) are done right so that the findings are exactly the
// pitfalls below and nothing else.

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// ---------------------------------------------------------------------------------------------------------------
// Shared: one Lambda handler behind every API.

const assumeLambda = aws.iam.getPolicyDocumentOutput({
    statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }],
});
const role = new aws.iam.Role("handler-role", { assumeRolePolicy: assumeLambda.json });
new aws.iam.RolePolicyAttachment("handler-logs", {
    role: role.name,
    policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole,
});
const handler = new aws.lambda.Function("handler", {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({
        "index.js": new pulumi.asset.StringAsset(`exports.handler = async () => ({ statusCode: 200, body: "ok" });`),
    }),
});

// ---------------------------------------------------------------------------------------------------------------
// REST API (API Gateway v1).

const rest = new aws.apigateway.RestApi("orders-rest", { endpointConfiguration: { types: "REGIONAL" } });
const orders = new aws.apigateway.Resource("orders", { restApi: rest.id, parentId: rest.rootResourceId, pathPart: "orders" });

// PITFALL: a REST method anyone can call.
// Caught by: apigw-method-requires-authorization
const listOrders = new aws.apigateway.Method("orders-get", {
    restApi: rest.id,
    resourceId: orders.id,
    httpMethod: "GET",
    authorization: "NONE",
});

// PITFALL: an API key is not authentication (keys are for usage plans; they travel in clear headers and get shared).
// Caught by: apigw-method-requires-authorization (unless its config sets allowApiKeyOnly: true)
// PITFALL: and no usage plan includes the stage, so API Gateway refuses every key.
// Caught by: apigw-api-key-hygiene (advisory, on the stage)
const createOrder = new aws.apigateway.Method("orders-post", {
    restApi: rest.id,
    resourceId: orders.id,
    httpMethod: "POST",
    authorization: "NONE",
    apiKeyRequired: true,
});

// A Lambda TOKEN authorizer for the REST API (its function denies everything: the pitfalls are in the wiring).
const tokenAuthorizerFn = new aws.lambda.Function("token-authorizer", {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({
        "index.js": new pulumi.asset.StringAsset(`exports.handler = async () => { throw new Error("Unauthorized"); };`),
    }),
});

// PITFALL: a Lambda authorizer with no aws.lambda.Permission letting API Gateway invoke its function: every request
// to the methods that use it fails with 500 Internal Server Error.
// Caught by: apigw-lambda-authorizer-permission (on the Authorizer)
// PITFALL: it caches each answer for the default 300 s keyed by the token alone, and two methods share it: the answer
// computed for one method is reused on the other.
// Caught by: apigw-authorizer-cache-safety (advisory, on the Authorizer)
const tokenAuthorizer = new aws.apigateway.Authorizer("orders-token", {
    restApi: rest.id,
    type: "TOKEN",
    authorizerUri: tokenAuthorizerFn.invokeArn,
    identitySource: "method.request.header.Authorization",
});
const updateOrder = new aws.apigateway.Method("orders-put", {
    restApi: rest.id,
    resourceId: orders.id,
    httpMethod: "PUT",
    authorization: "CUSTOM",
    authorizerId: tokenAuthorizer.id,
});
const patchOrder = new aws.apigateway.Method("orders-patch", {
    restApi: rest.id,
    resourceId: orders.id,
    httpMethod: "PATCH",
    authorization: "CUSTOM",
    authorizerId: tokenAuthorizer.id,
});

// PITFALL: COGNITO_USER_POOLS authorization pointing at a Lambda TOKEN authorizer: the types disagree.
// Caught by: apigw-authorizer-wiring
const deleteOrder = new aws.apigateway.Method("orders-delete", {
    restApi: rest.id,
    resourceId: orders.id,
    httpMethod: "DELETE",
    authorization: "COGNITO_USER_POOLS",
    authorizerId: tokenAuthorizer.id,
});

const restIntegrations = [listOrders, createOrder, updateOrder, patchOrder, deleteOrder].map(
    (method, i) =>
        new aws.apigateway.Integration(`orders-integration-${i}`, {
            restApi: rest.id,
            resourceId: orders.id,
            httpMethod: method.httpMethod,
            type: "AWS_PROXY",
            integrationHttpMethod: "POST",
            uri: handler.invokeArn,
        }),
);
const deployment = new aws.apigateway.Deployment(
    "orders-deployment",
    { restApi: rest.id, triggers: { redeploy: "1" } },
    { dependsOn: restIntegrations },
);
new aws.apigateway.Stage("orders-prod", { restApi: rest.id, deployment: deployment.id, stageName: "prod" });
new aws.lambda.Permission("rest-invoke", {
    action: "lambda:InvokeFunction",
    function: handler.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${rest.executionArn}/*/*`,
});

// ---------------------------------------------------------------------------------------------------------------
// HTTP API (API Gateway v2).

const http = new aws.apigatewayv2.Api("items-http", { protocolType: "HTTP" });
const httpIntegration = new aws.apigatewayv2.Integration("items-integration", {
    apiId: http.id,
    integrationType: "AWS_PROXY",
    integrationUri: handler.arn,
    payloadFormatVersion: "2.0",
});
const httpTarget = pulumi.interpolate`integrations/${httpIntegration.id}`;

// PITFALL: a JWT authorizer whose issuer is not an https:// URL (a user pool's `endpoint` output has no scheme, so it
// never equals a token's `iss`) and whose audience is a wildcard instead of the app client ids.
// Caught by: apigw-jwt-authorizer-config (on the Authorizer)
const itemsJwt = new aws.apigatewayv2.Authorizer("items-jwt", {
    apiId: http.id,
    authorizerType: "JWT",
    identitySources: ["$request.header.Authorization"],
    jwtConfiguration: { issuer: "cognito-idp.us-east-1.amazonaws.com/us-east-1_EXAMPLE", audiences: ["*"] },
});
new aws.apigatewayv2.Route("items-put", { apiId: http.id, routeKey: "PUT /items", authorizationType: "JWT", authorizerId: itemsJwt.id, target: httpTarget });

// PITFALL: authorization scopes on an IAM route: API Gateway only enforces scopes with a JWT authorizer, so every
// IAM-signed caller gets in whatever the scopes say.
// Caught by: apigw-ineffective-route-auth (advisory)
new aws.apigatewayv2.Route("items-delete", {
    apiId: http.id,
    routeKey: "DELETE /items",
    authorizationType: "AWS_IAM",
    authorizationScopes: ["items/admin"],
    target: httpTarget,
});

// PITFALL: an HTTP route with authorization type NONE.
// Caught by: apigw-route-requires-authorization
new aws.apigatewayv2.Route("items-get", { apiId: http.id, routeKey: "GET /items", authorizationType: "NONE", target: httpTarget });

// PITFALL: an HTTP route that leaves authorizationType out: it defaults to NONE.
// Caught by: apigw-route-requires-authorization
new aws.apigatewayv2.Route("items-post", { apiId: http.id, routeKey: "POST /items", target: httpTarget });

// PITFALL: the $default catch-all route of an HTTP API needs authorization like any other route.
// Caught by: apigw-route-requires-authorization
new aws.apigatewayv2.Route("items-default", { apiId: http.id, routeKey: "$default", target: httpTarget });

new aws.apigatewayv2.Stage("items-stage", { apiId: http.id, name: "$default", autoDeploy: true });
new aws.lambda.Permission("http-invoke", {
    action: "lambda:InvokeFunction",
    function: handler.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${http.executionArn}/*/*`,
});

// ---------------------------------------------------------------------------------------------------------------
// WebSocket API: only $connect can carry authorization, so it must.

const ws = new aws.apigatewayv2.Api("chat-ws", { protocolType: "WEBSOCKET", routeSelectionExpression: "$request.body.action" });
const wsIntegration = new aws.apigatewayv2.Integration("chat-integration", {
    apiId: ws.id,
    integrationType: "AWS_PROXY",
    integrationUri: handler.invokeArn,
});
const wsTarget = pulumi.interpolate`integrations/${wsIntegration.id}`;

// PITFALL: a WebSocket $connect route without authorization lets anyone open a connection.
// Caught by: apigw-route-requires-authorization
new aws.apigatewayv2.Route("chat-connect", { apiId: ws.id, routeKey: "$connect", authorizationType: "NONE", target: wsTarget });

// Not a pitfall: WebSocket routes other than $connect cannot carry authorization (the connection is authorized once).
new aws.apigatewayv2.Route("chat-message", { apiId: ws.id, routeKey: "sendmessage", target: wsTarget });
new aws.apigatewayv2.Stage("chat-stage", { apiId: ws.id, name: "prod", autoDeploy: true });
new aws.lambda.Permission("ws-invoke", {
    action: "lambda:InvokeFunction",
    function: handler.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${ws.executionArn}/*/*`,
});

// ---------------------------------------------------------------------------------------------------------------
// Invoke permissions.

// PITFALL: the audit API's Lambda integration calls a function whose only permission is scoped to another API
// (items-http): API Gateway may not invoke it from audit-http, and every request answers 500.
// Caught by: apigw-lambda-integration-permission (on the Integration)
const auditFn = new aws.lambda.Function("audit-handler", {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({
        "index.js": new pulumi.asset.StringAsset(`exports.handler = async () => ({ statusCode: 200, body: "[]" });`),
    }),
});
const audit = new aws.apigatewayv2.Api("audit-http", { protocolType: "HTTP" });
const auditIntegration = new aws.apigatewayv2.Integration("audit-integration", {
    apiId: audit.id,
    integrationType: "AWS_PROXY",
    integrationUri: auditFn.arn,
    payloadFormatVersion: "2.0",
});
new aws.apigatewayv2.Route("audit-get", {
    apiId: audit.id,
    routeKey: "GET /audit",
    authorizationType: "AWS_IAM",
    target: pulumi.interpolate`integrations/${auditIntegration.id}`,
});
new aws.apigatewayv2.Stage("audit-stage", { apiId: audit.id, name: "$default", autoDeploy: true });
new aws.lambda.Permission("audit-invoke", {
    action: "lambda:InvokeFunction",
    function: auditFn.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${http.executionArn}/*/*`,
});

// PITFALL: a permission that lets any API Gateway API, in any account, invoke a function (confused deputy): whoever
// points an API of their own at it reaches it without this stack's authorization.
// Caught by: lambda-permission-scoped-source-arn (on the Permission)
const webhookFn = new aws.lambda.Function("legacy-webhook", {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({
        "index.js": new pulumi.asset.StringAsset(`exports.handler = async () => ({ statusCode: 204 });`),
    }),
});
new aws.lambda.Permission("webhook-any-api", {
    action: "lambda:InvokeFunction",
    function: webhookFn.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: "arn:aws:execute-api:*:*:*",
});

// ---------------------------------------------------------------------------------------------------------------
// Quick create.

// PITFALL: `target` on an HTTP API is "quick create": API Gateway adds an unauthenticated $default route and
// integration that no Route resource shows.
// Caught by: apigw-http-api-quick-create
const quick = new aws.apigatewayv2.Api("quick-http", { protocolType: "HTTP", target: handler.arn });
new aws.lambda.Permission("quick-invoke", {
    action: "lambda:InvokeFunction",
    function: handler.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${quick.executionArn}/*/*`,
});

// ---------------------------------------------------------------------------------------------------------------
// Exposure: OpenAPI bodies, resource policies, custom domains, API keys and function URLs.

// PITFALL: a REST API defined by an OpenAPI body (as @pulumi/aws-apigateway, awsx and hand-written specs build them)
// creates its methods inside API Gateway, with no Method resource for the method policy to see. The root requires
// IAM, but POST /reports drops it with `security: []`, and ANY /exports/{proxy+} asks only for an API key.
// Caught by: apigw-openapi-requires-authorization (one violation listing POST /reports and ANY /exports/{proxy+})
new aws.apigateway.RestApi("reports-openapi", {
    endpointConfiguration: { types: "REGIONAL" },
    body: JSON.stringify({
        swagger: "2.0",
        info: { title: "reports", version: "1.0" },
        security: [{ sigv4: [] }],
        securityDefinitions: {
            sigv4: { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" },
            api_key: { type: "apiKey", name: "x-api-key", in: "header" },
        },
        paths: {
            "/reports": {
                get: { "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "GET", uri: "https://reports.example.com/reports" } },
                post: { security: [], "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "POST", uri: "https://reports.example.com/reports" } },
            },
            "/exports/{proxy+}": {
                "x-amazon-apigateway-any-method": {
                    security: [{ api_key: [] }],
                    parameters: [{ name: "proxy", in: "path", required: true, type: "string" }],
                    "x-amazon-apigateway-integration": { type: "http_proxy", httpMethod: "ANY", uri: "https://reports.example.com/exports/{proxy}" },
                },
            },
        },
    }),
});

// PITFALL: a PRIVATE REST API whose resource policy lets anyone invoke it, with no aws:SourceVpce/aws:SourceVpc
// condition: an execute-api VPC endpoint in any AWS account can reach it.
// Caught by: apigw-resource-policy (on the RestApiPolicy)
const ledger = new aws.apigateway.RestApi("ledger-private", {
    endpointConfiguration: { types: "PRIVATE" },
    body: JSON.stringify({
        openapi: "3.0.1",
        info: { title: "ledger", version: "1.0" },
        paths: {
            "/balance": {
                get: {
                    "x-amazon-apigateway-auth": { type: "AWS_IAM" },
                    "x-amazon-apigateway-integration": { type: "mock", requestTemplates: { "application/json": `{"statusCode": 200}` } },
                },
            },
        },
    }),
});
new aws.apigateway.RestApiPolicy("ledger-private-policy", {
    restApiId: ledger.id,
    policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" }],
    }),
});

const certificate = new aws.acm.Certificate("api-certificate", {
    domainName: "orders.example.com",
    subjectAlternativeNames: ["items.example.com"],
    validationMethod: "DNS",
});

// PITFALL: the REST API is served on a custom domain that requires client certificates (mutual TLS), but its default
// execute-api endpoint stays enabled and asks for none: callers who use it skip mTLS.
// Caught by: apigw-default-endpoint-disabled-mtls
const ordersDomain = new aws.apigateway.DomainName("orders-domain", {
    domainName: "orders.example.com",
    regionalCertificateArn: certificate.arn,
    endpointConfiguration: { types: "REGIONAL" },
    securityPolicy: "TLS_1_2",
    mutualTlsAuthentication: { truststoreUri: "s3://orders-truststore/ca-bundle.pem" },
});
new aws.apigateway.BasePathMapping("orders-mapping", { restApi: rest.id, stageName: "prod", domainName: ordersDomain.domainName });

// PITFALL: the HTTP API is served on a custom domain, but its default execute-api endpoint stays enabled.
// Caught by: apigw-default-endpoint-disabled (advisory)
const itemsDomain = new aws.apigatewayv2.DomainName("items-domain", {
    domainName: "items.example.com",
    domainNameConfiguration: { certificateArn: certificate.arn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" },
});
new aws.apigatewayv2.ApiMapping("items-mapping", { apiId: http.id, domainName: itemsDomain.id, stage: "$default" });

// PITFALL: an API key whose value is written in the program (and so in git and every copy of it).
// Caught by: apigw-api-key-hygiene (advisory, on the key)
new aws.apigateway.ApiKey("partner-key", { value: "partner-0123456789abcdef0123456789" });

// Not a pitfall on its own: an IAM-protected admin route on the HTTP API, served by the shared handler.
new aws.apigatewayv2.Route("items-admin", { apiId: http.id, routeKey: "GET /admin", authorizationType: "AWS_IAM", target: httpTarget });

// PITFALL: that handler also has a function URL with authorization NONE: anyone who finds the URL skips IAM.
// Caught by: lambda-function-url-bypass (on the FunctionUrl)
new aws.lambda.FunctionUrl("handler-url", { functionName: handler.name, authorizationType: "NONE" });

export const restUrl = pulumi.interpolate`https://${rest.id}.execute-api.${aws.getRegionOutput().region}.amazonaws.com/prod`;
export const httpEndpoint = http.apiEndpoint;
