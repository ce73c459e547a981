// The enumerations policies read to decide whether something is safe, each with exactly the values AWS defines, and
// the one way every policy reads them. A value outside the list is never taken for a safe one: the reader returns it
// as `unrecognised`, and the policy reports it as a violation that lists the accepted values.
//
// Comparison: case-insensitive over ASCII letters, nothing else. API Gateway's REST control plane accepts these values in any case
// (Zappa created its methods for years with `put_method(authorizationType='none')`, and they were served open), so
// `"none"` must count as NONE; reading every other enum the same way never turns a value AWS would apply into an
// "unrecognised" one. Whitespace, synonyms and anything else are not trimmed or guessed at: `" none "`, `"OPEN"` and
// `"PUBLIC"` are not values AWS defines, and what AWS would make of them is not something a gate may assume.
import { isUnknown } from "./values";

export interface SecurityEnum<V extends string = string> {
    /** What the value is, for messages: `authorization of an aws.apigateway.Method`. */
    what: string;
    values: readonly V[];
}

function securityEnum<V extends string>(what: string, values: readonly V[]): SecurityEnum<V> {
    return { what, values };
}

/** aws.apigateway.Method `authorization` (PutMethod authorizationType). */
export const REST_AUTHORIZATION = securityEnum("authorization of an aws.apigateway.Method", ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"] as const);
/** aws.apigatewayv2.Route `authorizationType` (CreateRoute AuthorizationType). */
export const V2_AUTHORIZATION = securityEnum("authorizationType of an aws.apigatewayv2.Route", ["NONE", "AWS_IAM", "CUSTOM", "JWT"] as const);
/** aws.lambda.FunctionUrl `authorizationType` (CreateFunctionUrlConfig AuthType). */
export const FUNCTION_URL_AUTHORIZATION = securityEnum("authorizationType of an aws.lambda.FunctionUrl", ["NONE", "AWS_IAM"] as const);
/** aws.apigateway.RestApi `endpointConfiguration.types`. */
export const REST_ENDPOINT_TYPE = securityEnum("endpointConfiguration.types of an aws.apigateway.RestApi", ["EDGE", "REGIONAL", "PRIVATE"] as const);
/** aws.apigateway.Integration `type`. */
export const REST_INTEGRATION_TYPE = securityEnum("type of an aws.apigateway.Integration", ["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"] as const);
/** aws.apigatewayv2.Integration `integrationType`. */
export const V2_INTEGRATION_TYPE = securityEnum("integrationType of an aws.apigatewayv2.Integration", ["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"] as const);
/** `x-amazon-apigateway-integration.type` in an OpenAPI body. */
export const OPENAPI_INTEGRATION_TYPE = securityEnum("x-amazon-apigateway-integration type", ["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"] as const);
/** `x-amazon-apigateway-auth.type` on an OpenAPI operation. */
export const OPENAPI_AUTH_TYPE = securityEnum("x-amazon-apigateway-auth type", ["NONE", "AWS_IAM"] as const);
/** aws.apigatewayv2.Api `protocolType`. */
export const V2_PROTOCOL = securityEnum("protocolType of an aws.apigatewayv2.Api", ["HTTP", "WEBSOCKET"] as const);

/** aws.apigatewayv2.Authorizer `authorizerType`. */
export const V2_AUTHORIZER_TYPE = securityEnum("authorizerType of an aws.apigatewayv2.Authorizer", ["REQUEST", "JWT"] as const);

/** `Effect` of an IAM policy statement. */
export const POLICY_EFFECT = securityEnum("Effect of an IAM policy statement", ["ALLOW", "DENY"] as const);

/** Integration types through which API Gateway invokes a Lambda function (with a Lambda `uri`). */
export const LAMBDA_INTEGRATION_TYPES: readonly string[] = ["AWS", "AWS_PROXY"];

export type EnumValue<V extends string> =
    | { kind: "known"; value: V }
    /** Unknown during preview. */
    | { kind: "unknown" }
    /** Set to something that is not one of the values: `raw` as written. */
    | { kind: "unrecognised"; raw: unknown };

/**
 * Reads `value` as a member of `e`. `absent` is what AWS applies when the property is not set (undefined when an
 * absent value is itself unrecognised). Null and undefined are absent; the empty string is not a value AWS defines.
 */
export function readEnum<V extends string>(e: SecurityEnum<V>, value: unknown, absent?: V): EnumValue<V> {
    if (isUnknown(value)) return { kind: "unknown" };
    if (value === undefined || value === null) return absent !== undefined ? { kind: "known", value: absent } : { kind: "unrecognised", raw: value };
    if (typeof value !== "string") return { kind: "unrecognised", raw: value };
    // ASCII letters only: Unicode case mapping would read "aws_ıam" (dotless ı) or "awſ_iam" (long ſ) as AWS_IAM.
    const upper = /^[A-Za-z_]+$/.test(value) ? value.toUpperCase() : undefined;
    const match = e.values.find((v) => v === upper);
    return match !== undefined ? { kind: "known", value: match } : { kind: "unrecognised", raw: value };
}

/** `authorization "OPEN" is not a value API Gateway defines for …; accepted: NONE, AWS_IAM, …` */
export function unrecognisedText(e: SecurityEnum, raw: unknown): string {
    const shown = raw === undefined ? "(not set)" : JSON.stringify(raw);
    return `${shown} is not a value AWS defines for the ${e.what}; accepted values (any letter case): ${e.values.join(", ")}`;
}
