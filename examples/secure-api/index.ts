// secure-api: the same REST, HTTP and WebSocket APIs as examples/insecure-api, done right with raw @pulumi/aws
// resources. `authguard check examples/secure-api` must report no violation (tests assert it). Each protected
// endpoint says which mechanism protects it; the endpoints deliberately left without authorization say why that
// is correct.

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const region = aws.getRegionOutput().region;

// ---------------------------------------------------------------------------------------------------------------
// Identity: one Cognito user pool issues the JWTs every API accepts.

const pool = new aws.cognito.UserPool("users", { mfaConfiguration: "OPTIONAL", softwareTokenMfaConfiguration: { enabled: true } });
const client = new aws.cognito.UserPoolClient("web", { userPoolId: pool.id, generateSecret: false });
const issuer = pulumi.interpolate`https://cognito-idp.${region}.amazonaws.com/${pool.id}`;

// ---------------------------------------------------------------------------------------------------------------
// Lambda functions: the API handler and the JWT authorizer (authorizer-fn, fail closed).

const assumeLambda = aws.iam.getPolicyDocumentOutput({
    statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }],
});
const role = new aws.iam.Role("handler-role", { assumeRolePolicy: assumeLambda.json });
new aws.iam.RolePolicyAttachment("handler-logs", { role: role.name, policyArn: aws.iam.ManagedPolicy.AWSLambdaBasicExecutionRole });

const handler = new aws.lambda.Function("handler", {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({
        "index.js": new pulumi.asset.StringAsset(`exports.handler = async () => ({ statusCode: 200, body: "ok" });`),
    }),
});

const authorizerFn = new aws.lambda.Function("jwt-authorizer", {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.FileArchive("../../authorizer-fn/dist"),
    environment: { variables: { AUTH_ISSUER: issuer, AUTH_AUDIENCE: client.id } },
});

// ---------------------------------------------------------------------------------------------------------------
// REST API (API Gateway v1).

// Served only on its mutual-TLS custom domain (below): the default execute-api endpoint is off.
const rest = new aws.apigateway.RestApi("orders-rest", { endpointConfiguration: { types: "REGIONAL" }, disableExecuteApiEndpoint: true });
const orders = new aws.apigateway.Resource("orders", { restApi: rest.id, parentId: rest.rootResourceId, pathPart: "orders" });

