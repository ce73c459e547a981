// apigw-lambda-authorizer-permission
//
// A Lambda authorizer API Gateway is not allowed to invoke fails every request on every route that uses it with
// 500 Internal Server Error: the most common API Gateway auth failure in the field (CDK, SAM HttpApi and the Pulumi
// component all have issue threads about it), and no other scanner links authorizers to permissions.
//
// Every Lambda authorizer (REST TOKEN/REQUEST, v2 REQUEST) must either name a role API Gateway assumes
// (`authorizerCredentials` / `authorizerCredentialsArn`), or be covered by an aws.lambda.Permission for API Gateway
// on the same function and qualifier whose sourceArn matches `<executionArn>/authorizers/<id>` (see
// lib/invoke-permission.ts for the matching rules, including what an unknown sourceArn can and cannot prove).
//
// The check works on "authorizer needing permission" records, so authorizers declared elsewhere than in an
// Authorizer resource (OpenAPI bodies' `x-amazon-apigateway-authorizer`) can be fed into the same judgement: build
// an `AuthorizerNeedingPermission` (no `authorizer` resource, `authorizerId` unknown: the ARN then has a hole for it)
// and add it to the list in `collect()`.
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { executeApiPrefix, authorizerArn, InvokePermissionIndex, permissionCode, apiOf } from "../lib/invoke-permission";
import { identifier, LambdaLink, resolveLambdaProperty } from "../lib/lambda";
import { openApiAuthorizers } from "../lib/openapi-authorizers";
import { formatFinding, q } from "../lib/messages";
import { owningApi } from "../lib/routes";
import { StackIndex } from "../lib/stack-index";
import { T } from "../lib/types";
import { asString, CouldNotVerify, isUnknown, raw } from "../lib/values";

export const name = "apigw-lambda-authorizer-permission";

/** A Lambda authorizer API Gateway must be allowed to invoke, wherever it is declared. */
export interface AuthorizerNeedingPermission {
    /** Where it is declared: an Authorizer resource, or an API's OpenAPI body. */
    source: "resource" | "openapi";
    /** The URN findings are reported on (the Authorizer, or the API whose body declares it). */
    urn: string;
    /** Names it in messages: `Lambda authorizer "auth" of REST API "api"`. */
    label: string;
    /** The authorizer's name, for the generated Permission's resource name. */
    name: string;
    /** The function its URI names. */
    fn: LambdaLink;
    /** The API it belongs to, when it is in the stack; `apiId` when only its id is known. */
    api?: PolicyResource;
    apiId?: string;
    apiKind?: "REST" | "HTTP" | "WEBSOCKET";
    /** The Authorizer resource (a sourceArn depending on it names it); absent for body-declared authorizers. */
    authorizer?: PolicyResource;
    /** Its id when known; otherwise the ARN carries a hole for it. */
    authorizerId?: string;
    /** API Gateway assumes a role to invoke the function: no resource-based permission is needed. */
    usesCredentials: boolean;
    /** TypeScript expression for the authorizer id in generated code (`auth.id`), when there is one. */
    idCode?: string;
}

export const policy: StackValidationPolicy = {
    name,
    description:
        "Lambda authorizers must be invokable by API Gateway: an aws.lambda.Permission for apigateway.amazonaws.com scoped to the authorizer, or a credentials role.",
    enforcementLevel: "mandatory",
    configSchema: { properties: {} },
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const index = new StackIndex(args.resources);
        const permissions = InvokePermissionIndex.of(index);
        const unverified: string[] = [];
        for (const record of collect(index)) {
            const result = judgeAuthorizer(index, permissions, record);
            if (result.kind === "violation") reportViolation(result.message, record.urn);
            else if (result.kind === "unknown") unverified.push(`${record.urn}: ${result.reason}`);
        }
        if (unverified.length > 0) throw new CouldNotVerify(unverified);
    },
};

/** Every authorizer needing permission in the stack. OpenAPI-declared authorizers are appended here. */
export function collect(index: StackIndex): AuthorizerNeedingPermission[] {
    return [...authorizerResources(index), ...openApiAuthorizers(index)];
}

