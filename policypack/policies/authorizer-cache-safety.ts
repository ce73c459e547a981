// apigw-authorizer-cache-safety (advisory)
//
// API Gateway caches a Lambda authorizer's answer for `authorizerResultTtlInSeconds` (default 300 when unset), keyed
// only by the identity sources. Two ways this goes wrong:
//   1. A REQUEST authorizer with caching and no identity sources: there is no cache key to tell callers apart
//      (REST rejects it at deploy time; it is never what was meant).
//   2. A cached authorizer shared by several methods or routes whose cache key carries no route context: the answer
//      computed for the first endpoint a caller hits is reused on the others. A REST policy naming only that method
//      gives 403 elsewhere (AWS knowledge-center "User is not authorized to access this resource"); an HTTP API simple
//      (true/false) response, or a decision that depended on the route, is reused as is on routes that need more —
//      worst when those routes declare different authorization scopes. Pulumi's own API component documents "if you
//      are sharing an authorizer across more than one route you will want to disable the cache".
// Route context in the cache key: REST REQUEST `context.resourcePath`/`context.resourceId` and `context.httpMethod`;
// HTTP API REQUEST `$context.routeKey`. TOKEN authorizers are keyed by the token alone. WebSocket authorizers do not
// cache. Advisory: an authorizer that returns a policy covering every route it guards is safe to share; disable this
// policy for such stacks or set the TTL to 0.
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { linkedAuthorizer } from "../lib/authorizers";
import { apiOf } from "../lib/api-links";
import { formatFinding, q } from "../lib/messages";
import { apiProtocol, knownAuthorization, owningApi } from "../lib/routes";
import { StackIndex } from "../lib/stack-index";
import { stackPolicy } from "../lib/stack-policy";
import { T } from "../lib/types";
import { asString, isUnknown, raw } from "../lib/values";
import { PolicyMetadata } from "../lib/metadata";

export const name = "apigw-authorizer-cache-safety";

