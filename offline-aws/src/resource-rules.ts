// What the real AWS provider does on its own, per type, where a policy or a replacement decision depends on it:
// the defaults its Check fills in (from the Terraform schema's `Default`) and the properties whose change forces a
// replacement (`ForceNew`). Only types this project's policies read are listed; other types get no defaults, and a
// change of an autonamed `name` replaces them, as it does in the real provider.
import { PropertyMap } from "../../runner/resource-records";

export const CHECK_DEFAULTS: Readonly<Record<string, PropertyMap>> = {
    "aws:apigatewayv2/route:Route": { authorizationType: "NONE", apiKeyRequired: false },
    "aws:apigatewayv2/api:Api": { disableExecuteApiEndpoint: false },
    "aws:apigateway/method:Method": { apiKeyRequired: false },
    "aws:lambda/functionUrl:FunctionUrl": { invokeMode: "BUFFERED" },
};

export const REPLACE_ON_CHANGE: Readonly<Record<string, readonly string[]>> = {
    "aws:apigateway/restApi:RestApi": [],
    "aws:apigateway/resource:Resource": ["restApi", "parentId", "pathPart"],
    "aws:apigateway/method:Method": ["restApi", "resourceId", "httpMethod"],
    "aws:apigateway/integration:Integration": ["restApi", "resourceId", "httpMethod"],
    "aws:apigateway/methodResponse:MethodResponse": ["restApi", "resourceId", "httpMethod", "statusCode"],
    "aws:apigateway/authorizer:Authorizer": ["restApi"],
    "aws:apigateway/deployment:Deployment": ["restApi", "triggers"],
    "aws:apigateway/stage:Stage": ["restApi", "stageName"],
    "aws:apigateway/restApiPolicy:RestApiPolicy": ["restApiId"],
    "aws:apigatewayv2/api:Api": ["protocolType"],
    "aws:apigatewayv2/route:Route": ["apiId"],
    "aws:apigatewayv2/integration:Integration": ["apiId", "integrationType"],
    "aws:apigatewayv2/authorizer:Authorizer": ["apiId"],
    "aws:apigatewayv2/stage:Stage": ["apiId", "name"],
    "aws:lambda/function:Function": ["name"],
    "aws:lambda/permission:Permission": [
        "action",
        "eventSourceToken",
        "functionName",
        "functionUrlAuthType",
        "principal",
        "principalOrgId",
        "qualifier",
        "sourceAccount",
        "sourceArn",
        "statementId",
        "statementIdPrefix",
    ],
    "aws:lambda/functionUrl:FunctionUrl": ["functionName", "qualifier"],
    "aws:iam/role:Role": ["name", "path"],
    "aws:iam/policy:Policy": ["name", "path"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
    "aws:s3/bucket:Bucket": ["bucket"],
    "aws:s3/bucketV2:BucketV2": ["bucket"],
};
