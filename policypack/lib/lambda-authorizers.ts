// Lambda authorizers API Gateway must be allowed to invoke, as records: one per aws.apigateway.Authorizer /
// aws.apigatewayv2.Authorizer resource here, one per OpenAPI-declared authorizer in openapi-authorizers.ts. The
// policy apigw-lambda-authorizer-permission judges both the same way.
import { PolicyResource } from "@pulumi/policy";
import { apiOf } from "./api-links";
import { identifier, LambdaLink, resolveLambdaProperty } from "./lambda";
import { q } from "./messages";
import { apiProtocol, owningApi } from "./routes";
import { StackIndex } from "./stack-index";
import { T } from "./types";
import { asString, isSet, isUnknown, raw } from "./values";

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
