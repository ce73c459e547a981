// apigw-ineffective-route-auth (advisory)
//
// Authorization settings that API Gateway does not apply give a false sense of protection. On a WebSocket API only
// `$connect` is authorized; an authorizer or authorization type on any other route is rejected at deploy time or
// has no effect, and whoever reviews the code may believe the route is protected on its own.
// Authorization scopes likewise only apply to Cognito user pool methods (REST `COGNITO_USER_POOLS`) and JWT routes
// (v2 `JWT`); on any other type they are ignored, so a route that "requires" `orders/write` accepts any caller the
// authorizer lets through (added with the cross-resource policies, issue 4).
import { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { formatFinding, q } from "../lib/messages";
import { knownAuthorization, routeFacts } from "../lib/routes";
import { stackPolicy } from "../lib/stack-policy";
import { T } from "../lib/types";
import { isSet, raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-ineffective-route-auth";

export const metadata: PolicyMetadata = {
    group: "endpoint-authorization",
    severity: "medium",
    resourceTypes: [T.v2Route, T.method],
    catalog: {
        resources: "`aws.apigatewayv2.Route` (stack policy)",
        checks: "Authorization settings API Gateway does not apply: an authorizer or authorization type on a WebSocket route other than `$connect`.",
        config: "—",
        fix: "authorize `$connect` only",
    },
    remediation: {
        steps: "Authorize a WebSocket API once, on `$connect`, and leave its other routes without authorization settings; put scopes only on JWT routes or Cognito-authorized methods.",
        code: [
            "new aws.apigatewayv2.Route(\"connect\", { apiId: api.id, routeKey: \"$connect\", authorizationType: \"CUSTOM\", authorizerId: authorizer.id });",
            "new aws.apigatewayv2.Route(\"send\", { apiId: api.id, routeKey: \"sendMessage\", authorizationType: \"NONE\" });",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: controlling access to a WebSocket API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-control-access.html" },
        { title: "API Gateway: JWT authorizers for HTTP APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html" },
        { title: "API Gateway: Cognito user pool authorizers for REST APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-integrate-with-cognito.html" },
    ],
};

export const policy: StackValidationPolicy = {
    name,
    description: "Authorization settings API Gateway does not apply (an authorizer on a WebSocket route other than $connect; scopes on a type that ignores them).",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
    validateStack: stackPolicy(({ index, report: reportViolation }) => {
        for (const route of index.ofType(T.v2Route)) {
            const facts = routeFacts(index, route);
            const props = raw(route.props) as Record<string, unknown>;
            const type = knownAuthorization(props);
            if (facts.protocol !== "WEBSOCKET" || facts.routeKey === "$connect") {
                ignoredScopes(route, type, "JWT", `Route ${q(facts.routeKey ?? route.name)}`, reportViolation);
                continue;
            }
            const hasAuthorizer = isSet(props.authorizerId);
            if ((type === undefined || type === "NONE") && !hasAuthorizer) continue;
            reportViolation(
                formatFinding({
                    problem: `WebSocket route ${q(facts.routeKey ?? "")}${facts.api ? ` on API ${q(facts.api.name)}` : ""} sets authorization ${type ?? "(unknown)"}${hasAuthorizer ? " with an authorizer" : ""}.`,
                    why: "API Gateway authorizes WebSocket clients only at $connect, so this setting protects nothing and AWS rejects it on deploy.",
                    urn: route.urn,
                    fix:
                        `// authorize the connection once, on $connect:\n` +
                        `new aws.apigatewayv2.Route("connect", { apiId: api.id, routeKey: "$connect", authorizationType: "CUSTOM", authorizerId: authorizer.id });\n` +
                        `// and leave the other routes without authorization settings:\n` +
                        `new aws.apigatewayv2.Route(${q(route.name)}, { apiId: api.id, routeKey: ${q(facts.routeKey ?? "")}, authorizationType: "NONE" });`,
                }),
                route.urn,
            );
        }
        for (const method of index.ofType(T.method)) {
            const type = knownAuthorization(raw(method.props) as Record<string, unknown>, "method");
            ignoredScopes(method, type, "COGNITO_USER_POOLS", `Method ${q(method.name)}`, reportViolation);
        }
    }),
};

/** Scopes set on a method or route whose authorization type (known) is not the one that applies them. */
function ignoredScopes(r: PolicyResource, type: string | undefined, applies: "JWT" | "COGNITO_USER_POOLS", what: string, reportViolation: ReportViolation): void {
    const scopes = (raw(r.props) as Record<string, unknown>).authorizationScopes;
    if (type === undefined || type === applies || !Array.isArray(scopes) || scopes.length === 0) return;
    const ctor = applies === "JWT" ? "aws.apigatewayv2.Route" : "aws.apigateway.Method";
    const typeProp = applies === "JWT" ? "authorizationType" : "authorization";
    reportViolation(
        formatFinding({
            problem: `${what} lists authorizationScopes (${scopes.map((x) => q(String(x))).join(", ")}) but its authorization is ${type}, which ignores scopes.`,
            why: `Scopes are only enforced with ${applies === "JWT" ? "a JWT authorizer" : "a Cognito user pool authorizer"}, so any caller the ${type} check admits gets in, whatever its scopes.`,
            urn: r.urn,
            fix:
                `new ${ctor}(${q(r.name)}, {\n` +
                `    // ...\n` +
                `    ${typeProp}: ${q(applies)},\n` +
                `    authorizerId: ${applies === "JWT" ? "jwtAuthorizer" : "cognitoAuthorizer"}.id,\n` +
                `    authorizationScopes: [${scopes.map((x) => q(String(x))).join(", ")}],\n` +
                `});\n` +
                `// or drop authorizationScopes and enforce the scope inside the ${type === "CUSTOM" ? "Lambda authorizer" : "backend"}`,
        }),
        r.urn,
    );
}
