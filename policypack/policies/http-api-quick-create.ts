// apigw-http-api-quick-create
//
// `aws.apigatewayv2.Api` with `target` uses quick create: API Gateway makes a `$default` route and integration
// itself, with no authorization, and no Route resource exists for any route policy or reviewer to see.
import { ResourceValidationPolicy, ResourceValidationArgs, ReportViolation } from "@pulumi/policy";
import { findAllowlistEntry } from "../lib/allowlist";
import { publicRoutesSchema, PublicRouteEntry } from "../lib/config";
import { allowlistHint, formatFinding, q } from "../lib/messages";
import { forType, T } from "../lib/types";
import { isSet, raw } from "../lib/values";

export const name = "apigw-http-api-quick-create";

export const policy: ResourceValidationPolicy = {
    name,
    description: "HTTP APIs must not use quick create (`target`), which adds an unauthenticated $default route no Route resource shows.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { publicRoutes: publicRoutesSchema } },
    validateResource: forType(T.v2Api, (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        const props = raw(args.props) as Record<string, unknown>;
        // Set at all, even to a value unknown during preview, means quick create.
        if (!isSet(props.target)) return;
        const publicRoutes = args.getConfig<{ publicRoutes?: PublicRouteEntry[] }>().publicRoutes ?? [];
        if (findAllowlistEntry(publicRoutes, { routeKey: "$default", name: args.name, urn: args.urn })) return;
        reportViolation(
            formatFinding({
                problem: `HTTP API ${q(args.name)} sets \`target\`, so API Gateway creates a $default route with authorization NONE.`,
                why: "Every request to the API reaches the target without credentials, and no Route resource exists to protect or review.",
                urn: args.urn,
                fix:
                    `const api = new aws.apigatewayv2.Api(${q(args.name)}, { protocolType: "HTTP" }); // no target\n` +
                    `const integration = new aws.apigatewayv2.Integration("handler", { apiId: api.id, integrationType: "AWS_PROXY", integrationUri: fn.arn, payloadFormatVersion: "2.0" });\n` +
                    `new aws.apigatewayv2.Route("default", { apiId: api.id, routeKey: "$default", target: pulumi.interpolate\`integrations/\${integration.id}\`,\n` +
                    `    authorizationType: "JWT", authorizerId: jwtAuthorizer.id });\n` +
                    `new aws.apigatewayv2.Stage("default", { apiId: api.id, name: "$default", autoDeploy: true });`,
                alternative: allowlistHint(name, "$default"),
            }),
        );
    }),
};
