// apigw-authorizer-wiring
//
// The authorization type of a method or route and the authorizer it names must agree, or API Gateway either rejects
// the deployment or protects the endpoint differently from what the code says:
//   REST  CUSTOM              ⇒ authorizerId of a TOKEN or REQUEST authorizer of the same API
//   REST  COGNITO_USER_POOLS  ⇒ authorizerId of a COGNITO_USER_POOLS authorizer of the same API, with providerArns
//   v2    JWT                 ⇒ authorizerId of a JWT authorizer of the same API
//   v2    CUSTOM              ⇒ authorizerId of a REQUEST (Lambda) authorizer of the same API
//   AWS_IAM or NONE with an authorizerId: the authorizer is ignored, and the code reads as if it were applied.
// The authorizer is found through the `authorizerId` dependency (preview) or its known id (update). An authorizer
// that cannot be found (an id from outside the stack, an unknown value with no dependency) is reported as
// "could not verify" (advisory). An OPTIONS method or route with NONE and a leftover authorizerId is a CORS
// preflight, exempt as in the endpoint policies while `exemptCorsPreflight` (default true) is set. WebSocket routes
// other than $connect are left to apigw-ineffective-route-auth, and so are authorization scopes on methods and routes
// whose type ignores them (advisory). A type that is not one API Gateway defines is the endpoint policies' finding.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parseRouteKey } from "../lib/allowlist";
import { AuthorizerLink, linkedAuthorizer } from "../lib/authorizers";
import { exemptCorsPreflightSchema } from "../lib/config";
import { apiOf } from "../lib/api-links";
import { Judgement, reportJudgements } from "../lib/judgement";
import { identifier } from "../lib/lambda";
import { formatFinding, q } from "../lib/messages";
import { authorizationType, routeFacts } from "../lib/routes";
import { StackIndex } from "../lib/stack-index";
import { stackPolicy } from "../lib/stack-policy";
import { T } from "../lib/types";
import { asString, isUnknown, raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-authorizer-wiring";

export const metadata: PolicyMetadata = {
    group: "invoke-permissions",
    severity: "high",
    resourceTypes: [T.method, T.v2Route],
    catalog: {
        resources: "`aws.apigateway.Method`, `aws.apigatewayv2.Route` (stack policy)",
        checks: "REST `CUSTOM` ⇒ TOKEN/REQUEST authorizer; `COGNITO_USER_POOLS` ⇒ Cognito authorizer with `providerArns`; v2 `JWT` ⇒ JWT authorizer; v2 `CUSTOM` ⇒ REQUEST authorizer; always of the same API. `AWS_IAM` or `NONE` with an `authorizerId` (ignored authorizer) fails, except an OPTIONS preflight with NONE while `exemptCorsPreflight` is true (as in the endpoint policies).",
        config: "`exemptCorsPreflight` (true)",
        fix: "the authorization type matching the authorizer, or no `authorizerId`",
    },
    remediation: {
        steps: "Make the authorization type match the authorizer it names (CUSTOM with a TOKEN or REQUEST authorizer, COGNITO_USER_POOLS with a user pool authorizer, JWT with a JWT authorizer), from the same API; or drop `authorizerId`.",
        code: [
            "new aws.apigateway.Method(\"orders-get\", {",
            "    restApi: api.id,",
            "    resourceId: orders.id,",
            "    httpMethod: \"GET\",",
            "    authorization: \"CUSTOM\", // tokenAuthorizer is a TOKEN authorizer of the same API",
            "    authorizerId: tokenAuthorizer.id,",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: controlling and managing access to a REST API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html" },
        { title: "API Gateway: Lambda authorizers for REST APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html" },
        { title: "API Gateway: controlling and managing access to an HTTP API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html" },
    ],
};

export const policy: StackValidationPolicy = {
    name,
    description:
        "A method's or route's authorization type and its authorizer must agree (CUSTOM ⇒ Lambda authorizer, COGNITO_USER_POOLS ⇒ Cognito, JWT ⇒ JWT), on the same API; AWS_IAM and NONE take no authorizer.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { exemptCorsPreflight: exemptCorsPreflightSchema } },
    validateStack: stackPolicy<{ exemptCorsPreflight: boolean }>(({ index, config, report }) => {
        const exemptPreflight = config.exemptCorsPreflight ?? true;
        const judge = (r: PolicyResource) => (r.type === T.method ? judgeMethod(index, r, exemptPreflight) : judgeRoute(index, r, exemptPreflight));
        reportJudgements([...index.ofType(T.method), ...index.ofType(T.v2Route)], (r) => r.urn, judge, report);
    }),
};

function judgeMethod(index: StackIndex, method: PolicyResource, exemptPreflight: boolean): Judgement {
    const props = raw(method.props) as Record<string, unknown>;
    const auth = authorizationType(props, "method");
    if (auth.kind === "unknown") return { kind: "unknown", reason: "authorization is unknown during preview" };
    if (auth.kind === "unrecognised") return { kind: "ok" }; // apigw-method-requires-authorization reports it
    const type = auth.value;
    const link = linkedAuthorizer(index, method, [T.authorizer]);
    const api = apiOf(index, method);
    const what = `Method ${q(method.name)}${api ? ` of REST API ${q(api.name)}` : ""}`;
    const code = (extra: string) => `new aws.apigateway.Method(${q(method.name)}, {\n    // ...\n${extra}\n});`;

    if (type === "AWS_IAM" || type === "NONE") {
        if (link.kind === "none") return { kind: "ok" };
        // A CORS preflight is open by design (the endpoint policies exempt it the same way): a leftover authorizerId
        // misleads no one about its protection.
        if (type === "NONE" && exemptPreflight && asString(props.httpMethod)?.toUpperCase() === "OPTIONS") return { kind: "ok" };
        return ignoredAuthorizer(what, type, method.urn, code(`    authorization: "CUSTOM", // or "COGNITO_USER_POOLS", matching the authorizer\n    authorizerId: authorizer.id,`), link);
    }
    const wanted = type === "CUSTOM" ? "a TOKEN or REQUEST (Lambda) authorizer" : "a COGNITO_USER_POOLS authorizer";
    if (link.kind === "none") {
        return violation(
            `${what} has authorization ${type} but no authorizerId.`,
            "API Gateway rejects the method, or, if the setting is dropped on the way, the endpoint is deployed without the intended authorizer.",
            method.urn,
            code(`    authorization: ${q(type)},\n    authorizerId: ${type === "CUSTOM" ? "lambdaAuthorizer" : "cognitoAuthorizer"}.id, // ${wanted} of this API`),
        );
    }
    if (link.kind === "unknown") return { kind: "unknown", reason: link.reason };
    const a = link.authorizer;
    const aProps = raw(a.props) as Record<string, unknown>;
    if (isUnknown(aProps.type)) return { kind: "unknown", reason: `the type of authorizer ${q(a.name)} is unknown during preview` };
    const aType = (asString(aProps.type) ?? "TOKEN").toUpperCase();
    const aApi = apiOf(index, a);
    if (api && aApi && api.urn !== aApi.urn) return otherApi(what, a, aApi, method.urn, code(`    authorizerId: ${identifier(a.name)}OnThisApi.id, // an authorizer created with restApi: ${identifier(api.name)}.id`));
    const fits = type === "CUSTOM" ? aType === "TOKEN" || aType === "REQUEST" : aType === "COGNITO_USER_POOLS";
    if (!fits) {
        return violation(
            `${what} has authorization ${type} but its authorizer ${q(a.name)} is of type ${aType}; ${type} needs ${wanted}.`,
            "API Gateway rejects the pairing, or the endpoint is checked by a different mechanism than the code intends.",
            method.urn,
            code(`    authorization: ${q(aType === "COGNITO_USER_POOLS" ? "COGNITO_USER_POOLS" : "CUSTOM")}, // matches authorizer ${q(a.name)}\n    authorizerId: ${identifier(a.name)}.id,`),
        );
    }
    if (aType === "COGNITO_USER_POOLS") {
        const providers = aProps.providerArns;
        const empty = providers === undefined || providers === null || (Array.isArray(providers) && providers.length === 0);
        if (empty) {
            return violation(
                `${what} uses Cognito authorizer ${q(a.name)}, which has no providerArns.`,
                "A Cognito authorizer without user pools cannot validate any token, and API Gateway rejects it.",
                method.urn,
                `new aws.apigateway.Authorizer(${q(a.name)}, {\n    // ...\n    type: "COGNITO_USER_POOLS",\n    providerArns: [userPool.arn],\n});`,
            );
        }
    }
    return { kind: "ok" };
}

function judgeRoute(index: StackIndex, route: PolicyResource, exemptPreflight: boolean): Judgement {
    const props = raw(route.props) as Record<string, unknown>;
    const auth = authorizationType(props);
    if (auth.kind === "unknown") return { kind: "unknown", reason: "authorizationType is unknown during preview" };
    if (auth.kind === "unrecognised") return { kind: "ok" }; // apigw-route-requires-authorization reports it
    const type = auth.value;
    const facts = routeFacts(index, route);
    // Authorization on WebSocket routes other than $connect is apigw-ineffective-route-auth's finding.
    if (facts.protocol === "WEBSOCKET" && facts.routeKey !== "$connect") return { kind: "ok" };
    const link = linkedAuthorizer(index, route, [T.v2Authorizer]);
    const api = facts.api;
    const what = `Route ${q(facts.routeKey ?? route.name)}${api ? ` of ${facts.protocol === "WEBSOCKET" ? "WebSocket" : "HTTP"} API ${q(api.name)}` : ""}`;
    const code = (extra: string) => `new aws.apigatewayv2.Route(${q(route.name)}, {\n    // ...\n${extra}\n});`;

    if (type === "AWS_IAM" || type === "NONE") {
        if (link.kind === "none") return { kind: "ok" };
        if (type === "NONE" && exemptPreflight && parseRouteKey(facts.routeKey ?? "")?.method === "OPTIONS") return { kind: "ok" };
        return ignoredAuthorizer(what, type, route.urn, code(`    authorizationType: "JWT", // or "CUSTOM", matching the authorizer\n    authorizerId: authorizer.id,`), link);
    }
    const wanted = type === "JWT" ? "a JWT authorizer" : "a REQUEST (Lambda) authorizer";
    if (link.kind === "none") {
        return violation(
            `${what} has authorizationType ${type} but no authorizerId.`,
            "API Gateway rejects the route: a JWT or CUSTOM route must name the authorizer that checks it.",
            route.urn,
            code(`    authorizationType: ${q(type)},\n    authorizerId: ${type === "JWT" ? "jwtAuthorizer" : "lambdaAuthorizer"}.id, // ${wanted} of this API`),
        );
    }
    if (link.kind === "unknown") return { kind: "unknown", reason: link.reason };
    const a = link.authorizer;
    const aProps = raw(a.props) as Record<string, unknown>;
    if (isUnknown(aProps.authorizerType)) return { kind: "unknown", reason: `the type of authorizer ${q(a.name)} is unknown during preview` };
    const aType = (asString(aProps.authorizerType) ?? "").toUpperCase();
    const aApi = apiOf(index, a);
    if (api && aApi && api.urn !== aApi.urn) return otherApi(what, a, aApi, route.urn, code(`    authorizerId: ${identifier(a.name)}OnThisApi.id, // an authorizer created with apiId: ${identifier(api.name)}.id`));
    const fits = type === "JWT" ? aType === "JWT" : aType === "REQUEST";
    if (!fits) {
        return violation(
            `${what} has authorizationType ${type} but its authorizer ${q(a.name)} is of type ${aType || "(none)"}; ${type} needs ${wanted}.`,
            "API Gateway rejects the pairing, or the route is checked by a different mechanism than the code intends.",
            route.urn,
            code(`    authorizationType: ${q(aType === "JWT" ? "JWT" : "CUSTOM")}, // matches authorizer ${q(a.name)}\n    authorizerId: ${identifier(a.name)}.id,`),
        );
    }
    return { kind: "ok" };
}

function ignoredAuthorizer(what: string, type: string, urn: string, fix: string, link: AuthorizerLink): Judgement {
    const named = link.kind === "found" ? ` ${q(link.authorizer.name)}` : "";
    return violation(
        `${what} has authorization ${type} and also names an authorizer${named}, which ${type} ignores.`,
        type === "NONE"
            ? "The endpoint is open although the code reads as if the authorizer protected it."
            : "Only IAM signatures are checked; the authorizer the code names never runs.",
        urn,
        `${fix}\n// or keep ${type} and remove authorizerId`,
    );
}

function otherApi(what: string, a: PolicyResource, aApi: PolicyResource, urn: string, fix: string): Judgement {
    return violation(
        `${what} names authorizer ${q(a.name)}, which belongs to another API (${q(aApi.name)}).`,
        "API Gateway only applies authorizers of the method's own API, so the deployment fails or the intended check never runs.",
        urn,
        fix,
    );
}

function violation(problem: string, why: string, urn: string, fix: string): Judgement {
    return { kind: "violation", message: formatFinding({ problem, why, urn, fix }) };
}
