// The auth vocabulary shared by the three API components: named authorizers, `iam` and `public`. Each authorizer
// kind lives in its own file under authorizers/ behind one interface (authorizers/kind.ts) that binds it to an API
// kind; this module checks what all kinds share (names, fields, the token header), binds each authorizer, and
// resolves each route's decision through the binding its `auth` names. Validation happens here, on plain values,
// before anything is registered; what the components write on routes and methods is derived from the resolved
// decisions, so the `routeAuth` output and the resources cannot disagree.
import * as pulumi from "@pulumi/pulumi";
// Header names and scopes: the grammar the authorizer function reads them with.
import { HEADER_NAME, SCOPE_VALUE } from "authguard-apigateway";
import { AuthorizerArgs, RouteArgs } from "../types";
import { COGNITO } from "./authorizers/cognito";
import { IAM } from "./authorizers/iam";
import { JWT } from "./authorizers/jwt";
import { ApiKind, AuthorizerKind, BoundAuthorizer, ResolvedRouteAuth, RouteAuthorizer } from "./authorizers/kind";
import { LAMBDA } from "./authorizers/lambda";
import { PUBLIC } from "./authorizers/public";
import { Problems, q, requireObject } from "./errors";

export type { ApiKind, BoundAuthorizer, ResolvedRouteAuth } from "./authorizers/kind";

/** The authorizer kinds, by the `type` of an AuthorizerArgs. */
const KINDS: Readonly<Record<string, AuthorizerKind>> = { jwt: JWT, cognito: COGNITO, lambda: LAMBDA };
/** Route decisions that are not named authorizers, by the `auth` value that selects them. */
const RESERVED: Readonly<Record<string, RouteAuthorizer>> = { iam: IAM, public: PUBLIC };
const AUTHORIZER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Validates the `authorizers` map for one API type and binds each authorizer to it. */
function bindAuthorizers(api: ApiKind, authorizers: { [name: string]: AuthorizerArgs } | undefined, handlers: unknown, problems: Problems): Map<string, BoundAuthorizer> {
    const out = new Map<string, BoundAuthorizer>();
    for (const [name, a] of Object.entries(authorizers ?? {})) {
        const where = `authorizer ${q(name)}`;
        if (Object.prototype.hasOwnProperty.call(RESERVED, name.toLowerCase()) || name.toLowerCase() === "none") {
            problems.add(where, `${q(name)} is reserved (routes use "iam" and "public" directly); choose another name`);
            continue;
        }
        if (!AUTHORIZER_NAME.test(name)) {
            problems.add(where, "names are 1-64 letters, digits, - or _, starting with a letter or digit");
            continue;
        }
        if (!a || typeof a !== "object") {
            problems.add(where, "must be an object with a `type`");
            continue;
        }
        const type = a.type as string;
        const kind = Object.prototype.hasOwnProperty.call(KINDS, type) ? KINDS[type] : undefined;
        if (!kind) {
            problems.add(where, `type ${q(String(type))} is not one of ${Object.keys(KINDS).map(q).join(", ")}`);
            continue;
        }
        const unsupported = kind.unsupportedOn(api);
        if (unsupported) {
            problems.add(where, unsupported);
            continue;
        }
        for (const field of Object.keys(a) as (keyof AuthorizerArgs)[]) {
            if (field === "type" || a[field] === undefined) continue;
            if (!kind.fields.includes(field)) problems.add(where, `\`${field}\` does not apply to ${type} authorizers`);
        }
        if (a.tokenHeader !== undefined && !HEADER_NAME.test(a.tokenHeader)) problems.add(where, `tokenHeader ${q(a.tokenHeader)} is not a header name`);
        out.set(name, kind.bind(a, { api, name, where, header: a.tokenHeader ?? "Authorization", handlers, problems }));
    }
    return out;
}

/**
 * `bindAuthorizers` on an API's `authorizers` argument as given, with the names it declares (so a route naming a
 * declared but invalid authorizer is not reported twice). An Output (refused by requirePlain) counts as none.
 */
