// Adversarial program for the gate (issue 13 item 5), the other direction: everything here is closed, exempt or
// allowlisted the way AWS and the pack config say, so `authguard check --mode up` with
// tests/gate/pack/closed-endpoints.policy-config.json must exit 0. Any finding is a false alarm.
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

// An explicit Deny of execute-api:Invoke to everyone, with no condition, closes the API whatever it allows: once
// through aws.iam.getPolicyDocument, once as inline JSON.
const everyone = [{ type: "*", identifiers: ["*"] }];
new aws.apigateway.RestApi("closed-by-document", {
    endpointConfiguration: { types: "REGIONAL" },
    policy: aws.iam.getPolicyDocumentOutput({
        statements: [
            { effect: "Allow", principals: everyone, actions: ["execute-api:Invoke"], resources: ["execute-api:/*"] },
            { effect: "Deny", principals: everyone, actions: ["execute-api:Invoke"], resources: ["execute-api:/*"] },
        ],
    }).json,
});
new aws.apigateway.RestApi("closed-inline", {
    endpointConfiguration: { types: "PRIVATE" },
    policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
            { Effect: "Deny", Principal: { AWS: "*" }, Action: "execute-api:*", Resource: "*" },
        ],
    }),
});

// A CORS preflight with NONE and a leftover authorizerId: exempt, like in the endpoint policies; lower-case values
// are the values AWS defines.
const rest = new aws.apigateway.RestApi("cors-rest", { endpointConfiguration: { types: "regional" } });
const authorizerFn = new aws.lambda.Function("authorizer", {
    runtime: aws.lambda.Runtime.NodeJS20dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(`exports.handler = async () => { throw new Error("Unauthorized"); };`) }),
});
const authorizer = new aws.apigateway.Authorizer("token", {
    restApi: rest.id,
    type: "TOKEN",
    authorizerUri: authorizerFn.invokeArn,
    identitySource: "method.request.header.Authorization",
    authorizerResultTtlInSeconds: 0,
});
new aws.lambda.Permission("authorizer-invoke", {
    action: "lambda:InvokeFunction",
    function: authorizerFn.name,
    principal: "apigateway.amazonaws.com",
    sourceArn: pulumi.interpolate`${rest.executionArn}/authorizers/${authorizer.id}`,
});
new aws.apigateway.Method("preflight", { restApi: rest.id, resourceId: rest.rootResourceId, httpMethod: "OPTIONS", authorization: "NONE", authorizerId: authorizer.id });
new aws.apigateway.Method("get", { restApi: rest.id, resourceId: rest.rootResourceId, httpMethod: "GET", authorization: "custom", authorizerId: authorizer.id });

// Quick create on `GET /`, allowlisted under that route key (allowlisting $default would not cover it).
new aws.apigatewayv2.Api("landing", { protocolType: "HTTP", target: handler.arn, routeKey: "GET /" });

// A deliberately public function URL, allowlisted with a reason.
new aws.lambda.FunctionUrl("webhook-url", { functionName: handler.name, authorizationType: "NONE" });
