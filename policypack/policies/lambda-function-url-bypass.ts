// lambda-function-url-bypass
//
// A Lambda function URL (aws.lambda.FunctionUrl) with `authorizationType: "NONE"` is a public HTTPS endpoint,
// https://<id>.lambda-url.<region>.on.aws, that answers without credentials: the same hole an open API Gateway route
// is, so every such URL is a violation unless allowlisted with a reason. When the function is also behind an
// authorized API Gateway route, the message says so: the URL then also skips that API's authorizer, resource policy,
// throttling and any WAF. (A NONE URL also needs a lambda:InvokeFunctionUrl permission for "*" to answer; that
// permission may be added outside the stack or later, so the URL itself is the finding.) An authorizationType that
// is not one Lambda defines (NONE, AWS_IAM; lib/enums.ts) is a violation too; one unknown during preview is listed as
// "could not verify".
//
// "Behind an authorized route": the function is the Lambda integration of
//   - a REST Method whose authorization is not NONE (the Integration is matched to its Method by property
//     dependency on `httpMethod`, or by API + resource + HTTP method);
//   - an HTTP API route whose authorizationType is not NONE (route `target` → Integration), or any route of a
//     WebSocket API whose $connect route is authorized;
//   - an OpenAPI body operation that requires an authorizer or IAM (lib/openapi.ts), through its
//     x-amazon-apigateway-integration uri.
// Functions are resolved with lib/lambda.ts (dependency on the Function or Alias in preview; names and ARNs when
// known); a URL on any qualifier of the function counts. A URL that is deliberately public can be allowlisted with
// a `publicRoutes` entry naming the FunctionUrl resource (`{ "resource": "<name or URN glob>", "reason": ... }`).
// The policy keeps its name (a public interface) although it now covers every open URL, not only bypasses.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { findAllowlistEntry } from "../lib/allowlist";
import { publicRoutesSchema, readPublicRoutes } from "../lib/config";
import { LambdaLink, LambdaRef, lambdaLinkFromValue, resolveLambdaProperty, sameFunction } from "../lib/lambda";
import { formatFinding, q } from "../lib/messages";
import { bodyOperations, parseOpenApiBody } from "../lib/openapi";
import { methodPath } from "../lib/rest-paths";
import { FUNCTION_URL_AUTHORIZATION, unrecognisedText } from "../lib/enums";
import { apiProtocol, authorizationType, knownAuthorization, routeFacts } from "../lib/routes";
import { StackIndex } from "../lib/stack-index";
import { stackPolicy } from "../lib/stack-policy";
import { T } from "../lib/types";
import { asString, raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "lambda-function-url-bypass";

export const metadata: PolicyMetadata = {
    group: "bodies-policies-exposure",
    severity: "critical",
    resourceTypes: [T.lambdaFunctionUrl],
    catalog: {
        resources: "`aws.lambda.FunctionUrl` (stack policy)",
        checks: "Every function URL with `authorizationType: NONE` (or missing): a public, unauthenticated HTTPS endpoint. When the function is also the Lambda integration of an authorized REST method, an authorized HTTP route, any route of a WebSocket API whose `$connect` is authorized, or a protected OpenAPI body operation, the message says the URL bypasses that authorization. A type other than NONE or AWS_IAM fails too; an unknown one is \"could not verify\". (The name stays: it is a public interface.)",
        config: "`publicRoutes` (entries with `resource` naming the FunctionUrl)",
        fix: "remove the URL or `authorizationType: \"AWS_IAM\"`",
    },
    remediation: {
        steps: "Remove the function URL, or require IAM-signed calls on it. A URL that is public on purpose goes in `publicRoutes` with a reason.",
        code: [
            "new aws.lambda.FunctionUrl(\"handler-url\", {",
            "    functionName: handler.name,",
            "    authorizationType: \"AWS_IAM\",",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "AWS Lambda: access control for function URLs", url: "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html" },
    ],
};

interface Fronted {
    ref: LambdaRef;
    /** How the function is reached through the API, for messages. */
    via: string;
}

export const policy: StackValidationPolicy = {
    name,
    description:
        "Lambda function URLs must not have authorizationType NONE (a public, unauthenticated endpoint; behind an authorized API it also bypasses the authorizer), unless allowlisted.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { publicRoutes: publicRoutesSchema } },
    validateStack: stackPolicy<{ publicRoutes: unknown }>(({ index, config, report: reportViolation, unverified }) => {
        const urls = index.ofType(T.lambdaFunctionUrl);
        if (urls.length === 0) return;
        const publicRoutes = readPublicRoutes(config.publicRoutes);
        const { fronted } = frontedFunctions(index);
        const byKey = new Map<string, Fronted[]>();
        for (const f of fronted) {
            let list = byKey.get(f.ref.key);
            if (!list) byKey.set(f.ref.key, (list = []));
            list.push(f);
        }
        for (const url of urls) {
            const auth = authorizationType(raw(url.props) as Record<string, unknown>, "function-url");
            if (auth.kind === "unrecognised") {
                reportViolation(unrecognisedMessage(url, auth.raw), url.urn);
                continue;
            }
            if (auth.kind === "known" && auth.value !== "NONE") continue;
            if (findAllowlistEntry(publicRoutes, { name: url.name, urn: url.urn })) continue;
            if (auth.kind === "unknown") {
                unverified.push(`${url.urn}: authorizationType is unknown during preview; with NONE the URL is a public endpoint`);
                continue;
            }
            const link = resolveLambdaProperty(index, url, "functionName", "function");
            const hit = link.kind === "lambda" ? (byKey.get(link.ref.key) ?? []).find((f) => sameFunction(f.ref, link.ref) === "yes") : undefined;
            reportViolation(message(url, link, hit), url.urn);
        }
    }, T.lambdaFunctionUrl),
};

/** Functions behind authorized routes (to say so in the message). */
function frontedFunctions(index: StackIndex): { fronted: Fronted[] } {
    const fronted: Fronted[] = [];
    const add = (link: LambdaLink, via: string) => {
        if (link.kind === "lambda") fronted.push({ ref: link.ref, via });
    };

    // REST: Methods by dependency, and by (API, resource, HTTP method).
    const methodKey = (r: PolicyResource, apiProp: string, resProp: string, httpMethod: unknown) => {
        const ref = (prop: string) => index.dependenciesOf(r, prop)[0]?.urn ?? asString((raw(r.props) as Record<string, unknown>)[prop]);
        const api = ref(apiProp);
        const res = ref(resProp);
        const m = asString(httpMethod)?.toUpperCase();
        return api && res && m ? `${api}\u0000${res}\u0000${m}` : undefined;
    };
    const methods = new Map<string, PolicyResource>();
    for (const m of index.ofType(T.method)) {
        const key = methodKey(m, "restApi", "resourceId", (raw(m.props) as Record<string, unknown>).httpMethod);
        if (key) methods.set(key, m);
    }
    for (const integration of index.ofType(T.integration)) {
        const props = raw(integration.props) as Record<string, unknown>;
        const method =
            index.dependenciesOf(integration, "httpMethod", [T.method])[0] ?? methods.get(methodKey(integration, "restApi", "resourceId", props.httpMethod) ?? "");
        if (!method) continue;
        const mProps = raw(method.props) as Record<string, unknown>;
        const authorization = knownAuthorization(mProps, "method");
        if (authorization === undefined || authorization === "NONE") continue;
        const path = methodPath(index, method);
        const verb = (asString(mProps.httpMethod) ?? "?").toUpperCase();
        add(resolveLambdaProperty(index, integration, "uri", "invoke-uri"), `serves Method ${verb} ${path ?? "(path unknown)"} with ${authorization} authorization`);
    }

    // API Gateway v2 routes → integrations. WebSocket: every route counts once $connect is authorized.
    const wsAuthorized = new Set<string>();
    const routes = index.ofType(T.v2Route).map((route) => ({ route, facts: routeFacts(index, route), type: knownAuthorization(raw(route.props) as Record<string, unknown>) }));
    for (const { facts, type } of routes) {
        if (facts.protocol === "WEBSOCKET" && facts.routeKey === "$connect" && facts.api && type !== undefined && type !== "NONE") wsAuthorized.add(facts.api.urn);
    }
    for (const { route, facts, type } of routes) {
        const authorized =
            facts.protocol === "WEBSOCKET" ? facts.api !== undefined && wsAuthorized.has(facts.api.urn) : type !== undefined && type !== "NONE";
        if (!authorized) continue;
        const [integration] = index.dependenciesOf(route, "target", [T.v2Integration]);
        if (!integration) continue;
        const via =
            facts.protocol === "WEBSOCKET"
                ? `serves route ${q(facts.routeKey ?? "")} of a WebSocket API whose $connect is authorized`
                : `serves route ${q(facts.routeKey ?? "")} with ${type} authorization`;
        add(resolveLambdaProperty(index, integration, "integrationUri", "integration-uri"), via);
    }

    // OpenAPI bodies.
    for (const api of [...index.ofType(T.restApi), ...index.ofType(T.v2Api)]) {
        const props = raw(api.props) as Record<string, unknown>;
        const kind = api.type === T.restApi ? "REST" : "HTTP";
        if (kind === "HTTP" && apiProtocol(api) === "WEBSOCKET") continue;
        const body = parseOpenApiBody(props.body);
        if (body.status !== "ok") continue;
        for (const op of bodyOperations(body.doc, kind)) {
            if ((op.auth.kind !== "authorizer" && op.auth.kind !== "iam") || !op.integrationUri) continue;
            add(lambdaLinkFromValue(index, op.integrationUri, kind === "REST" ? "invoke-uri" : "integration-uri"), `serves ${op.key} of ${kind} API ${q(api.name)}'s OpenAPI body with ${op.auth.kind === "iam" ? "IAM" : "authorizer"} protection`);
        }
    }
    return { fronted };
}

function message(url: PolicyResource, link: LambdaLink, hit: Fronted | undefined): string {
    const fn = link.kind === "lambda" ? link.ref : undefined;
    const label = fn ? fn.label : "its function";
    return formatFinding({
        problem: hit
            ? `Function URL ${q(url.name)} of ${label} has authorization NONE, while the same function ${hit.via}.`
            : `Function URL ${q(url.name)} of ${label} has authorization NONE: it is a public HTTPS endpoint that needs no credentials.`,
        why: hit
            ? "Anyone who finds the function URL calls the handler directly and skips the API's authorizer, resource policy, throttling and WAF."
            : "Anyone who finds https://<url-id>.lambda-url.<region>.on.aws can invoke the function without authenticating.",
        urn: url.urn,
        fix:
            `// remove the function URL, or require IAM (SigV4) on it:\n` +
            `new aws.lambda.FunctionUrl(${q(url.name)}, {\n` +
            `    functionName: ${fn ? fn.code : "fn.name"},\n` +
            `    authorizationType: "AWS_IAM",\n` +
            `});`,
        alternative: allowlistText(url),
    });
}

function allowlistText(url: PolicyResource): string {
    return (
        `if the URL is deliberately public, allowlist it (--policy-pack-config):\n` +
        `{ "${name}": { "publicRoutes": [{ "resource": ${q(url.name)}, "reason": "<why it is public>" }] } }`
    );
}

function unrecognisedMessage(url: PolicyResource, value: unknown): string {
    return formatFinding({
        problem: `Function URL ${q(url.name)} has authorizationType ${unrecognisedText(FUNCTION_URL_AUTHORIZATION, value)}.`,
        why: "A value Lambda does not define cannot be taken for IAM authentication, and a function URL without it is public.",
        urn: url.urn,
        fix: `new aws.lambda.FunctionUrl(${q(url.name)}, {\n    // ...\n    authorizationType: "AWS_IAM", // or "NONE", allowlisted with a reason if it is deliberately public\n});`,
    });
}
