// lambda-function-url-bypass
//
// An authorizer only protects the paths that go through API Gateway. A Lambda function behind an authorized route
// that also has a function URL (aws.lambda.FunctionUrl) with `authorizationType: "NONE"` can be called directly at
// https://<id>.lambda-url.<region>.on.aws, skipping the authorizer, the resource policy, throttling and any WAF in
// front of the API. (A NONE URL also needs a lambda:InvokeFunctionUrl permission for "*" to answer; that permission
// may be added outside the stack or later, so the URL itself is the finding.)
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
import { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { findAllowlistEntry } from "../lib/allowlist";
import { PublicRouteEntry, publicRoutesSchema } from "../lib/config";
import { LambdaLink, LambdaRef, lambdaLinkFromValue, refFromAlias, refFromFunction, resolveLambdaProperty, sameFunction } from "../lib/lambda";
import { formatFinding, q } from "../lib/messages";
import { bodyOperations, parseOpenApiBody } from "../lib/openapi";
import { methodPath } from "../lib/rest-paths";
import { apiProtocol, authorizationType, routeFacts } from "../lib/routes";
import { StackIndex } from "../lib/stack-index";
import { forType, T } from "../lib/types";
import { asString, CouldNotVerify, isUnknown, raw } from "../lib/values";

export const name = "lambda-function-url-bypass";

interface Fronted {
    ref: LambdaRef;
    /** How the function is reached through the API, for messages. */
    via: string;
}

export const policy: StackValidationPolicy = {
    name,
    description:
        "A Lambda function behind an authorized API Gateway route must not also have a function URL with authorizationType NONE, which bypasses the authorizer.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { publicRoutes: publicRoutesSchema } },
    validateStack: forType(T.lambdaFunctionUrl, (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const index = new StackIndex(args.resources);
        const urls = index.ofType(T.lambdaFunctionUrl);
        if (urls.length === 0) return;
        const publicRoutes = args.getConfig<{ publicRoutes?: PublicRouteEntry[] }>().publicRoutes ?? [];
        const { fronted, maybeFronted } = frontedFunctions(index);
        const byKey = new Map<string, Fronted[]>();
        for (const f of fronted) {
            let list = byKey.get(f.ref.key);
            if (!list) byKey.set(f.ref.key, (list = []));
            list.push(f);
        }
        const unverified: string[] = [];
        for (const url of urls) {
            const props = raw(url.props) as Record<string, unknown>;
            const auth = isUnknown(props.authorizationType) ? undefined : (asString(props.authorizationType) ?? "").toUpperCase();
            if (auth !== undefined && auth !== "NONE") continue;
            if (findAllowlistEntry(publicRoutes, { name: url.name, urn: url.urn })) continue;
            const link = resolveLambdaProperty(index, url, "functionName", "function");
            if (link.kind !== "lambda") {
                if (fronted.length > 0) unverified.push(`${url.urn}: its function could not be resolved (${reasonOf(link)})`);
                continue;
            }
            const hit = (byKey.get(link.ref.key) ?? []).find((f) => sameFunction(f.ref, link.ref) === "yes");
            if (!hit) {
                if (maybeFronted.has(link.ref.key)) unverified.push(`${url.urn}: ${maybeFronted.get(link.ref.key)}`);
                continue;
            }
            if (auth === undefined) {
                unverified.push(`${url.urn}: authorizationType is unknown during preview, and ${link.ref.label} ${hit.via}`);
                continue;
            }
            reportViolation(message(url, link.ref, hit), url.urn);
        }
        if (unverified.length > 0) throw new CouldNotVerify(unverified);
    }),
};

function reasonOf(link: LambdaLink): string {
    return link.kind === "unknown" ? link.reason : link.kind === "not-lambda" ? link.what : "";
}

/** Functions behind authorized routes, and functions whose routes cannot be judged during preview (key → reason). */
function frontedFunctions(index: StackIndex): { fronted: Fronted[]; maybeFronted: Map<string, string> } {
    const fronted: Fronted[] = [];
    const maybeFronted = new Map<string, string>();
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
        const authorization = authorizationType(mProps, "authorization");
        if (authorization === undefined || authorization === "NONE") continue;
        const path = methodPath(index, method);
        const verb = (asString(mProps.httpMethod) ?? "?").toUpperCase();
        add(resolveLambdaProperty(index, integration, "uri", "invoke-uri"), `serves Method ${verb} ${path ?? "(path unknown)"} with ${authorization} authorization`);
    }

    // API Gateway v2 routes → integrations. WebSocket: every route counts once $connect is authorized.
    const wsAuthorized = new Set<string>();
    const routes = index.ofType(T.v2Route).map((route) => ({ route, facts: routeFacts(index, route), type: authorizationType(raw(route.props) as Record<string, unknown>) }));
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
        if (body.status === "unknown") {
            for (const fn of index.dependenciesOf(api, "body", [T.lambdaFunction, T.lambdaAlias])) {
                const key = fn.type === T.lambdaAlias ? refFromAlias(index, fn).key : refFromFunction(fn, null, "dependency").key;
                maybeFronted.set(key, `the OpenAPI body of ${kind} API ${q(api.name)} that may route to it with authorization is unknown during preview`);
            }
            continue;
        }
        if (body.status !== "ok") continue;
        for (const op of bodyOperations(body.doc, kind)) {
            if ((op.auth.kind !== "authorizer" && op.auth.kind !== "iam") || !op.integrationUri) continue;
            add(lambdaLinkFromValue(index, op.integrationUri, kind === "REST" ? "invoke-uri" : "integration-uri"), `serves ${op.key} of ${kind} API ${q(api.name)}'s OpenAPI body with ${op.auth.kind === "iam" ? "IAM" : "authorizer"} protection`);
        }
    }
    return { fronted, maybeFronted };
}

function message(url: PolicyResource, fn: LambdaRef, hit: Fronted): string {
    return formatFinding({
        problem: `Function URL ${q(url.name)} of ${fn.label} has authorization NONE, while the same function ${hit.via}.`,
        why: "Anyone who finds the function URL calls the handler directly and skips the API's authorizer, resource policy, throttling and WAF.",
        urn: url.urn,
        fix:
            `// remove the function URL, or require IAM (SigV4) on it:\n` +
            `new aws.lambda.FunctionUrl(${q(url.name)}, {\n` +
            `    functionName: ${fn.code},\n` +
            `    authorizationType: "AWS_IAM",\n` +
            `});`,
        alternative:
            `if the URL is deliberately public, allowlist it (--policy-pack-config):\n` +
            `{ "${name}": { "publicRoutes": [{ "resource": ${q(url.name)}, "reason": "<why it is public>" }] } }`,
    });
}
