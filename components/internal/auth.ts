// The auth vocabulary shared by the three API components: named authorizers, `iam` and `public`. Validation happens
// here, on plain values, before anything is registered; what the components write on routes and methods is derived
// from the resolved decisions, so the `routeAuth` output and the resources cannot disagree.
import * as pulumi from "@pulumi/pulumi";
// Header names, query parameter names and scopes: the grammar the authorizer function reads them with.
import { HEADER_NAME, QUERY_NAME, SCOPE_VALUE } from "authguard-apigateway";
import { AuthorizerArgs, RouteArgs, RouteAuth } from "../types";
import { cognitoIssuer, parseUserPoolArn } from "./arns";
import { Problems, q, requireObject } from "./errors";
import { checkHandlerKey } from "./handlers";

export type ApiKind = "HTTP" | "REST" | "WEBSOCKET";

const RESERVED_AUTH = ["iam", "public"] as const;
const AUTHORIZER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const MAX_TTL = 3600;
const DEFAULT_TTL = 300;

export interface ResolvedAuthorizer {
    name: string;
    type: "jwt" | "cognito" | "lambda";
    /** JWT issuer (jwt: as given; cognito: derived from the pool ARN, an Output when the ARN is not known yet). */
    issuer?: pulumi.Input<string>;
    audiences?: pulumi.Input<string>[];
    userPoolArn?: pulumi.Input<string>;
    handler?: string;
    lambdaType: "REQUEST" | "TOKEN";
    ttlSeconds: number;
    routeScoped: boolean;
    simpleResponses: boolean;
    tokenValidationRegex?: string;
    /** Identity sources in the API's own syntax (cache key and presence check). */
    identitySources: string[];
}

export interface ResolvedRouteAuth extends RouteAuth {
    kind: "jwt" | "cognito" | "lambda" | "iam" | "public" | "connection";
}

const KIND_FIELDS: Record<string, (keyof AuthorizerArgs)[]> = {
    jwt: ["issuer", "audiences", "tokenHeader"],
    cognito: ["userPoolArn", "audiences", "tokenHeader"],
    lambda: ["handler", "lambdaType", "tokenHeader", "tokenQueryParameter", "resultTtlSeconds", "routeScoped", "simpleResponses", "tokenValidationRegex"],
};

function isKnownString(v: unknown): v is string {
    return typeof v === "string";
}

/** Identity-source syntax per API type. */
function identitySource(api: ApiKind, kind: "header" | "query", name: string): string {
    const prefix = api === "HTTP" ? "$request" : api === "REST" ? "method.request" : "route.request";
    return `${prefix}.${kind === "header" ? "header" : "querystring"}.${name}`;
}

function routeIdentitySources(api: ApiKind): string[] {
    if (api === "HTTP") return ["$context.routeKey"];
    if (api === "REST") return ["context.httpMethod", "context.resourcePath"];
    return [];
}

/** What is wrong with a JWT issuer value (nothing when it is an https URL without credentials, query or fragment). */
function issuerProblems(issuer: unknown): string[] {
    if (typeof issuer !== "string" || issuer === "") {
        return ["a jwt authorizer needs `issuer` (the exact `iss` of the tokens, https://...)"];
    }
    let url: URL;
    try {
        url = new URL(issuer);
    } catch {
        return [`issuer ${q(issuer)} is not a URL`];
    }
    const out: string[] = [];
    if (url.protocol !== "https:") out.push(`issuer ${q(issuer)} must use https://`);
    if (url.username || url.password || url.hash || url.search) out.push(`issuer ${q(issuer)} must not contain credentials, a query or a fragment`);
    return out;
}

/**
 * Checks the issuer now when it is a plain value; an Output (an issuer built from another resource) is checked when
 * its value is known, and the authorizer gets the checked Output.
 */