export const metadata: PolicyMetadata = {
    group: "invoke-permissions",
    severity: "medium",
    resourceTypes: [T.authorizer, T.v2Authorizer],
    catalog: {
        resources: "Lambda authorizers (stack policy)",
        checks: "Caching (`authorizerResultTtlInSeconds`, default 300) on a REQUEST authorizer with no identity sources; a cached authorizer shared by several methods/routes whose cache key has no route context (REST `context.resourcePath`/`context.resourceId` + `context.httpMethod`, HTTP `$context.routeKey`; TOKEN = token only): one endpoint's answer is reused on the others (worst when they declare different scopes). WebSocket authorizers do not cache.",
        config: "—",
        fix: "`authorizerResultTtlInSeconds: 0`, or route context in the identity sources",
    },
    remediation: {
        steps: "Turn the authorizer's cache off, or key it on what tells the endpoints apart (route context in the identity sources), so an answer given for one endpoint is never reused on another.",
        code: [
            "new aws.apigateway.Authorizer(\"auth\", {",
            "    restApi: api.id,",
            "    type: \"TOKEN\",",
            "    authorizerUri: authorizerFn.invokeArn,",
            "    authorizerResultTtlInSeconds: 0,",
            "});",
        ].join("\n"),
    },
    references: [
        { title: "API Gateway: Lambda authorizers for REST APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html" },
        { title: "API Gateway: Lambda authorizers for HTTP APIs", url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html" },
    ],
};

const DEFAULT_TTL = 300;

export const policy: StackValidationPolicy = {
    name,
    description:
        "Lambda authorizer caching must not reuse one endpoint's answer on another: no cached REQUEST authorizer without identity sources, no cached authorizer shared by endpoints without route context in its cache key.",
    enforcementLevel: "advisory",
    configSchema: { properties: {} },
    validateStack: stackPolicy(({ index, report: reportViolation, unverified }) => {
        const users = endpointsByAuthorizer(index);
        for (const a of [...index.ofType(T.authorizer), ...index.ofType(T.v2Authorizer)]) {
            const facts = cacheFacts(index, a);
            if (facts.kind === "skip") continue;
            if (facts.kind === "unknown") {
                unverified.push(`${a.urn}: ${facts.reason}`);
                continue;
            }
            if (facts.ttl <= 0) continue;
            const ttlText = facts.ttlDefaulted ? `the default ${DEFAULT_TTL} s` : `${facts.ttl} s`;
            if (facts.type === "REQUEST" && facts.identity.length === 0) {
                reportViolation(
                    formatFinding({
                        problem: `${facts.label} caches its answers (TTL ${ttlText}) but has no identity sources.`,
                        why: "Without identity sources there is no cache key that tells callers apart, so API Gateway refuses it or never knows whose answer it reuses.",
                        urn: a.urn,
                        fix: fixCode(a, facts, true),
                    }),
                    a.urn,
                );
                continue;
            }
            const endpoints = users.get(a.urn) ?? [];
            if (endpoints.length < 2 || facts.routeContext) continue;
            const scopes = new Set(endpoints.map((e) => e.scopes));
            const scopeNote = scopes.size > 1 ? " They declare different authorization scopes, so they need different decisions." : "";
            const listed = endpoints.slice(0, 4).map((e) => e.label).join(", ") + (endpoints.length > 4 ? `, and ${endpoints.length - 4} more` : "");
            reportViolation(
                formatFinding({
                    problem: `${facts.label} caches its answers for ${ttlText}, keyed by ${facts.identity.length ? facts.identity.map((s) => q(s)).join(", ") : "the token"} only, and is shared by ${endpoints.length} endpoints: ${listed}.${scopeNote}`,
                    why: "The answer computed for the first endpoint a caller hits is reused on the others for the whole TTL: a wrongful allow where routes need different rights, or 403s where the policy named a single method.",
                    urn: a.urn,
                    fix: fixCode(a, facts, false),
                }),
                a.urn,
            );
        }
    }),
};

type CacheFacts =
    | { kind: "skip" }
    | { kind: "unknown"; reason: string }
    | { kind: "known"; api: "REST" | "HTTP"; type: "TOKEN" | "REQUEST"; ttl: number; ttlDefaulted: boolean; identity: string[]; routeContext: boolean; label: string };

function cacheFacts(index: StackIndex, a: PolicyResource): CacheFacts {
    const props = raw(a.props) as Record<string, unknown>;
    const rest = a.type === T.authorizer;
    const typeValue = rest ? props.type : props.authorizerType;
    if (isUnknown(typeValue)) return { kind: "unknown", reason: "the authorizer type is unknown during preview" };
    const type = (asString(typeValue) ?? (rest ? "TOKEN" : "")).toUpperCase();
    if (type !== "TOKEN" && type !== "REQUEST") return { kind: "skip" };
    if (!rest) {
        const api = owningApi(index, a);
        if (api && apiProtocol(api) === "WEBSOCKET") return { kind: "skip" };
    }
    const ttlValue = props.authorizerResultTtlInSeconds;
    if (isUnknown(ttlValue)) return { kind: "unknown", reason: "authorizerResultTtlInSeconds is unknown during preview" };
    const ttlDefaulted = ttlValue === undefined || ttlValue === null;
    const ttl = ttlDefaulted ? DEFAULT_TTL : Number(ttlValue);
    let identity: string[];
    if (rest) {
        if (isUnknown(props.identitySource)) return { kind: "unknown", reason: "identitySource is unknown during preview" };
        const text = asString(props.identitySource) ?? (type === "TOKEN" ? "method.request.header.Authorization" : "");
        identity = text.split(",").map((s) => s.trim()).filter(Boolean);
    } else {
        if (isUnknown(props.identitySources)) return { kind: "unknown", reason: "identitySources is unknown during preview" };
        const list = Array.isArray(props.identitySources) ? props.identitySources : [];
        identity = list.filter((s): s is string => typeof s === "string" && !isUnknown(s));
    }
    const has = (re: RegExp) => identity.some((s) => re.test(s));
    const routeContext =
        type === "TOKEN"
            ? false
            : rest
              ? has(/^context\.(resourcePath|resourceId)$/) && has(/^context\.httpMethod$/)
              : has(/^\$context\.routeKey$/);
    const apiRes = apiOf(index, a);
    const label = `Lambda ${type} authorizer ${q(a.name)}${apiRes ? ` of ${rest ? "REST" : "HTTP"} API ${q(apiRes.name)}` : ""}`;
    return { kind: "known", api: rest ? "REST" : "HTTP", type, ttl, ttlDefaulted, identity, routeContext, label };
}

interface Endpoint {
    label: string;
    scopes: string;
}

/** Methods and routes by the authorizer they name, in one pass. */
function endpointsByAuthorizer(index: StackIndex): Map<string, Endpoint[]> {
    const out = new Map<string, Endpoint[]>();
    const add = (r: PolicyResource, types: string[], label: string) => {
        const link = linkedAuthorizer(index, r, types);
        if (link.kind !== "found") return;
        const scopesValue = (raw(r.props) as Record<string, unknown>).authorizationScopes;
        const scopes = Array.isArray(scopesValue) ? scopesValue.map(String).sort().join(" ") : "";
        let list = out.get(link.authorizer.urn);
        if (!list) out.set(link.authorizer.urn, (list = []));
        list.push({ label, scopes });
    };
    for (const m of index.ofType(T.method)) {
        const type = knownAuthorization(raw(m.props) as Record<string, unknown>, "method");
        if (type === "CUSTOM") add(m, [T.authorizer], `method ${q(m.name)}`);
    }
    for (const r of index.ofType(T.v2Route)) {
        const props = raw(r.props) as Record<string, unknown>;
        if (asString(props.authorizationType)?.toUpperCase() === "CUSTOM") add(r, [T.v2Authorizer], `route ${q(asString(props.routeKey) ?? r.name)}`);
    }
    return out;
}

function fixCode(a: PolicyResource, facts: Extract<CacheFacts, { kind: "known" }>, missingIdentity: boolean): string {
    const ctor = facts.api === "REST" ? "aws.apigateway.Authorizer" : "aws.apigatewayv2.Authorizer";
    const lines = [`new ${ctor}(${q(a.name)}, {`, `    // ...`];
    if (missingIdentity || facts.type === "TOKEN") {
        lines.push(`    authorizerResultTtlInSeconds: 0, // no caching`);
        if (missingIdentity) {
            lines.push(
                facts.api === "REST"
                    ? `    // or keep caching, keyed by the caller: identitySource: "method.request.header.Authorization",`
                    : `    // or keep caching, keyed by the caller: identitySources: ["$request.header.Authorization"],`,
            );
        }
    } else {
        lines.push(
            facts.api === "REST"
                ? `    identitySource: "method.request.header.Authorization,context.resourcePath,context.httpMethod", // cache per caller and endpoint`
                : `    identitySources: ["$request.header.Authorization", "$context.routeKey"], // cache per caller and route`,
            `    // or authorizerResultTtlInSeconds: 0 to disable caching`,
        );
    }
    lines.push(`});`);
    return lines.join("\n");
}
