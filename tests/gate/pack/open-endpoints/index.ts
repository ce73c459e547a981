// Adversarial program for the gate (issue 13 items 3 and 5): every resource below ships an endpoint or a permission
// that AWS treats differently from what a denylist or a careless reading would conclude. `authguard check` must
// report each one; tests/gate/pack-verdicts.spec.ts pins the exact findings. Never deploy this program.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const assumeLambda = aws.iam.getPolicyDocumentOutput({
    statements: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] }],
});
const role = new aws.iam.Role("handler-role", { assumeRolePolicy: assumeLambda.json });
const handler = new aws.lambda.Function("handler", {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(`exports.handler = async () => ({ statusCode: 200 });`) }),
});

// Item 3: authorization values API Gateway does not define. A denylist of "NONE" passes all of them.
const rest = new aws.apigateway.RestApi("enum-rest", { endpointConfiguration: { types: "REGIONAL" } });
const items = new aws.apigateway.Resource("items", { restApi: rest.id, parentId: rest.rootResourceId, pathPart: "items" });
new aws.apigateway.Method("padded-none", { restApi: rest.id, resourceId: items.id, httpMethod: "GET", authorization: " none " });
new aws.apigateway.Method("open-word", { restApi: rest.id, resourceId: items.id, httpMethod: "POST", authorization: "OPEN" });
const http = new aws.apigatewayv2.Api("enum-http", { protocolType: "HTTP" });
new aws.apigatewayv2.Route("public-word", { apiId: http.id, routeKey: "GET /items", authorizationType: "PUBLIC" });

// Item 5: a Lambda function URL without authentication, on a function behind no API at all, is a public endpoint
// on its own.
const webhook = new aws.lambda.Function("webhook", {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(`exports.handler = async () => ({ statusCode: 204 });`) }),
});
new aws.lambda.FunctionUrl("webhook-url", { functionName: webhook.name, authorizationType: "NONE" });

// Item 5: quick create with a route key other than $default creates that route, open.
new aws.apigatewayv2.Api("quick-root", { protocolType: "HTTP", target: handler.arn, routeKey: "GET /" });

// Item 5: a Lambda integration written in an OpenAPI body with no permission for API Gateway: every call is a 500.
new aws.apigateway.RestApi("body-rest", {
    body: pulumi.jsonStringify({
        openapi: "3.0.1",
        info: { title: "body-rest", version: "1.0" },
        paths: {
            "/report": {
                get: {
                    "x-amazon-apigateway-auth": { type: "AWS_IAM" },
                    "x-amazon-apigateway-integration": { type: "aws_proxy", httpMethod: "POST", uri: handler.invokeArn },
                },
            },
        },
    }),
});

// Item 5: a sourceArn built from an output that does not exist (`${undefined}`) is not an ARN at all.
const missing = (rest as unknown as { sourceArnBase?: string }).sourceArnBase;
new aws.lambda.Permission("stale-source", {
    action: "lambda:InvokeFunction",
    function: handler.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: `${missing}*/*`,
});

// Item 5 (control): an Allow to everyone with only a conditional Deny stays open to the internet.
new aws.apigateway.RestApi("conditional-deny", {
    endpointConfiguration: { types: "REGIONAL" },
    policy: aws.iam.getPolicyDocumentOutput({
        statements: [
            { effect: "Allow", principals: [{ type: "*", identifiers: ["*"] }], actions: ["execute-api:Invoke"], resources: ["execute-api:/*"] },
            {
                effect: "Deny",
                principals: [{ type: "*", identifiers: ["*"] }],
                actions: ["execute-api:Invoke"],
                resources: ["execute-api:/*"],
                conditions: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
            },
        ],
    }).json,
});
