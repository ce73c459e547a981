// Pulumi type tokens the pack matches on. Matching strings (not classes from @pulumi/aws) keeps the pack's
// start-up free of the AWS SDK's thousands of modules.
export const T = {
    restApi: "aws:apigateway/restApi:RestApi",
    restApiPolicy: "aws:apigateway/restApiPolicy:RestApiPolicy",
    resource: "aws:apigateway/resource:Resource",
    method: "aws:apigateway/method:Method",
    integration: "aws:apigateway/integration:Integration",
    authorizer: "aws:apigateway/authorizer:Authorizer",
    deployment: "aws:apigateway/deployment:Deployment",
    stage: "aws:apigateway/stage:Stage",
    apiKey: "aws:apigateway/apiKey:ApiKey",
    usagePlan: "aws:apigateway/usagePlan:UsagePlan",
    usagePlanKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
    domainName: "aws:apigateway/domainName:DomainName",
    basePathMapping: "aws:apigateway/basePathMapping:BasePathMapping",
    v2Api: "aws:apigatewayv2/api:Api",
    v2Route: "aws:apigatewayv2/route:Route",
    v2Integration: "aws:apigatewayv2/integration:Integration",
    v2Authorizer: "aws:apigatewayv2/authorizer:Authorizer",
    v2Stage: "aws:apigatewayv2/stage:Stage",
    v2DomainName: "aws:apigatewayv2/domainName:DomainName",
    v2ApiMapping: "aws:apigatewayv2/apiMapping:ApiMapping",
    lambdaFunction: "aws:lambda/function:Function",
    lambdaPermission: "aws:lambda/permission:Permission",
    lambdaAlias: "aws:lambda/alias:Alias",
    lambdaFunctionUrl: "aws:lambda/functionUrl:FunctionUrl",
    iamRole: "aws:iam/role:Role",
    awsApigatewayRestApiComponent: "aws-apigateway:index:RestAPI",
} as const;

export type TypeToken = (typeof T)[keyof typeof T];

/**
 * Tags a validation or remediation function with the one type it judges, as the SDK's `validateResourceOfType` does
 * with a resource class. The SDK then skips a resource validation or remediation for every other type without
 * deserializing the resource's properties, and a stack validation when the stack holds no resource of that type
 * (otherwise it deserializes the whole stack once per stack policy).
 */
export function forType<F extends (...args: never[]) => unknown>(type: TypeToken, fn: F): F {
    (fn as unknown as { __pulumiType: string }).__pulumiType = type;
    return fn;
}