/** Lambda authorizers declared as aws.apigateway.Authorizer / aws.apigatewayv2.Authorizer resources. */
export function authorizerResources(index: StackIndex): AuthorizerNeedingPermission[] {
    const out: AuthorizerNeedingPermission[] = [];
    for (const a of index.ofType(T.authorizer)) {
        const props = raw(a.props) as Record<string, unknown>;
        const type = isUnknown(props.type) ? undefined : (asString(props.type) ?? "TOKEN").toUpperCase();
        if (type === "COGNITO_USER_POOLS") continue;
        const api = apiOf(index, a);
        out.push({
            source: "resource",
            urn: a.urn,
            label: `Lambda ${type ?? "(type unknown)"} authorizer ${q(a.name)}${api ? ` of REST API ${q(api.name)}` : ""}`,
            name: a.name,
            fn: resolveLambdaProperty(index, a, "authorizerUri", "invoke-uri"),
            api,
            apiId: asString(props.restApi) ?? (api ? index.idOf(api) : undefined),
            apiKind: "REST",
            authorizer: a,
            authorizerId: index.idOf(a),
            usesCredentials: isSet(props.authorizerCredentials),
            idCode: `${identifier(a.name)}.id`,
        });
    }
    for (const a of index.ofType(T.v2Authorizer)) {
        const props = raw(a.props) as Record<string, unknown>;
        const type = isUnknown(props.authorizerType) ? undefined : asString(props.authorizerType)?.toUpperCase();
        if (type === "JWT") continue;
        const api = owningApi(index, a);
        const protocol = api ? asString((raw(api.props) as Record<string, unknown>).protocolType)?.toUpperCase() : undefined;
        const apiKind = protocol === "WEBSOCKET" ? "WEBSOCKET" : protocol === "HTTP" ? "HTTP" : undefined;
        out.push({
            source: "resource",
            urn: a.urn,
            label: `Lambda ${type ?? "(type unknown)"} authorizer ${q(a.name)}${api ? ` of ${apiKind === "WEBSOCKET" ? "WebSocket" : "HTTP"} API ${q(api.name)}` : ""}`,
            name: a.name,
            fn: resolveLambdaProperty(index, a, "authorizerUri", "invoke-uri"),
            api,
            apiId: asString(props.apiId) ?? (api ? index.idOf(api) : undefined),
            apiKind,
            authorizer: a,
            authorizerId: index.idOf(a),
            usesCredentials: isSet(props.authorizerCredentialsArn),
            idCode: `${identifier(a.name)}.id`,
        });
    }
    return out;
}

type Judgement = { kind: "ok" } | { kind: "violation"; message: string } | { kind: "unknown"; reason: string };

export function judgeAuthorizer(index: StackIndex, permissions: InvokePermissionIndex, record: AuthorizerNeedingPermission): Judgement {
    if (record.usesCredentials) return { kind: "ok" };
    if (record.fn.kind === "not-lambda") return { kind: "ok" };
    if (record.fn.kind === "unknown") return { kind: "unknown", reason: `its Lambda function could not be resolved: ${record.fn.reason}` };
    const fn = record.fn.ref;
    const prefix = executeApiPrefix(index, record.api, record.apiId);
    const verdict = permissions.judge({
        kind: "authorizer",
        fn,
        api: record.api,
        apiId: record.apiId,
        authorizer: record.authorizer,
        presents: [authorizerArn(prefix, record.authorizerId)],
    });
    if (verdict.kind === "ok") return { kind: "ok" };
    if (verdict.kind === "unknown") return { kind: "unknown", reason: verdict.reasons.join("; ") };
    const apiCode = record.api ? `${identifier(record.api.name)}.executionArn` : "api.executionArn";
    const sourceArn = record.idCode
        ? `pulumi.interpolate\`\${${apiCode}}/authorizers/\${${record.idCode}}\``
        : `pulumi.interpolate\`\${${apiCode}}/authorizers/*\``;
    const found = verdict.notes.length > 0 ? ` Found: ${verdict.notes.join("; ")}.` : ` No aws.lambda.Permission for API Gateway names this function.`;
    const credentialsProp = record.apiKind === "REST" ? "authorizerCredentials" : "authorizerCredentialsArn";
    return {
        kind: "violation",
        message: formatFinding({
            problem:
                `${record.label} calls ${fn.label}, but nothing lets API Gateway invoke it as ${verdict.uncovered[0]}.${found}`,
            why: "API Gateway will answer 500 to every request on routes using it.",
            urn: record.urn,
            fix: permissionCode(`${record.name}-invoke`, fn, sourceArn),
            alternative:
                `let API Gateway assume a role instead: set \`${credentialsProp}: invokeRole.arn\` on the authorizer, where invokeRole trusts ` +
                `apigateway.amazonaws.com and allows lambda:InvokeFunction on the function.`,
        }),
    };
}

function isSet(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "";
}
