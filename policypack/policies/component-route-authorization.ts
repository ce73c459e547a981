// apigw-component-route-authorization
//
// Pulumi's multi-language API component (`aws-apigateway:index:RestAPI`, which awsx forwards to) builds a REST API
// from a `routes` list. Offline, and to anyone reading the program, its children do not exist yet: the only place an
// open route shows is the component's own inputs. A route is protected when it has `authorizers` (a Lambda TOKEN or
// REQUEST authorizer with a handler, or a Cognito authorizer with providerARNs) or `iamAuthEnabled`; an API key alone
// counts only with `allowApiKeyOnly`. The component defaults every route to authorization NONE. A `swaggerString`
// is judged with the OpenAPI rules of apigw-openapi-requires-authorization.
//
// How this relates to the child level: under the real engine the component's children (a RestApi whose OpenAPI
// body the component generated) are analyzed too, by apigw-openapi-requires-authorization. Both levels list the same
// `METHOD /path`s: this policy reports them on the component, where the program's code is; the child report names the
// generated RestApi. Allowlist a route once per policy to silence both.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { findAllowlistEntry } from "../lib/allowlist";
import { EndpointAuthConfig, endpointAuthSchema, readEndpointAuthConfig } from "../lib/config";
import { allowlistHint, formatFinding, q } from "../lib/messages";
import { T } from "../lib/types";
import { findOpenOperations } from "../lib/openapi";
import { CouldNotVerify, isUnknown, raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-component-route-authorization";

export const metadata: PolicyMetadata = {
    group: "components",
    severity: "critical",
    resourceTypes: [T.awsApigatewayRestApiComponent],
    catalog: {
        resources: "`aws-apigateway:index:RestAPI` (the multi-language component awsx forwards to)",
        checks: "Every entry of `routes` needs `authorizers` (a Lambda authorizer with a `handler`, or Cognito `providerARNs`) or `iamAuthEnabled`; raw-`data` routes need `x-amazon-apigateway-auth` AWS_IAM or a non-empty `security`. `apiKeyRequired` alone follows `allowApiKeyOnly`; OPTIONS follows `exemptCorsPreflight`; a route without `method` is `ANY`. One violation per component lists every open `METHOD /path`.",
        config: "`publicRoutes`, `exemptCorsPreflight`, `allowApiKeyOnly`, `componentTypes` (default `[\"aws-apigateway:index:RestAPI\"]`)",
        fix: "`iamAuthEnabled: true` or `authorizers: [...]` on the route",
    },
    remediation: {
        steps: "Give every route of the component IAM authorization (`iamAuthEnabled: true`) or an authorizer (`authorizers: [...]`). A route that is public on purpose goes in `publicRoutes` with a reason.",
        code: [
            "new apigateway.RestAPI(\"api\", {",
            "    routes: [{ path: \"/orders\", method: \"GET\", eventHandler: handler, iamAuthEnabled: true }],",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "Pulumi: the aws-apigateway component", url: "https://www.pulumi.com/registry/packages/aws-apigateway/" },
        { title: "API Gateway: controlling and managing access to a REST API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html" },
    ],
};

interface Config extends EndpointAuthConfig {
    componentTypes: string[];
}

export const policy: ResourceValidationPolicy = {
    name,
    description:
        "Routes of Pulumi's API component (aws-apigateway:index:RestAPI) must have authorizers or iamAuthEnabled, unless allowlisted.",
    enforcementLevel: "mandatory",
    configSchema: endpointAuthSchema({
        componentTypes: {
            type: "array",
            items: { type: "string", minLength: 1 },
            default: [T.awsApigatewayRestApiComponent],
            description: "Component type tokens whose `routes` input follows @pulumi/aws-apigateway's RouteArgs.",
        },
    }),
    validateResource: (args, reportViolation) => {
        const rawConfig = args.getConfig<Partial<Config>>();
        const componentTypes = rawConfig.componentTypes ?? [T.awsApigatewayRestApiComponent];
        if (!componentTypes.includes(args.type)) return;
        const config = readEndpointAuthConfig(rawConfig);
        // Reading through the SDK's proxy: a `routes` list unknown during preview gives the engine's own advisory.
        const routesValue = raw(args.props.routes) as unknown;
        const routes = Array.isArray(routesValue) ? (routesValue as unknown[]) : [];
        const open: string[] = [];
        routes.forEach((r, i) => {
            const route = (r ?? {}) as Record<string, unknown>;
            const verdict = judgeRoute(route, config);
            if (verdict === "protected") return;
            const endpoint = routeEndpoint(route, i);
            if (findAllowlistEntry(config.publicRoutes, { method: endpoint.method, path: endpoint.path, name: args.name, urn: args.urn })) return;
            open.push(`${endpoint.method} ${endpoint.path}${verdict === "api-key-only" ? " (API key only)" : ""}`);
        });
        const unverified: string[] = [];
        const swagger = (raw(args.props) as Record<string, unknown>).swaggerString;
        if (swagger !== undefined && swagger !== null) {
            const result = findOpenOperations(swagger, config, { apiKind: "REST", name: args.name, urn: args.urn });
            if (result.status === "unknown") unverified.push(`${args.urn}: swaggerString is unknown during preview`);
            else if (result.status === "unparseable") open.push(`swaggerString cannot be parsed (${result.error})`);
            else for (const op of result.open) open.push(`${op.method} ${op.path} (swaggerString: ${op.reason})`);
        }
        if (open.length > 0) {
            reportViolation(
                formatFinding({
                    problem: `RestAPI component ${q(args.name)} has ${open.length} open route${open.length === 1 ? "" : "s"}: ${open.join(", ")}.`,
                    why: "The component gives every route authorization NONE unless it names authorizers or iamAuthEnabled, so anyone can call these.",
                    urn: args.urn,
                    fix:
                        `new apigateway.RestAPI(${q(args.name)}, {\n` +
                        `    routes: [{\n` +
                        `        path: "/pets", method: "GET", eventHandler: handler,\n` +
                        `        iamAuthEnabled: true, // or: authorizers: [{ parameterName: "Authorization", identitySource: ["method.request.header.Authorization"], handler: authorizerFn }]\n` +
                        `    }],\n` +
                        `});`,
                    alternative: allowlistHint(name, /^[A-Z]+ \//.test(open[0]) ? open[0].replace(/ \(.*\)$/, "") : "GET /your/path"),
                }),
            );
        }
        if (unverified.length > 0) throw new CouldNotVerify(unverified);
    },
};

type RouteVerdict = "protected" | "open" | "api-key-only";

function judgeRoute(route: Record<string, unknown>, config: EndpointAuthConfig): RouteVerdict {
    const method = typeof route.method === "string" ? route.method.toUpperCase() : "ANY";
    if (method === "OPTIONS" && config.exemptCorsPreflight) return "protected";
    if (route.iamAuthEnabled === true) return "protected";
    const authorizers = Array.isArray(route.authorizers) ? (route.authorizers as Record<string, unknown>[]) : [];
    if (authorizers.length > 0 && authorizers.every(isEffectiveAuthorizer)) return "protected";
    if (route.data && typeof route.data === "object" && operationIsProtected(route.data as Record<string, unknown>)) return "protected";
    if (route.apiKeyRequired === true) return config.allowApiKeyOnly ? "protected" : "api-key-only";
    return "open";
}

/** A Lambda authorizer needs a handler; a Cognito authorizer needs user pool ARNs (either may be unknown in preview). */
function isEffectiveAuthorizer(a: Record<string, unknown>): boolean {
    if (!a || typeof a !== "object") return false;
    const hasHandler = a.handler !== undefined && a.handler !== null;
    const hasPools = isUnknown(a.providerARNs) || (Array.isArray(a.providerARNs) && a.providerARNs.length > 0);
    return hasHandler || hasPools;
}

/** A raw-`data` route is protected by its own OpenAPI operation settings: IAM auth or a non-empty security requirement. */
function operationIsProtected(op: Record<string, unknown>): boolean {
    const auth = op["x-amazon-apigateway-auth"] as Record<string, unknown> | undefined;
    if (auth && typeof auth.type === "string" && auth.type.toUpperCase() === "AWS_IAM") return true;
    const security = op.security;
    return Array.isArray(security) && security.some((req) => req && typeof req === "object" && Object.keys(req).length > 0);
}

function routeEndpoint(route: Record<string, unknown>, i: number): { method: string; path: string } {
    const method = typeof route.method === "string" ? route.method.toUpperCase() : route.localPath !== undefined ? "GET" : "ANY";
    const rawPath = typeof route.path === "string" ? route.path : `(route ${i + 1}: path unknown)`;
    const path = rawPath.startsWith("/") || rawPath.startsWith("(") ? rawPath : `/${rawPath}`;
    return { method, path };
}
