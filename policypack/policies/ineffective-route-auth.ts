// apigw-ineffective-route-auth (advisory)
//
// Authorization settings that API Gateway does not apply give a false sense of protection. On a WebSocket API only
// `$connect` is authorized; an authorizer or authorization type on any other route is rejected at deploy time or
// has no effect, and whoever reviews the code may believe the route is protected on its own.
import { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { formatFinding, q } from "../lib/messages";
import { authorizationType, routeFacts } from "../lib/routes";
import { StackIndex } from "../lib/stack-index";
import { T } from "../lib/types";
import { asString, raw } from "../lib/values";

export const name = "apigw-ineffective-route-auth";

export const policy: StackValidationPolicy = {
    name,
    description: "Authorization settings API Gateway does not apply (e.g. an authorizer on a WebSocket route other than $connect).",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const index = new StackIndex(args.resources);
        for (const route of index.ofType(T.v2Route)) {
            const facts = routeFacts(index, route);
            if (facts.protocol !== "WEBSOCKET" || facts.routeKey === "$connect") continue;
            const props = raw(route.props) as Record<string, unknown>;
            const type = authorizationType(props);
            const hasAuthorizer = props.authorizerId !== undefined && props.authorizerId !== null && asString(props.authorizerId) !== "";
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
    },
};