const cognitoAuthorizer = new aws.apigateway.Authorizer("orders-cognito", {
    restApi: rest.id,
    type: "COGNITO_USER_POOLS",
    providerArns: [pool.arn],
    identitySource: "method.request.header.Authorization",
});
// One method uses this Lambda TOKEN authorizer, so its cached answers (default 300 s, keyed by the token) are never
// reused on another method (apigw-authorizer-cache-safety). Share it only with TTL 0, or return a policy covering
// every method it guards.
const tokenAuthorizer = new aws.apigateway.Authorizer("orders-token", {
    restApi: rest.id,
    type: "TOKEN",
    authorizerUri: authorizerFn.invokeArn,
    identitySource: "method.request.header.Authorization",
});
// API Gateway may invoke the authorizer function, from this API's authorizer only: the sourceArn names the
// authorizer (apigw-lambda-authorizer-permission) and one API (lambda-permission-scoped-source-arn).
new aws.lambda.Permission("rest-authorizer-invoke", {
    action: "lambda:InvokeFunction",
    function: authorizerFn.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${rest.executionArn}/authorizers/${tokenAuthorizer.id}`,
});

// Protected by the Cognito user pool (a valid ID/access token from `pool`). Authorization types match their
// authorizers' types on the same API (apigw-authorizer-wiring): COGNITO_USER_POOLS ⇒ Cognito, CUSTOM ⇒ TOKEN.
const listOrders = new aws.apigateway.Method("orders-get", {
    restApi: rest.id,
    resourceId: orders.id,
    httpMethod: "GET",
    authorization: "COGNITO_USER_POOLS",
    authorizerId: cognitoAuthorizer.id,
});
// Protected by the Lambda TOKEN authorizer (authorizer-fn verifies the JWT).
const createOrder = new aws.apigateway.Method("orders-post", {
    restApi: rest.id,
    resourceId: orders.id,
    httpMethod: "POST",
    authorization: "CUSTOM",
    authorizerId: tokenAuthorizer.id,
    apiKeyRequired: true, // the key is for the usage plan; the authorizer is the authentication
});
// Protected by IAM (SigV4-signed requests from principals allowed to call execute-api).
const deleteOrder = new aws.apigateway.Method("orders-delete", {
    restApi: rest.id,
    resourceId: orders.id,
    httpMethod: "DELETE",
    authorization: "AWS_IAM",
});
// Left open on purpose: CORS preflight carries no credentials by design (exempt by exemptCorsPreflight).
const preflight = new aws.apigateway.Method("orders-options", {
    restApi: rest.id,
    resourceId: orders.id,
    httpMethod: "OPTIONS",
    authorization: "NONE",
});

const restIntegrations = [listOrders, createOrder, deleteOrder].map(
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
restIntegrations.push(
    new aws.apigateway.Integration("orders-preflight", {
        restApi: rest.id,
        resourceId: orders.id,
        httpMethod: preflight.httpMethod,
        type: "MOCK",
        requestTemplates: { "application/json": `{"statusCode": 200}` },
    }),
);
const deployment = new aws.apigateway.Deployment(
    "orders-deployment",
    { restApi: rest.id, triggers: { redeploy: "1" } },
    { dependsOn: restIntegrations },
);
const restStage = new aws.apigateway.Stage("orders-prod", { restApi: rest.id, deployment: deployment.id, stageName: "prod" });
// The API key POST /orders requires is for metering: a usage plan on the stage accepts it (the key value is generated
// by API Gateway, never written in the program).
const usagePlan = new aws.apigateway.UsagePlan("orders-plan", {
    apiStages: [{ apiId: rest.id, stage: restStage.stageName }],
    throttleSettings: { rateLimit: 10, burstLimit: 20 },
});
const partnerKey = new aws.apigateway.ApiKey("orders-partner-key", { enabled: true });
new aws.apigateway.UsagePlanKey("orders-partner-plan-key", { keyId: partnerKey.id, keyType: "API_KEY", usagePlanId: usagePlan.id });

// API Gateway may invoke the handler from this API's methods only: `*/*/orders` covers every stage and method of
// /orders, which every integration above needs (apigw-lambda-integration-permission).
new aws.lambda.Permission("rest-invoke", {
    action: "lambda:InvokeFunction",
    function: handler.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${rest.executionArn}/*/*/orders`,
});

// ---------------------------------------------------------------------------------------------------------------
// HTTP API (API Gateway v2) with a JWT authorizer on the same user pool.

const http = new aws.apigatewayv2.Api("items-http", { protocolType: "HTTP" });
// An https issuer, the app client as the only audience, and where the token is read (apigw-jwt-authorizer-config).
const jwt = new aws.apigatewayv2.Authorizer("items-jwt", {
    apiId: http.id,
    authorizerType: "JWT",
    identitySources: ["$request.header.Authorization"],
    jwtConfiguration: { issuer, audiences: [client.id] },
});
const httpIntegration = new aws.apigatewayv2.Integration("items-integration", {
    apiId: http.id,
    integrationType: "AWS_PROXY",
    integrationUri: handler.arn,
    payloadFormatVersion: "2.0",
});
const httpTarget = pulumi.interpolate`integrations/${httpIntegration.id}`;

// Protected by the JWT authorizer.
new aws.apigatewayv2.Route("items-get", { apiId: http.id, routeKey: "GET /items", authorizationType: "JWT", authorizerId: jwt.id, target: httpTarget });
new aws.apigatewayv2.Route("items-post", {
    apiId: http.id,
    routeKey: "POST /items",
    authorizationType: "JWT",
    authorizerId: jwt.id,
    authorizationScopes: ["items/write"], // enforced: scopes apply to JWT routes (apigw-ineffective-route-auth)
    target: httpTarget,
});
// The catch-all route is protected too: IAM.
new aws.apigatewayv2.Route("items-default", { apiId: http.id, routeKey: "$default", authorizationType: "AWS_IAM", target: httpTarget });

new aws.apigatewayv2.Stage("items-stage", { apiId: http.id, name: "$default", autoDeploy: true });
// Covers every route of this API, $default included, and no other API (apigw-lambda-integration-permission).
new aws.lambda.Permission("http-invoke", {
    action: "lambda:InvokeFunction",
    function: handler.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${http.executionArn}/*/*`,
});

// ---------------------------------------------------------------------------------------------------------------
// WebSocket API: the connection is authorized once, at $connect, by a Lambda REQUEST authorizer.