function checkIssuer(issuer: unknown, where: string, problems: Problems): pulumi.Input<string> | undefined {
    if (pulumi.Output.isInstance(issuer)) {
        return (issuer as pulumi.Output<unknown>).apply((value) => {
            const found = issuerProblems(value);
            if (found.length > 0) throw problems.error(where, found.join("; "));
            return value as string;
        });
    }
    for (const p of issuerProblems(issuer)) problems.add(where, p);
    return issuer as string | undefined;
}

function audienceProblem(audience: string): string | undefined {
    return audience.trim() === "" || audience.includes("*") ? `audience ${q(audience)} is empty or a wildcard: list the exact audiences` : undefined;
}

/**
 * Checks the audiences; the ones that are Outputs (a client ID from a resource) are checked when known. Returns the
 * list to configure, with those Outputs replaced by their checked versions.
 */
function checkAudiences(audiences: unknown, where: string, problems: Problems, what: string): pulumi.Input<string>[] | undefined {
    if (!Array.isArray(audiences) || audiences.length === 0) {
        problems.add(where, `needs \`audiences\`: ${what}`);
        return undefined;
    }
    for (const a of audiences) {
        const problem = isKnownString(a) ? audienceProblem(a) : undefined;
        if (problem) problems.add(where, problem);
    }
    const known = audiences.filter(isKnownString);
    if (new Set(known).size !== known.length) problems.add(where, "lists the same audience twice");
    return audiences.map((a: pulumi.Input<string>) =>
        pulumi.Output.isInstance(a)
            ? a.apply((value) => {
                  const problem = typeof value === "string" ? audienceProblem(value) : `audience is ${typeof value}, not a string`;
                  if (problem) throw problems.error(where, problem);
                  return value;
              })
            : a,
    );
}