export function resolveApiAuthorizers(
    api: ApiKind,
    authorizers: { [name: string]: AuthorizerArgs } | undefined,
    handlers: unknown,
    problems: Problems,
): { authorizers: Map<string, BoundAuthorizer>; declared: Set<string> } {
    let plain = pulumi.Output.isInstance(authorizers) ? undefined : authorizers;
    if (plain !== undefined && !requireObject(problems, "authorizers", plain, false)) plain = undefined;
    return { authorizers: bindAuthorizers(api, plain, handlers, problems), declared: new Set(Object.keys(plain ?? {})) };
}

/** Validates `defaultAuth`. */
export function checkDefaultAuth(defaultAuth: string | undefined, declared: ReadonlySet<string>, problems: Problems): void {
    if (defaultAuth === undefined) return;
    if (defaultAuth === "public") {
        problems.add("defaultAuth", 'cannot be "public": mark each public route with auth "public" and a publicReason');
    } else if (defaultAuth !== "iam" && !declared.has(defaultAuth)) {
        problems.add("defaultAuth", `${q(defaultAuth)} is not an authorizer name or "iam" (authorizers: ${namesOf(declared)})`);
    }
}

function namesOf(names: Iterable<string>): string {
    const list = [...names];
    return list.length ? list.map(q).join(", ") : "none declared";
}

/**
 * Resolves one route's auth decision. `authAllowed` is false for routes that cannot carry authorization
 * (WebSocket routes other than $connect), which are recorded as authorized by the connection.
 */
export function resolveRouteAuth(
    api: ApiKind,
    routeKey: string,
    route: RouteArgs,
    defaultAuth: string | undefined,
    authorizers: Map<string, BoundAuthorizer>,
    problems: Problems,
    opts: { authAllowed?: boolean; declared?: ReadonlySet<string> } = {},
): ResolvedRouteAuth | undefined {
    const where = `route ${q(routeKey)}`;
    if (route.scopes !== undefined) {
        if (!Array.isArray(route.scopes) || route.scopes.length === 0) problems.add(where, "scopes must be a non-empty list when given");
        else for (const s of route.scopes) if (typeof s !== "string" || !SCOPE_VALUE.test(s)) problems.add(where, `scope ${q(String(s))} is not a valid OAuth scope`);
    }
    if (route.apiKeyRequired !== undefined && api !== "REST") {
        problems.add(where, `apiKeyRequired is not supported on ${api === "HTTP" ? "HTTP APIs (no API keys or usage plans)" : "this WebSocket component"}; use SecureRestApi`);
    }
    const apiKeyRequired = api === "REST" ? route.apiKeyRequired === true : undefined;

    if (opts.authAllowed === false) {
        if (route.auth !== undefined) {
            problems.add(where, `only $connect is authorized on a WebSocket API (API Gateway ignores auth on other routes, which run on the connection $connect accepted); remove auth ${q(route.auth)}`);
            return undefined;
        }
        if (route.scopes !== undefined) problems.add(where, "scopes apply to $connect only");
        if (route.publicReason !== undefined) problems.add(where, "publicReason applies to $connect only");
        return { kind: "connection", authorizationType: "NONE" };
    }

    const auth = route.auth ?? defaultAuth;
    if (auth === undefined) {
        problems.add(where, 'has no auth decision: set auth to an authorizer name, "iam", or "public" with a publicReason (or set defaultAuth)');
        return undefined;
    }
    if (route.publicReason !== undefined && auth !== "public") {
        problems.add(where, `publicReason is only for public routes, but auth is ${q(auth)}`);
    }
    const reserved = Object.prototype.hasOwnProperty.call(RESERVED, auth) ? RESERVED[auth] : undefined;
    const authorizer = reserved ?? authorizers.get(auth);
    if (!authorizer) {
        // An authorizer that is declared but invalid has its own problem already.
        if (!opts.declared?.has(auth)) {
            problems.add(where, `auth ${q(auth)} is not an authorizer name, "iam" or "public" (authorizers: ${namesOf(opts.declared ?? authorizers.keys())})`);
        }
        return undefined;
    }
    return authorizer.authorize(route, where, problems, apiKeyRequired);
}
