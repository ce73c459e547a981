// OpenAPI bodies for tests: small hand-written documents, and Swagger generated the way @pulumi/aws-apigateway's
// RestAPI (and awsx classic `apigateway.API`) generates it from `routes` (provider/cmd/pulumi-resource-aws-apigateway/
// apigateway/api.ts `createSwaggerSpec`, read at pulumi/pulumi-aws-apigateway@1b96058). The package is not used at
// run time: this reproduces the document shape it hands to aws.apigateway.RestApi.body.
import { PropertyMap, PropertyValue, ResourceRecord } from "../../runner/resource-records";
import { StackBuilder, UNKNOWN } from "./stack";

export const REGION = "us-east-1";
export const ACCOUNT = "123456789012";

export function functionArn(name: string): string {
    return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
}

export function invokeUri(fnArn: string): string {
    return `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${fnArn}/invocations`;
}

/** A Lambda proxy integration for an operation. */
export function lambdaIntegration(fn: string): Record<string, unknown> {
    return { uri: invokeUri(functionArn(fn)), passthroughBehavior: "when_no_match", httpMethod: "POST", type: "aws_proxy" };
}

export function swagger2(paths: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { swagger: "2.0", info: { title: "api", version: "1.0" }, paths, ...extra };
}

export function openapi3(paths: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { openapi: "3.0.1", info: { title: "api", version: "1.0" }, paths, ...extra };
}

/** A Lambda TOKEN authorizer scheme as REST APIs need it (with x-amazon-apigateway-authtype). */
export function lambdaAuthorizerScheme(fn = "authorizer", extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        type: "apiKey",
        name: "Authorization",
        in: "header",
        "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": { type: "token", authorizerUri: invokeUri(functionArn(fn)), authorizerResultTtlInSeconds: 0, ...extra },
    };
}

export function cognitoScheme(): Record<string, unknown> {
    return {
        type: "apiKey",
        name: "Authorization",
        in: "header",
        "x-amazon-apigateway-authtype": "cognito_user_pools",
        "x-amazon-apigateway-authorizer": { type: "cognito_user_pools", providerARNs: [`arn:aws:cognito-idp:${REGION}:${ACCOUNT}:userpool/${REGION}_abc`] },
    };
}

export const API_KEY_SCHEME = { type: "apiKey", name: "x-api-key", in: "header" };

/** A route as @pulumi/aws-apigateway's RestAPI takes it (the subset that shapes the Swagger). */
export interface ComponentRoute {
    path: string;
    method?: "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "ANY";
    /** An event handler route: the Lambda function's name (its ARN is built in the fake account). */
    eventHandler?: string;
    /** An integration route: `target.uri` (gives `path/` and `path/{proxy+}` ANY operations). */
    target?: { uri: string; type?: string };
    /** A raw data route: this object becomes the operation verbatim. */
    data?: Record<string, unknown>;
    iamAuthEnabled?: boolean;
    apiKeyRequired?: boolean;
    authorizers?: ComponentAuthorizer[];
}

export interface ComponentAuthorizer {
    authorizerName?: string;
    parameterName: string;
    parameterLocation?: "header" | "query";
    /** Maps to x-amazon-apigateway-authtype; leaving it out is pulumi/pulumi-aws-apigateway#10. */
    authType?: string;
    type?: "token" | "request";
    /** Lambda authorizer: the function name, or `providerARNs` for Cognito. */
    handler?: string;
    /** Credentials role ARN given with the handler (LambdaAuthorizerInfo) or created by the component. */
    credentials?: string;
    identitySource?: string[];
    authorizerResultTtlInSeconds?: number;
    providerARNs?: string[];
}