const ws = new aws.apigatewayv2.Api("chat-ws", { protocolType: "WEBSOCKET", routeSelectionExpression: "$request.body.action" });
const wsAuthorizer = new aws.apigatewayv2.Authorizer("chat-authorizer", {
    apiId: ws.id,
    authorizerType: "REQUEST",
    authorizerUri: authorizerFn.invokeArn,
    identitySources: ["route.request.header.Authorization"],
});
// The WebSocket authorizer's own permission, scoped to it (apigw-lambda-authorizer-permission).
new aws.lambda.Permission("ws-authorizer-invoke", {
    action: "lambda:InvokeFunction",
    function: authorizerFn.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${ws.executionArn}/authorizers/${wsAuthorizer.id}`,
});
const wsIntegration = new aws.apigatewayv2.Integration("chat-integration", {
    apiId: ws.id,
    integrationType: "AWS_PROXY",
    integrationUri: handler.invokeArn,
});
const wsTarget = pulumi.interpolate`integrations/${wsIntegration.id}`;

// Protected: every connection goes through the REQUEST authorizer.
new aws.apigatewayv2.Route("chat-connect", { apiId: ws.id, routeKey: "$connect", authorizationType: "CUSTOM", authorizerId: wsAuthorizer.id, target: wsTarget });
// No authorization on the other routes: WebSocket routes after $connect run on the already-authorized connection.
new aws.apigatewayv2.Route("chat-message", { apiId: ws.id, routeKey: "sendmessage", target: wsTarget });
new aws.apigatewayv2.Route("chat-disconnect", { apiId: ws.id, routeKey: "$disconnect", target: wsTarget });
new aws.apigatewayv2.Stage("chat-stage", { apiId: ws.id, name: "prod", autoDeploy: true });
new aws.lambda.Permission("ws-invoke", {
    action: "lambda:InvokeFunction",
    function: handler.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${ws.executionArn}/*/*`,
});

// ---------------------------------------------------------------------------------------------------------------
// Custom domain with mutual TLS for the REST API: clients must present a certificate from our CA, and the default
// execute-api endpoint (which would not ask for one) is disabled on the API above.

const certificate = new aws.acm.Certificate("orders-certificate", { domainName: "orders.example.com", validationMethod: "DNS" });
const ordersDomain = new aws.apigateway.DomainName("orders-domain", {
    domainName: "orders.example.com",
    regionalCertificateArn: certificate.arn,
    endpointConfiguration: { types: "REGIONAL" },
    securityPolicy: "TLS_1_2",
    mutualTlsAuthentication: { truststoreUri: "s3://orders-truststore/ca-bundle.pem" },
});
new aws.apigateway.BasePathMapping("orders-mapping", { restApi: rest.id, stageName: restStage.stageName, domainName: ordersDomain.domainName });

// ---------------------------------------------------------------------------------------------------------------
// Private REST API for internal callers, defined by an OpenAPI body: reachable only through this VPC's execute-api
// endpoint (the resource policy denies every other endpoint, in any account), and every operation requires IAM.

const vpc = new aws.ec2.Vpc("internal-vpc", { cidrBlock: "10.20.0.0/16", enableDnsHostnames: true, enableDnsSupport: true });
const subnet = new aws.ec2.Subnet("internal-subnet", { vpcId: vpc.id, cidrBlock: "10.20.1.0/24" });
const executeApiEndpoint = new aws.ec2.VpcEndpoint("internal-execute-api", {
    vpcId: vpc.id,
    serviceName: pulumi.interpolate`com.amazonaws.${region}.execute-api`,
    vpcEndpointType: "Interface",
    privateDnsEnabled: true,
    subnetIds: [subnet.id],
});
const ledgerSpec = JSON.stringify({
    openapi: "3.0.1",
    info: { title: "ledger", version: "1.0" },
    paths: {
        "/balance": {
            get: {
                // Protected by IAM: SigV4-signed calls from principals allowed to invoke it.
                "x-amazon-apigateway-auth": { type: "AWS_IAM" },
                "x-amazon-apigateway-integration": { type: "mock", requestTemplates: { "application/json": `{"statusCode": 200}` } },
            },
        },
    },
});
const ledger = new aws.apigateway.RestApi("ledger-private", {
    endpointConfiguration: { types: "PRIVATE", vpcEndpointIds: [executeApiEndpoint.id] },
    body: ledgerSpec,
});
const ledgerPolicyDocument = pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
        { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
        {
            Effect: "Deny",
            Principal: "*",
            Action: "execute-api:Invoke",
            Resource: "execute-api:/*",
            Condition: { StringNotEquals: { "aws:SourceVpce": [executeApiEndpoint.id] } },
        },
    ],
});
const ledgerPolicy = new aws.apigateway.RestApiPolicy("ledger-private-policy", { restApiId: ledger.id, policy: ledgerPolicyDocument });
// Redeploy whenever the spec or the resource policy changes (a policy change takes effect only on deployment).
const ledgerDeployment = new aws.apigateway.Deployment(
    "ledger-deployment",
    { restApi: ledger.id, triggers: { spec: ledgerSpec, policy: ledgerPolicyDocument } },
    { dependsOn: [ledgerPolicy] },
);
new aws.apigateway.Stage("ledger-prod", { restApi: ledger.id, deployment: ledgerDeployment.id, stageName: "prod" });

export const restUrl = pulumi.interpolate`https://${ordersDomain.domainName}/`;
export const httpEndpoint = http.apiEndpoint;
export const userPoolId = pool.id;
