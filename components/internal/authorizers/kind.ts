// The one small interface every authorizer kind implements. A kind (jwt.ts, cognito.ts, lambda.ts) validates its
// arguments for one API kind and binds itself to it; the binding knows what a route using it writes and how the API's
// authorizer resource is created. Route decisions that are not named authorizers (iam.ts, public.ts) implement the
// route half of the same interface. The components hold bindings, never `type` switches.
import * as pulumi from "@pulumi/pulumi";
import { AuthorizerArgs, RouteArgs, RouteAuth } from "../../types";
import { Problems } from "../errors";
import { FunctionRef } from "../handlers";

/** The API Gateway API an authorizer is bound to. */
export type ApiKind = "HTTP" | "REST" | "WEBSOCKET";

/**
 * A named authorizer's settings after validation for one API kind. Plain data: the REST and WebSocket components hash
 * it into their deployment triggers, so its fields are part of what decides a redeployment.
 */
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

/** One route's protection, as written on the route or method and reported in `routeAuth`. */
export interface ResolvedRouteAuth extends RouteAuth {
    kind: "jwt" | "cognito" | "lambda" | "iam" | "public" | "connection";
}

/** What a route's `auth` names, bound to one API: it decides the protection of each route that names it. */
export interface RouteAuthorizer {
    /**
     * The route's protection; problems are recorded at `where` (the route). `apiKeyRequired` is the route's API-key
     * setting on REST APIs, undefined on the others. Undefined when the route cannot be protected this way.
     */
    authorize(route: RouteArgs, where: string, problems: Problems, apiKeyRequired: boolean | undefined): ResolvedRouteAuth | undefined;
}

/** A named authorizer bound to one API. */
export interface BoundAuthorizer extends RouteAuthorizer {
    /** The validated settings (plain data, hashed into deployment triggers). */
    readonly settings: ResolvedAuthorizer;
    /**
     * Creates the API's authorizer resource named `resourceName` on the API `apiId`; `fn` is the function of a Lambda
     * authorizer (undefined for the others).
     */
    create(resourceName: string, apiId: pulumi.Output<string>, fn: FunctionRef | undefined, parent: pulumi.Resource): pulumi.CustomResource;
}

/** What a kind needs to bind one authorizer of the `authorizers` argument. */
export interface BindContext {
    /** The API kind the authorizer is bound to. */
    api: ApiKind;
    /** The authorizer's name (its key in `authorizers`). */
    name: string;
    /** Where its problems are reported: `authorizer "<name>"`. */
    where: string;
    /** The header that carries the token (`tokenHeader`, default `Authorization`), already checked. */
    header: string;
    /** The component's `handlers` argument (Lambda authorizers name a key of it). */
    handlers: unknown;
    problems: Problems;
}

/** A kind of named authorizer: the `type` of an AuthorizerArgs. */
export interface AuthorizerKind {
    /** The AuthorizerArgs fields this kind reads besides `type`; the others are refused at preview. */
    readonly fields: readonly (keyof AuthorizerArgs)[];
    /** Why the kind does not exist on `api` (reported at the authorizer), or undefined when it does. */
    unsupportedOn(api: ApiKind): string | undefined;
    /** Validates `args` for `ctx.api`, recording problems at `ctx.where`, and binds the authorizer to that API. */
    bind(args: AuthorizerArgs, ctx: BindContext): BoundAuthorizer;
}

/** WebSocket APIs take Lambda REQUEST authorizers (and IAM) on `$connect` only. */
export function webSocketRefuses(type: string): string {
    return `WebSocket APIs authorize $connect with a Lambda REQUEST authorizer or "iam"; type ${JSON.stringify(type)} is not supported`;
}

/** An identity source in the API's own syntax: `$request.header.X` (HTTP), `method.request.…` (REST), `route.request.…` (WebSocket). */
export function identitySource(api: ApiKind, kind: "header" | "query", name: string): string {
    const prefix = api === "HTTP" ? "$request" : api === "REST" ? "method.request" : "route.request";
    return `${prefix}.${kind === "header" ? "header" : "querystring"}.${name}`;
}

/** The decision of a route protected by the named authorizer `settings`, writing `authorizationType`. */
export function namedRouteAuth(settings: ResolvedAuthorizer, authorizationType: string, scopes: string[] | undefined, apiKeyRequired: boolean | undefined): ResolvedRouteAuth {
    return {
        kind: settings.type,
        authorizationType,
        authorizer: settings.name,
        scopes: scopes && scopes.length ? [...scopes] : undefined,
        apiKeyRequired,
    };
}