/** The Swagger text @pulumi/aws-apigateway hands to RestApi.body for `routes`. */
export function awsApigatewaySwagger(apiName: string, routes: ComponentRoute[], opts: { apiKeySource?: string } = {}): string {
    const swagger: Record<string, any> = {
        swagger: "2.0",
        info: { title: apiName, version: "1.0" },
        paths: {},
        "x-amazon-apigateway-binary-media-types": ["*/*"],
        "x-amazon-apigateway-gateway-responses": {
            MISSING_AUTHENTICATION_TOKEN: { statusCode: 404, responseTemplates: { "application/json": '{"message": "404 Not found" }' } },
            ACCESS_DENIED: { statusCode: 404, responseTemplates: { "application/json": '{"message": "404 Not found" }' } },
        },
        "x-amazon-apigateway-api-key-source": opts.apiKeySource ?? "HEADER",
    };
    const add = (path: string, method: string, op: Record<string, any>) => {
        swagger.paths[path] = swagger.paths[path] ?? {};
        swagger.paths[path][method] = op;
    };
    const swaggerMethod = (m: string) => (m.toLowerCase() === "any" ? "x-amazon-apigateway-any-method" : m.toLowerCase());
    const baseOptions = (op: Record<string, any>, route: ComponentRoute) => {
        if (route.authorizers) {
            swagger.securityDefinitions = swagger.securityDefinitions ?? {};
            for (const auth of route.authorizers) {
                const suffix = Object.keys(swagger.securityDefinitions).length;
                const authName = auth.authorizerName ?? `${apiName}-authorizer-${suffix}`;
                const isLambda = auth.handler !== undefined;
                if (!swagger.securityDefinitions[authName]) {
                    swagger.securityDefinitions[authName] = {
                        type: "apiKey",
                        name: auth.parameterName,
                        in: isLambda ? auth.parameterLocation : "header",
                        "x-amazon-apigateway-authtype": isLambda ? auth.authType : "cognito_user_pools",
                        "x-amazon-apigateway-authorizer": isLambda
                            ? {
                                  type: auth.type,
                                  authorizerUri: invokeUri(functionArn(auth.handler!)),
                                  authorizerCredentials: auth.credentials ?? `arn:aws:iam::${ACCOUNT}:role/${authName}-authorizer-role`,
                                  identitySource: (auth.identitySource ?? []).join(", "),
                                  authorizerResultTtlInSeconds: auth.authorizerResultTtlInSeconds,
                              }
                            : { type: "cognito_user_pools", identitySource: (auth.identitySource ?? []).join(", "), providerARNs: auth.providerARNs ?? [] },
                    };
                }
                op.security = op.security ?? [];
                op.security.push({ [authName]: [] });
            }
        }
        if (route.iamAuthEnabled) op["x-amazon-apigateway-auth"] = { type: "AWS_IAM" };
        if (route.apiKeyRequired) {
            swagger.securityDefinitions = swagger.securityDefinitions ?? {};
            swagger.securityDefinitions.api_key = { type: "apiKey", name: "x-api-key", in: "header" };
            op.security = op.security ?? [];
            op.security.push({ api_key: [] });
        }
    };
    for (const route of routes) {
        const path = route.path.startsWith("/") ? route.path : `/${route.path}`;
        if (route.eventHandler) {
            const op: Record<string, any> = { "x-amazon-apigateway-integration": lambdaIntegration(route.eventHandler) };
            baseOptions(op, route);
            add(path, swaggerMethod(route.method ?? "GET"), op);
        } else if (route.target) {
            const base = path.endsWith("/") ? path : `${path}/`;
            for (const proxy of [false, true]) {
                const uri = route.target.uri.endsWith("/") ? route.target.uri : `${route.target.uri}/`;
                const op: Record<string, any> = {
                    "x-amazon-apigateway-integration": {
                        responses: { default: { statusCode: "200" } },
                        uri: proxy ? `${uri}{proxy}` : uri,
                        type: route.target.type ?? "http_proxy",
                        passthroughBehavior: "when_no_match",
                        httpMethod: "ANY",
                    },
                };
                if (proxy) op.parameters = [{ name: "proxy", in: "path", required: true, type: "string" }];
                baseOptions(op, route);
                add(proxy ? `${base}{proxy+}` : base, "x-amazon-apigateway-any-method", op);
            }
        } else if (route.data) {
            add(path, swaggerMethod(route.method ?? "GET"), route.data);
        }
    }
    return JSON.stringify(swagger);
}

/** A RestApi with a body. `body` may be an object (serialised as JSON), text, or UNKNOWN. */
export function restApiWithBody(
    s: StackBuilder,
    name: string,
    body: unknown,
    inputs: PropertyMap = {},
    deps: Record<string, ResourceRecord | ResourceRecord[]> = {},
    outputs: PropertyMap = {},
): ResourceRecord {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return s.add("aws:apigateway/restApi:RestApi", name, { name, body: text as PropertyValue, ...inputs }, deps, {
        rootResourceId: UNKNOWN,
        executionArn: UNKNOWN,
        arn: UNKNOWN,
        ...outputs,
    });
}

/** A RestApi as `pulumi up` reports it: known id, ARNs and the given body. */
export function restApiUp(s: StackBuilder, name: string, id: string, inputs: PropertyMap = {}, deps: Record<string, ResourceRecord | ResourceRecord[]> = {}): ResourceRecord {
    return s.add("aws:apigateway/restApi:RestApi", name, { name, ...inputs }, deps, {
        id,
        rootResourceId: `${id}root`,
        executionArn: `arn:aws:execute-api:${REGION}:${ACCOUNT}:${id}`,
        arn: `arn:aws:apigateway:${REGION}::/restapis/${id}`,
    });
}

export function httpApiWithBody(s: StackBuilder, name: string, body: unknown, inputs: PropertyMap = {}): ResourceRecord {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return s.add("aws:apigatewayv2/api:Api", name, { name, protocolType: "HTTP", body: text as PropertyValue, ...inputs }, {}, {
        executionArn: UNKNOWN,
        apiEndpoint: UNKNOWN,
        arn: UNKNOWN,
    });
}
