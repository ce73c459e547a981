// apigw-openapi-requires-authorization
//
// A REST API (aws.apigateway.RestApi) or HTTP API (aws.apigatewayv2.Api) defined by an OpenAPI `body` creates its
// methods or routes inside API Gateway, with no Method or Route resource for the method/route policies (or any
// scanner that looks at those) to see. `@pulumi/aws-apigateway`, awsx and many hand-written programs work this way,
// and a route without authorizers or `iamAuthEnabled` comes out with authorization NONE. This policy reads the body
// (JSON or YAML, Swagger 2 or OpenAPI 3) and fails the API if any operation is open, listing every open operation as
// `METHOD /path` in ONE violation per API. Protection rules are in lib/openapi.ts; OPTIONS, `allowApiKeyOnly` and
// `publicRoutes` work as for methods. A body that does not parse is a violation carrying the parser's message (API
// Gateway would reject it, and nothing about it can be verified); a body unknown during preview (it embeds ARNs of
// resources not yet created) yields "could not verify", and is checked in the update, before the API is created.
//
// A resource policy: each API is judged on its own inputs, so a violation in `pulumi up` stops the API before it is
// created rather than after.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { endpointAuthSchema, readEndpointAuthConfig, EndpointAuthConfig } from "../lib/config";
import { allowlistHint, formatFinding, indent, q } from "../lib/messages";
import { ApiKind, findOpenOperations, OpenApiAuthorizationResult } from "../lib/openapi";
import { T } from "../lib/types";
import { asString, CouldNotVerify, raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-openapi-requires-authorization";

export const metadata: PolicyMetadata = {
    group: "bodies-policies-exposure",
    severity: "critical",
    resourceTypes: [T.restApi, T.v2Api],
    catalog: {
        resources: "`aws.apigateway.RestApi` and HTTP `aws.apigatewayv2.Api` with a `body` (resource policy)",
        checks: "Parses the OpenAPI body (Swagger 2 or OpenAPI 3, JSON or YAML). Every operation (`x-amazon-apigateway-any-method` = `ANY`) needs `x-amazon-apigateway-auth: {type: AWS_IAM}` or an effective `security` requirement (operation's, else root's; `security: []` = none; `{}` = anonymous) naming an API Gateway authorizer scheme (`x-amazon-apigateway-authorizer` token/request/cognito_user_pools/jwt) or IAM (`x-amazon-apigateway-authtype: awsSigv4`, no other spelling). An `x-amazon-apigateway-auth` type other than NONE or AWS_IAM leaves the operation open. Scheme names and `$ref`s are plain names (`constructor` is a missing scheme). Local `$ref`s are followed. On REST APIs a Lambda authorizer scheme without `x-amazon-apigateway-authtype` does not count (API Gateway ignores it, pulumi-aws-apigateway#10); api-key schemes follow `allowApiKeyOnly` (never on HTTP APIs). ONE violation per API lists every open `METHOD /path` (or `$default`) with the reason. A body that does not parse is a violation with the parser's message; a body unknown in preview is \"could not verify\".",
        config: "`publicRoutes`, `exemptCorsPreflight` (true), `allowApiKeyOnly` (false)",
        fix: "`security: [{ lambdaAuth: [] }]` + a scheme with `x-amazon-apigateway-authtype` and `x-amazon-apigateway-authorizer`; `iamAuthEnabled`/`authorizers` on component routes",
    },
    remediation: {
        steps: "Give every operation of the body a `security` requirement naming a scheme API Gateway enforces (a Lambda authorizer, a Cognito user pool, IAM), or set it once at the top of the document.",
        code: [
            "const body = {",
            "    openapi: \"3.0.1\",",
            "    security: [{ lambdaAuth: [] }],",
            "    components: {",
            "        securitySchemes: {",
            "            lambdaAuth: {",
            "                type: \"apiKey\", name: \"Authorization\", in: \"header\",",
            "                \"x-amazon-apigateway-authtype\": \"custom\",",
            "                \"x-amazon-apigateway-authorizer\": { type: \"token\", authorizerUri: authorizerFn.invokeArn },",
            "            },",
            "        },",
            "    },",
            "    paths: { /* ... */ },",
            "};",
            "new aws.apigateway.RestApi(\"api\", { body: pulumi.jsonStringify(body) });",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: OpenAPI extension x-amazon-apigateway-authorizer", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html" },
        { title: "API Gateway: controlling and managing access to a REST API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html" },
        { title: "API Gateway: controlling and managing access to an HTTP API", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html" },
    ],
};

export const policy: ResourceValidationPolicy = {
    name,
    description:
        "Every operation of an API defined by an OpenAPI body (RestApi.body, apigatewayv2.Api.body) must require authorization: an API Gateway authorizer or IAM.",
    enforcementLevel: "mandatory",
    configSchema: endpointAuthSchema(),
    validateResource: (args, reportViolation) => {
        const kind = apiKindOf(args.type, raw(args.props) as Record<string, unknown>);
        if (!kind) return;
        const props = raw(args.props) as Record<string, unknown>;
        const config = readEndpointAuthConfig(args.getConfig<Partial<EndpointAuthConfig>>());
        const result = findOpenOperations(props.body, config, { apiKind: kind, name: args.name, urn: args.urn });
        if (result.status === "unknown") {
            throw new CouldNotVerify([`${args.urn}: the OpenAPI body is unknown during preview (it is checked again in the update)`]);
        }
        const message = judgeBody(result, kind, args.name, args.urn);
        if (message) reportViolation(message);
    },
};

/** REST for RestApi; HTTP for an apigatewayv2 Api that is not a WebSocket API (only HTTP APIs import OpenAPI). */
function apiKindOf(type: string, props: Record<string, unknown>): ApiKind | undefined {
    if (type === T.restApi) return "REST";
    if (type !== T.v2Api) return undefined;
    const protocol = asString(props.protocolType)?.toUpperCase();
    return protocol === "WEBSOCKET" ? undefined : "HTTP";
}

/** The violation message for a judged body, or undefined when it is fine. Exported for components carrying bodies. */
export function judgeBody(result: OpenApiAuthorizationResult, kind: ApiKind, apiName: string, urn: string): string | undefined {
    const what = kind === "REST" ? "REST API" : "HTTP API";
    if (result.status === "unparseable") {
        return formatFinding({
            problem: `The OpenAPI body of ${what} ${q(apiName)} cannot be parsed: ${(result.error ?? "").replace(/\.$/, "")}.`,
            why: "API Gateway rejects or misreads it, and none of its operations can be checked for authorization.",
            urn,
            fix: `// pass a valid OpenAPI 3 or Swagger 2 document, e.g. built as an object and serialised:\nbody: pulumi.jsonStringify(spec),`,
        });
    }
    if (result.status !== "ok" || result.open.length === 0) return undefined;
    const list = result.open.map((o) => `  - ${o.key}: ${o.reason}`).join("\n");
    const n = result.open.length;
    return formatFinding({
        problem: `${what} ${q(apiName)} has ${n} operation${n === 1 ? "" : "s"} in its OpenAPI body that anyone can call.`,
        why: `API Gateway creates ${n === 1 ? "it" : "them"} with authorization NONE, and no Method or Route resource exists for other checks or reviewers to see:\n${list}`,
        urn,
        fix: fixFor(kind, result.version ?? "openapi3"),
        alternative: allowlistHint(name, result.open[0].key),
    });
}

function fixFor(kind: ApiKind, version: "swagger2" | "openapi3"): string {
    const holder = version === "swagger2" ? "securityDefinitions" : "components.securitySchemes";
    if (kind === "HTTP") {
        return (
            `// require a JWT (or Lambda) authorizer on every operation, e.g. at the root of the document:\n` +
            `security: [{ jwt: [] }],\n` +
            `components: { securitySchemes: { jwt: { type: "oauth2", flows: {},\n` +
            `    "x-amazon-apigateway-authorizer": { type: "jwt", identitySource: "$request.header.Authorization",\n` +
            `        jwtConfiguration: { issuer: "https://<issuer>", audience: ["<audience>"] } } } } },\n` +
            `// or IAM: a scheme with "x-amazon-apigateway-authtype": "awsSigv4"`
        );
    }
    return (
        `// @pulumi/aws-apigateway / awsx routes: set iamAuthEnabled: true or authorizers: [{ authType: "custom", ... }] on each route.\n` +
        `// In a hand-written body, give each operation (or the root) a requirement naming an authorizer scheme:\n` +
        `security: [{ lambdaAuth: [] }],\n` +
        `${holder}: {\n` +
        indent(
            `lambdaAuth: { type: "apiKey", name: "Authorization", in: "header",\n` +
                `    "x-amazon-apigateway-authtype": "custom", // required, or API Gateway ignores the authorizer\n` +
                `    "x-amazon-apigateway-authorizer": { type: "token", authorizerUri: authFn.invokeArn, authorizerResultTtlInSeconds: 0 } },`,
            4,
        ) +
        `\n},\n` +
        `// or per operation: "x-amazon-apigateway-auth": { type: "AWS_IAM" }`
    );
}
