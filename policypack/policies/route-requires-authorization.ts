// apigw-route-requires-authorization
//
// An API Gateway v2 route with authorization NONE (or none set, which means NONE) is open. What counts depends on the
// API's protocol, found through the route's `apiId` dependency: on an HTTP API every route needs authorization,
// `$default` included (it catches every unmatched request); on a WebSocket API only `$connect` can carry
// authorization and must, while every other route is reached through an already authorized connection and is exempt.
// When the API is not in the stack the route key decides (`GET /pets` is HTTP, `$connect` and names are WebSocket);
// a `$default` route of an unresolvable API cannot be judged and is reported as unverified (advisory).
//
// Carries `remediateResource`: with enforcement level `remediate` it sets AWS_IAM (or the configured type) on open
// routes whose key alone proves they need it (`METHOD /path` and `$connect`) and are not allowlisted.
import { ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { findAllowlistEntry, parseRouteKey } from "../lib/allowlist";
import {
    EndpointAuthConfig,
    endpointAuthSchema,
    readEndpointAuthConfig,
    readRemediationConfig,
    RemediationConfig,
    remediationSchema,
    remediationTarget,
} from "../lib/config";
import { allowlistHint, formatFinding, q } from "../lib/messages";
import { unrecognisedText, V2_AUTHORIZATION, V2_PROTOCOL } from "../lib/enums";
import { authorizationType, knownAuthorization, protocolFromRouteKey, routeFacts } from "../lib/routes";
import { stackPolicy } from "../lib/stack-policy";
import { forType, T } from "../lib/types";
import { asString, raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-route-requires-authorization";

export const metadata: PolicyMetadata = {
    group: "endpoint-authorization",
    severity: "critical",
    resourceTypes: [T.v2Route],
    catalog: {
        resources: "`aws.apigatewayv2.Route` (stack policy + remediation)",
        checks: "`authorizationType` NONE or missing, or any value that is not NONE, AWS_IAM, CUSTOM or JWT (on any route). The API's `protocolType` (through the `apiId` dependency) decides: HTTP — every route including `$default`; WebSocket — `$connect` only. An unresolvable API falls back on the route key (`VERB /path` ⇒ HTTP, `$connect` ⇒ needs auth); an unresolvable `$default` is reported as unverified, unless the API's `protocolType` is set to a value AWS does not define, which makes an open `$default` a violation.",
        config: "as above: `publicRoutes`, `exemptCorsPreflight` (true), `allowApiKeyOnly` (false), `remediationAuthorization` one of `AWS_IAM`, `CUSTOM`, `JWT`, `remediationAuthorizerId`",
        fix: "`authorizationType: \"JWT\"`/`\"CUSTOM\"`/`\"AWS_IAM\"` + `authorizerId`",
    },
    remediation: {
        steps: "Set an authorization type on the route (JWT, CUSTOM or AWS_IAM) and, for JWT and CUSTOM, the authorizer that checks the caller. On a WebSocket API only `$connect` needs it. A route that is public on purpose goes in `publicRoutes` with a reason.",
        code: [
            "new aws.apigatewayv2.Route(\"orders-get\", {",
            "    apiId: api.id,",
            "    routeKey: \"GET /orders\",",
            "    authorizationType: \"JWT\",",
            "    authorizerId: jwtAuthorizer.id,",
            "    target: pulumi.interpolate`integrations/${integration.id}`,",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: controlling and managing access to an HTTP API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html" },
        { title: "API Gateway: controlling access to a WebSocket API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-api-control-access.html" },
        { title: "API Gateway: JWT authorizers for HTTP APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html" },
    ],
};

type Config = EndpointAuthConfig & RemediationConfig;

export const policy: StackValidationPolicy & Pick<ResourceValidationPolicy, "remediateResource"> = {
    name,
    description:
        "API Gateway v2 routes (aws.apigatewayv2.Route) must require authorization: every HTTP API route, and $connect on WebSocket APIs.",
    enforcementLevel: "mandatory",
    configSchema: endpointAuthSchema(remediationSchema(V2_AUTHORIZATION.values.filter((t) => t !== "NONE"), "routes")),
    validateStack: stackPolicy<Config>(({ index, config: given, report: reportViolation, unverified }) => {
        const config = readConfig(given);
        for (const route of index.ofType(T.v2Route)) {
            const props = raw(route.props) as Record<string, unknown>;
            const facts = routeFacts(index, route);
            const auth = authorizationType(props);
            if (auth.kind === "unrecognised") {
                reportViolation(unrecognisedMessage(route.name, route.urn, facts.routeKey ?? route.name, auth.raw), route.urn);
                continue;
            }
            const type = auth.kind === "known" ? auth.value : undefined;
            if (type === "NONE" && facts.unresolved && facts.unrecognisedProtocol !== undefined) {
                // Not a doubt about unknown values: the API's protocol is one AWS does not define, so no reading of it
                // makes this open route safe.
                reportViolation(unrecognisedProtocolMessage(route.name, route.urn, facts.routeKey ?? route.name, facts.api?.name ?? "", facts.unrecognisedProtocol), route.urn);
                continue;
            }
            if (facts.unresolved || type === undefined) {
                if (type !== undefined && type !== "NONE") continue; // protected whatever the protocol
                unverified.push(`${route.urn}: ${facts.unresolved ?? "authorizationType is unknown"}`);
                continue;
            }
            if (type !== "NONE" || !needsAuthorization(facts.protocol!, facts.routeKey, config)) continue;
            const parsed = facts.routeKey ? parseRouteKey(facts.routeKey) : undefined;
            const endpoint = { method: parsed?.method, path: parsed?.path, routeKey: facts.routeKey, name: route.name, urn: route.urn };
            if (findAllowlistEntry(config.publicRoutes, endpoint)) continue;
            reportViolation(openRouteMessage(route.name, route.urn, facts.routeKey ?? "", facts.protocol!, facts.api?.name), route.urn);
        }
    }, T.v2Route),
    remediateResource: forType(T.v2Route, (args: ResourceValidationArgs) => {
        const config = readConfig(args.getConfig<Partial<Config>>());
        const props = raw(args.props) as Record<string, unknown>;
        const routeKey = asString(props.routeKey);
        const protocol = protocolFromRouteKey(routeKey);
        if (routeKey === undefined || protocol === undefined || knownAuthorization(props) !== "NONE") return undefined;
        if (!needsAuthorization(protocol, routeKey, config)) return undefined;
        const parsed = parseRouteKey(routeKey);
        if (findAllowlistEntry(config.publicRoutes, { method: parsed?.method, path: parsed?.path, routeKey, name: args.name, urn: args.urn })) {
            return undefined;
        }
        const target = remediationTarget(config);
        if (!target) return undefined;
        args.props.authorizationType = target.type;
        if (target.authorizerId) args.props.authorizerId = target.authorizerId;
        return args.props;
    }),
};

function readConfig(raw: Partial<Config>): Config {
    return { ...readEndpointAuthConfig(raw), ...readRemediationConfig(raw) };
}

function needsAuthorization(protocol: "HTTP" | "WEBSOCKET", routeKey: string | undefined, config: EndpointAuthConfig): boolean {
    if (protocol === "WEBSOCKET") return routeKey === "$connect";
    return !(config.exemptCorsPreflight && parseRouteKey(routeKey ?? "")?.method === "OPTIONS");
}

function openRouteMessage(resourceName: string, urn: string, routeKey: string, protocol: "HTTP" | "WEBSOCKET", apiName?: string): string {
    const onApi = apiName ? ` on ${protocol === "HTTP" ? "HTTP" : "WebSocket"} API ${q(apiName)}` : "";
    const why =
        protocol === "WEBSOCKET"
            ? "Anyone can open a connection, and every other route of the API trusts connections accepted at $connect."
            : routeKey === "$default"
              ? "It answers every request no other route matches, without credentials."
              : "Anyone who can reach the API can call it without credentials.";
    const fix =
        protocol === "WEBSOCKET"
            ? `new aws.apigatewayv2.Route(${q(resourceName)}, {\n    // ...\n    routeKey: "$connect",\n    authorizationType: "CUSTOM", // a REQUEST Lambda authorizer, or "AWS_IAM"\n    authorizerId: authorizer.id,\n});`
            : `new aws.apigatewayv2.Route(${q(resourceName)}, {\n    // ...\n    authorizationType: "JWT", // or "AWS_IAM", or "CUSTOM" with a Lambda authorizer\n    authorizerId: jwtAuthorizer.id,\n});`;
    return formatFinding({
        problem: `Route ${q(routeKey)}${onApi} has authorization NONE.`,
        why,
        urn,
        fix,
        alternative: allowlistHint(name, routeKey),
    });
}

function unrecognisedMessage(resourceName: string, urn: string, routeKey: string, value: unknown): string {
    return formatFinding({
        problem: `Route ${q(routeKey)} has authorizationType ${unrecognisedText(V2_AUTHORIZATION, value)}.`,
        why: "Whether and how API Gateway would protect the route cannot be told from a value it does not define, so it is not accepted as protection.",
        urn,
        fix: `new aws.apigatewayv2.Route(${q(resourceName)}, {\n    // ...\n    authorizationType: "JWT", // or "AWS_IAM", or "CUSTOM" with a Lambda authorizer; "NONE" only for allowlisted routes\n    authorizerId: jwtAuthorizer.id,\n});`,
    });
}

function unrecognisedProtocolMessage(resourceName: string, urn: string, routeKey: string, apiName: string, value: unknown): string {
    return formatFinding({
        problem: `Route ${q(routeKey)} has authorization NONE, and its API ${q(apiName)} has protocolType ${unrecognisedText(V2_PROTOCOL, value)}.`,
        why: "Whether the route must be authorized depends on the protocol, and no protocol AWS defines makes an open $default route safe to assume.",
        urn,
        fix: `new aws.apigatewayv2.Api(${q(apiName)}, { protocolType: "HTTP" }); // or "WEBSOCKET"\nnew aws.apigatewayv2.Route(${q(resourceName)}, {\n    // ...\n    authorizationType: "JWT", // or "AWS_IAM"/"CUSTOM" with an authorizer\n});`,
    });
}