/** Validates the `authorizers` map for one API type and resolves defaults. */
function resolveAuthorizers(
    api: ApiKind,
    authorizers: { [name: string]: AuthorizerArgs } | undefined,
    handlers: unknown,
    problems: Problems,
): Map<string, ResolvedAuthorizer> {
    const out = new Map<string, ResolvedAuthorizer>();
    for (const [name, a] of Object.entries(authorizers ?? {})) {
        const where = `authorizer ${q(name)}`;
        if ((RESERVED_AUTH as readonly string[]).includes(name.toLowerCase()) || name.toLowerCase() === "none") {
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
        if (type !== "jwt" && type !== "cognito" && type !== "lambda") {
            problems.add(where, `type ${q(String(type))} is not one of "jwt", "cognito", "lambda"`);
            continue;
        }
        if (api === "REST" && type === "jwt") {
            problems.add(where, 'REST APIs have no JWT authorizers: use type "lambda" with JwtAuthorizerFunction, or "cognito"');
            continue;
        }
        if (api === "WEBSOCKET" && type !== "lambda") {
            problems.add(where, `WebSocket APIs authorize $connect with a Lambda REQUEST authorizer or "iam"; type ${q(type)} is not supported`);
            continue;
        }
        for (const field of Object.keys(a) as (keyof AuthorizerArgs)[]) {
            if (field === "type" || a[field] === undefined) continue;
            if (!KIND_FIELDS[type].includes(field)) problems.add(where, `\`${field}\` does not apply to ${type} authorizers`);
        }
        if (a.tokenHeader !== undefined && !HEADER_NAME.test(a.tokenHeader)) problems.add(where, `tokenHeader ${q(a.tokenHeader)} is not a header name`);
        const header = a.tokenHeader ?? "Authorization";

        if (type === "jwt") {
            const issuer = checkIssuer(a.issuer, where, problems);
            const audiences = checkAudiences(a.audiences, where, problems, "the accepted `aud` values (or client IDs for Cognito access tokens)");
            out.set(name, {
                name,
                type,
                issuer,
                audiences,
                lambdaType: "REQUEST",
                ttlSeconds: 0,
                routeScoped: false,
                simpleResponses: false,
                identitySources: [identitySource(api, "header", header)],
            });
            continue;
        }

        if (type === "cognito") {
            let issuer: pulumi.Input<string> | undefined;
            if (a.userPoolArn === undefined || a.userPoolArn === "") {
                problems.add(where, "a cognito authorizer needs `userPoolArn`");
            } else if (isKnownString(a.userPoolArn)) {
                const pool = parseUserPoolArn(a.userPoolArn);
                if (!pool) problems.add(where, `userPoolArn ${q(a.userPoolArn)} is not a Cognito user pool ARN`);
                else issuer = cognitoIssuer(pool);
            } else {
                issuer = pulumi.output(a.userPoolArn).apply((arn) => {
                    const pool = parseUserPoolArn(arn);
                    if (!pool) throw problems.error(where, `userPoolArn ${q(arn)} is not a Cognito user pool ARN`);
                    return cognitoIssuer(pool);
                });
            }
            let audiences: pulumi.Input<string>[] | undefined;
            if (api === "HTTP") {
                audiences = checkAudiences(a.audiences, where, problems, "the app client IDs (Cognito access tokens carry `client_id`, not `aud`)");
            } else if (a.audiences !== undefined) {
                problems.add(where, "REST Cognito authorizers do not check audiences; require `scopes` on the routes instead");
            }
            out.set(name, {
                name,
                type,
                issuer,
                audiences,
                userPoolArn: a.userPoolArn,
                lambdaType: "REQUEST",
                ttlSeconds: api === "REST" ? DEFAULT_TTL : 0,
                routeScoped: false,
                simpleResponses: false,
                identitySources: [identitySource(api, "header", header)],
            });
            continue;
        }

        // Lambda authorizers.
        checkHandlerKey(handlers, a.handler, where, problems);
        const lambdaType = a.lambdaType ?? "REQUEST";
        if (lambdaType !== "REQUEST" && lambdaType !== "TOKEN") problems.add(where, `lambdaType ${q(String(lambdaType))} is not REQUEST or TOKEN`);
        if (lambdaType === "TOKEN" && api !== "REST") problems.add(where, "TOKEN authorizers exist only on REST APIs; use REQUEST");
        if (lambdaType === "TOKEN" && a.tokenQueryParameter !== undefined) problems.add(where, "TOKEN authorizers read a header; use a REQUEST authorizer for query string tokens");
        if (a.tokenValidationRegex !== undefined && lambdaType !== "TOKEN") problems.add(where, "tokenValidationRegex applies to TOKEN authorizers only");
        if (a.tokenQueryParameter !== undefined && a.tokenHeader !== undefined) problems.add(where, "set tokenHeader or tokenQueryParameter, not both (every identity source must be present)");
        if (a.tokenQueryParameter !== undefined && !QUERY_NAME.test(a.tokenQueryParameter)) problems.add(where, `tokenQueryParameter ${q(a.tokenQueryParameter)} is not a parameter name`);
        if (a.simpleResponses !== undefined && api !== "HTTP") problems.add(where, "simpleResponses applies to HTTP APIs only");
        const routeScoped = a.routeScoped ?? true;
        let ttl: number;
        if (api === "WEBSOCKET") {
            if (a.resultTtlSeconds !== undefined) problems.add(where, "WebSocket APIs do not cache authorizer results; remove resultTtlSeconds");
            ttl = 0;
        } else if (a.resultTtlSeconds !== undefined) {
            ttl = a.resultTtlSeconds;
            if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) problems.add(where, `resultTtlSeconds must be a whole number from 0 to ${MAX_TTL}`);
            if (lambdaType === "TOKEN" && routeScoped && ttl > 0) {
                problems.add(
                    where,
                    "a TOKEN authorizer's cache key is the token alone, so a cached route-scoped decision would be reused on other routes: " +
                        "set resultTtlSeconds to 0, use a REQUEST authorizer, or set routeScoped to false if the function returns API-wide decisions",
                );
            }
        } else {
            ttl = lambdaType === "TOKEN" && routeScoped ? 0 : DEFAULT_TTL;
        }
        const token = a.tokenQueryParameter !== undefined ? identitySource(api, "query", a.tokenQueryParameter) : identitySource(api, "header", header);
        const identitySources = [token];
        if (lambdaType === "REQUEST" && routeScoped && ttl > 0) identitySources.push(...routeIdentitySources(api));
        out.set(name, {
            name,
            type,
            handler: a.handler,
            lambdaType: lambdaType === "TOKEN" ? "TOKEN" : "REQUEST",
            ttlSeconds: ttl,
            routeScoped,
            simpleResponses: api === "HTTP" ? (a.simpleResponses ?? true) : false,
            tokenValidationRegex: a.tokenValidationRegex,
            identitySources,
        });
    }
    return out;
}

