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

export const name = "apigw-http-api-quick-create";

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
