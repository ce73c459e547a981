// Lambda authorizers declared inside OpenAPI bodies (`x-amazon-apigateway-authorizer` of type token or request in a
// security scheme), as records for apigw-lambda-authorizer-permission: API Gateway must be allowed to invoke them
// exactly like Authorizer resources. `@pulumi/aws-apigateway`/awsx set `authorizerCredentials` (a role) for every
// Lambda authorizer they create; hand-written bodies often rely on an aws.lambda.Permission instead.
//
// Only authorizers some operation actually uses count (an unused or ignored scheme is never invoked). A body that is
// unknown during preview yields nothing here (apigw-openapi-requires-authorization reports it as not verified); the
// update, where the body is known, judges it.
import { lambdaLinkFromValue } from "./lambda";
import { AuthorizerNeedingPermission } from "./lambda-authorizers";
import { q } from "./messages";
import { ApiKind, bodyLambdaAuthorizers, parseOpenApiBody } from "./openapi";
import { apiProtocol } from "./routes";
import { StackIndex } from "./stack-index";
import { T } from "./types";
import { raw } from "./values";

export function openApiAuthorizers(index: StackIndex): AuthorizerNeedingPermission[] {
    const out: AuthorizerNeedingPermission[] = [];
    for (const api of [...index.ofType(T.restApi), ...index.ofType(T.v2Api)]) {
        const props = raw(api.props) as Record<string, unknown>;
        const kind: ApiKind = api.type === T.restApi ? "REST" : "HTTP";
        if (kind === "HTTP" && apiProtocol(api) === "WEBSOCKET") continue;
        const body = parseOpenApiBody(props.body);
        if (body.status !== "ok") continue;
        for (const a of bodyLambdaAuthorizers(body, kind)) {
            if (a.usedBy.length === 0) continue;
            out.push({
                source: "openapi",
                urn: api.urn,
                label: `Lambda ${a.type.toUpperCase()} authorizer ${q(a.name)} in the OpenAPI body of ${kind} API ${q(api.name)}`,
                name: `${api.name}-${a.name}`,
                fn: a.authorizerUri
                    ? lambdaLinkFromValue(index, a.authorizerUri, "invoke-uri")
                    : { kind: "unknown", reason: `scheme ${q(a.name)} has no authorizerUri string` },
                api,
                apiId: index.idOf(api),
                apiKind: kind,
                usesCredentials: a.hasCredentials,
            });
        }
    }
    return out;
}
