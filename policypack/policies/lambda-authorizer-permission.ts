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
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { apiOf, authorizerArn, executeApiPrefix, foundText, InvokePermissionIndex, judgeInvokeTarget, permissionCode, roleAlternative } from "../lib/invoke-permission";
import { Judgement, reportJudgements } from "../lib/judgement";
import { identifier, LambdaLink, resolveLambdaProperty } from "../lib/lambda";
import { openApiAuthorizers } from "../lib/openapi-authorizers";
import { formatFinding, q } from "../lib/messages";
import { apiProtocol, owningApi } from "../lib/routes";
import { StackIndex } from "../lib/stack-index";
import { stackPolicy } from "../lib/stack-policy";
import { T } from "../lib/types";
import { asString, isSet, isUnknown, raw } from "../lib/values";

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
    validateStack: stackPolicy(({ index, report }) => {
        const permissions = InvokePermissionIndex.of(index);
        reportJudgements(collect(index), (record) => record.urn, (record) => judgeAuthorizer(index, permissions, record), report);
    }),
};

/** Every authorizer needing permission in the stack. OpenAPI-declared authorizers are appended here. */
function collect(index: StackIndex): AuthorizerNeedingPermission[] {
    return [...authorizerResources(index), ...openApiAuthorizers(index)];
}

/** Lambda authorizers declared as aws.apigateway.Authorizer / aws.apigatewayv2.Authorizer resources. */
function authorizerResources(index: StackIndex): AuthorizerNeedingPermission[] {
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
        const protocol = api ? apiProtocol(api) : undefined;
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

export function judgeAuthorizer(index: StackIndex, permissions: InvokePermissionIndex, record: AuthorizerNeedingPermission): Judgement {
    const outcome = judgeInvokeTarget(permissions, record, (fn) => ({
        kind: "authorizer",
        fn,
        api: record.api,
        apiId: record.apiId,
        authorizer: record.authorizer,
        presents: [authorizerArn(executeApiPrefix(index, record.api, record.apiId), record.authorizerId)],
    }));
    if (outcome.kind !== "missing") return outcome;
    const fn = outcome.fn;
    const apiCode = record.api ? `${identifier(record.api.name)}.executionArn` : "api.executionArn";
    const sourceArn = record.idCode
        ? `pulumi.interpolate\`\${${apiCode}}/authorizers/\${${record.idCode}}\``
        : `pulumi.interpolate\`\${${apiCode}}/authorizers/*\``;
    return {
        kind: "violation",
        message: formatFinding({
            problem:
                `${record.label} calls ${fn.label}, but nothing lets API Gateway invoke it as ${outcome.uncovered[0]}.${foundText(outcome.notes)}`,
            why: "API Gateway will answer 500 to every request on routes using it.",
            urn: record.urn,
            fix: permissionCode(`${record.name}-invoke`, fn, sourceArn),
            alternative: roleAlternative(record.apiKind === "REST" ? "authorizerCredentials" : "authorizerCredentialsArn", "authorizer"),
        }),
    };
}
