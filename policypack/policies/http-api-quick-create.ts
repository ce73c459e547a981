// apigw-http-api-quick-create
//
// `aws.apigatewayv2.Api` with `target` uses quick create: API Gateway makes the route the Api's `routeKey` names
// (`$default` when unset) and its integration itself, with no authorization, and no Route resource exists for any
// route policy or reviewer to see. Messages, the fix and `publicRoutes` matching use that actual route key.
import { ResourceValidationPolicy, ResourceValidationArgs, ReportViolation } from "@pulumi/policy";
import { findAllowlistEntry, parseRouteKey } from "../lib/allowlist";
import { publicRoutesSchema, readPublicRoutes } from "../lib/config";
import { allowlistHint, formatFinding, q } from "../lib/messages";
import { forType, T } from "../lib/types";
import { asString, isSet, isUnknown, raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-http-api-quick-create";

export const metadata: PolicyMetadata = {
    group: "endpoint-authorization",
    severity: "critical",
    resourceTypes: [T.v2Api],
    catalog: {
        resources: "`aws.apigatewayv2.Api`",
        checks: "`target` set (quick create) adds the route the Api's `routeKey` names (`$default` when unset) with no authorization and no Route resource. Message, fix and allowlist use that route key; an unknown one matches only `resource` entries.",
        config: "`publicRoutes` (the route key, e.g. `$default` or `GET /`, or resource glob)",
        fix: "drop `target`; declare Integration, an authorized Route and a Stage",
    },
    remediation: {
        steps: "Drop `target` from the Api: quick create adds a route nobody authorizes. Declare the integration, an authorized route and a stage yourself.",
        code: [
            "const api = new aws.apigatewayv2.Api(\"api\", { protocolType: \"HTTP\" });",
            "const integration = new aws.apigatewayv2.Integration(\"handler\", { apiId: api.id, integrationType: \"AWS_PROXY\", integrationUri: handler.arn, payloadFormatVersion: \"2.0\" });",
            "new aws.apigatewayv2.Route(\"default\", {",
            "    apiId: api.id,",
            "    routeKey: \"$default\",",
            "    authorizationType: \"JWT\",",
            "    authorizerId: jwtAuthorizer.id,",
            "    target: pulumi.interpolate`integrations/${integration.id}`,",
            "});",
            "new aws.apigatewayv2.Stage(\"default\", { apiId: api.id, name: \"$default\", autoDeploy: true });",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: developing HTTP APIs (routes, quick create)", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop.html" },
        { title: "API Gateway: controlling and managing access to an HTTP API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html" },
    ],
};

export const policy: ResourceValidationPolicy = {
    name,
    description: "HTTP APIs must not use quick create (`target`), which adds an unauthenticated route ($default, or the Api's routeKey) no Route resource shows.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { publicRoutes: publicRoutesSchema } },
    validateResource: forType(T.v2Api, (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        const props = raw(args.props) as Record<string, unknown>;
        // Set at all, even to a value unknown during preview, means quick create.
        if (!isSet(props.target)) return;
        const publicRoutes = readPublicRoutes(args.getConfig<{ publicRoutes?: unknown }>().publicRoutes);
        // Quick create makes the route the Api's `routeKey` names ($default when unset). One unknown during preview
        // matches only resource entries: the first run that knows it decides about route entries.
        const routeKey = isUnknown(props.routeKey) ? undefined : (asString(props.routeKey) ?? "$default");
        const parsed = routeKey !== undefined ? parseRouteKey(routeKey) : undefined;
        if (findAllowlistEntry(publicRoutes, { method: parsed?.method, path: parsed?.path, routeKey, name: args.name, urn: args.urn })) return;
        const shown = routeKey ?? "(route key unknown during preview)";
        const why =
            routeKey === "$default"
                ? "Every request to the API reaches the target without credentials, and no Route resource exists to protect or review."
                : "Anyone can call the route without credentials, and no Route resource exists to protect or review.";
        const routeCode = routeKey ?? "GET /your/path";
        reportViolation(
            formatFinding({
                problem: `HTTP API ${q(args.name)} sets \`target\`, so API Gateway creates the route ${q(shown)} with authorization NONE.`,
                why,
                urn: args.urn,
                fix:
                    `const api = new aws.apigatewayv2.Api(${q(args.name)}, { protocolType: "HTTP" }); // no target or routeKey\n` +
                    `const integration = new aws.apigatewayv2.Integration("handler", { apiId: api.id, integrationType: "AWS_PROXY", integrationUri: fn.arn, payloadFormatVersion: "2.0" });\n` +
                    `new aws.apigatewayv2.Route("route", { apiId: api.id, routeKey: ${q(routeCode)}, target: pulumi.interpolate\`integrations/\${integration.id}\`,\n` +
                    `    authorizationType: "JWT", authorizerId: jwtAuthorizer.id });\n` +
                    `new aws.apigatewayv2.Stage("default", { apiId: api.id, name: "$default", autoDeploy: true });`,
                alternative: allowlistHint(name, routeCode),
            }),
        );
    }),
};