/**
 * `resolveAuthorizers` on an API's `authorizers` argument as given, with the names it declares (so a route naming a
 * declared but invalid authorizer is not reported twice). An Output (refused by requirePlain) counts as none.
 */
export function resolveApiAuthorizers(
    api: ApiKind,
    authorizers: { [name: string]: AuthorizerArgs } | undefined,
    handlers: unknown,
    problems: Problems,
): { authorizers: Map<string, ResolvedAuthorizer>; declared: Set<string> } {
    let plain = pulumi.Output.isInstance(authorizers) ? undefined : authorizers;
    if (plain !== undefined && !requireObject(problems, "authorizers", plain, false)) plain = undefined;
    return { authorizers: resolveAuthorizers(api, plain, handlers, problems), declared: new Set(Object.keys(plain ?? {})) };
}

/** The authorization type written on a route/method for a resolved decision. */
function authorizationTypeFor(api: ApiKind, kind: ResolvedRouteAuth["kind"]): string {
    switch (kind) {
        case "iam":
            return "AWS_IAM";
        case "jwt":
            return "JWT";
        case "cognito":
            return api === "REST" ? "COGNITO_USER_POOLS" : "JWT";
        case "lambda":
            return "CUSTOM";
        default:
            return "NONE";
    }
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
    authorizers: Map<string, ResolvedAuthorizer>,
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
    if (auth === "public") {
        const reason = typeof route.publicReason === "string" ? route.publicReason.trim() : "";
        if (reason === "") {
            problems.add(where, 'is public but has no publicReason: say why anyone may call it (e.g. "load balancer health check")');
            return undefined;
        }
        if (route.scopes !== undefined) problems.add(where, "a public route cannot require scopes");
        return { kind: "public", authorizationType: "NONE", publicReason: reason, apiKeyRequired };
    }
    if (auth === "iam") {
        if (route.scopes !== undefined) problems.add(where, 'scopes do not apply to "iam" routes (IAM policies decide)');
        return { kind: "iam", authorizationType: "AWS_IAM", apiKeyRequired };
    }
    const authorizer = authorizers.get(auth);
    if (!authorizer) {
        // An authorizer that is declared but invalid has its own problem already.
        if (!opts.declared?.has(auth)) {
            problems.add(where, `auth ${q(auth)} is not an authorizer name, "iam" or "public" (authorizers: ${namesOf(opts.declared ?? authorizers.keys())})`);
        }
        return undefined;
    }
    if (route.scopes !== undefined && authorizer.type === "lambda") {
        problems.add(
            where,
            `API Gateway does not apply scopes for Lambda authorizer ${q(auth)}: the function must check them ` +
                "(JwtAuthorizerFunction `routeScopes`, with routeScoped authorizer caching); remove `scopes` from the route",
        );
    }
    const scopes = authorizer.type === "lambda" ? undefined : route.scopes;
    return {
        kind: authorizer.type,
        authorizationType: authorizationTypeFor(api, authorizer.type),
        authorizer: auth,
        scopes: scopes && scopes.length ? [...scopes] : undefined,
        apiKeyRequired,
    };
}
