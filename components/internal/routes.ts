// Route keys and paths: parsing, validation and the names of the resources created per route.
import { createHash } from "crypto";
import { VERB_PATH_KEY } from "authguard-apigateway";
import { RouteArgs } from "../types";
import { ApiKind, BoundAuthorizer, ResolvedRouteAuth, resolveRouteAuth } from "./auth";
import { Problems, q } from "./errors";
import { checkHandlerKey } from "./handlers";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface ParsedRoute {
    /** The route key as the component writes it (`GET /pets/{id}`, `$default`). */
    key: string;
    /** Upper-case method; undefined for `$default`. */
    method?: HttpMethod;
    /** `/pets/{id}`; undefined for `$default`. */
    path?: string;
    /** Path segments (`["pets", "{id}"]`). */
    segments: string[];
}

/** A route with a method and a path (every route but HTTP's `$default`). */
export type MethodRoute = ParsedRoute & { method: HttpMethod; path: string };

const LITERAL_SEGMENT = /^[A-Za-z0-9._~:@!$&'()*,;=-]+$/;
const PARAM_SEGMENT = /^\{[A-Za-z_][A-Za-z0-9_.-]*\+?\}$/;

/** Parses `METHOD /path` (or `$default` when allowed). Returns an error message instead of throwing. */
export function parseRouteKey(raw: string, opts: { allowDefault: boolean }): ParsedRoute | string {
    const key = raw.trim();
    if (key !== raw) return "must not start or end with spaces";
    if (key === "$default") {
        return opts.allowDefault ? { key, segments: [] } : "$default is not a route of REST APIs; use ANY /{proxy+}";
    }
    const m = VERB_PATH_KEY.exec(key);
    if (!m) return `is not a route key: expected "METHOD /path" (e.g. "GET /pets/{id}")${opts.allowDefault ? " or $default" : ""}`;
    const method = m[1].toUpperCase();
    if (method !== m[1]) return `method must be upper case (${method})`;
    if (!(HTTP_METHODS as readonly string[]).includes(method)) return `unknown method ${m[1]}; use one of ${HTTP_METHODS.join(", ")}`;
    const path = m[2];
    if (path !== "/" && path.endsWith("/")) return "path must not end with /";
    const segments = pathSegments(path);
    for (let i = 0; i < segments.length; i++) {
        const s = segments[i];
        if (s === "") return "path has an empty segment (//)";
        if (s.startsWith("{")) {
            if (!PARAM_SEGMENT.test(s)) return `path parameter ${s} is not valid: use {name} or {name+}`;
            if (s.endsWith("+}") && i !== segments.length - 1) return `greedy parameter ${s} must be the last segment`;
        } else if (!LITERAL_SEGMENT.test(s)) {
            return `path segment ${JSON.stringify(s)} has characters API Gateway does not accept`;
        }
    }
    return { key, method: method as HttpMethod, path, segments };
}

/** The segments of a path (`/pets/{id}` → `["pets", "{id}"]`, `/` → `[]`). */
export function pathSegments(path: string): string[] {
    return path === "/" ? [] : path.slice(1).split("/");
}

/**
 * Two sibling path parameters with different names (`/pets/{id}` and `/pets/{petId}`) are refused by API Gateway.
 * Returns a message for the first conflict.
 */
function findParameterConflict(paths: string[]): string | undefined {
    const paramAt = new Map<string, string>();
    for (const p of paths) {
        const segments = pathSegments(p);
        for (let i = 0; i < segments.length; i++) {
            const s = segments[i];
            if (!s.startsWith("{")) continue;
            const parent = "/" + segments.slice(0, i).join("/");
            const existing = paramAt.get(parent);
            if (existing !== undefined && existing !== s) {
                return `paths use different parameters ${existing} and ${s} under ${parent}: API Gateway allows one parameter name per level`;
            }
            paramAt.set(parent, s);
        }
    }
    return undefined;
}

/** One validated entry of a route table; generated routes (CORS preflight) have no `args`. */
export interface PlannedRoute<P extends ParsedRoute = ParsedRoute> {
    parsed: P;
    args?: RouteArgs;
    auth: ResolvedRouteAuth;
}

export interface RouteTableOptions {
    /** Whether `$default` is a route (HTTP APIs); REST APIs refuse it. */
    allowDefault: boolean;
    /** The API type's own rules for one otherwise valid route, reported at `where`. */
    check?: (route: PlannedRoute, where: string) => void;
}

/**
 * Validates a `METHOD /path` route table (HTTP and REST APIs): each key, duplicates (`get` and `GET` are one route),
 * the route object, its handler and auth decision, and sibling path parameters across the table. Records problems
 * instead of throwing; returns the routes that are valid so far.
 */
export function planRouteTable(
    api: Extract<ApiKind, "HTTP" | "REST">,
    table: { routes: { [routeKey: string]: RouteArgs }; handlers: unknown; defaultAuth?: string },
    authorizers: Map<string, BoundAuthorizer>,
    declared: ReadonlySet<string>,
    problems: Problems,
    opts: RouteTableOptions,
): PlannedRoute[] {
    const routes: PlannedRoute[] = [];
    const entries = Object.entries(table.routes);
    if (entries.length === 0) problems.add("routes", "needs at least one route");
    const seen = new Map<string, string>();
    for (const [key, route] of entries) {
        const where = `route ${q(key)}`;
        const parsed = parseRouteKey(key, { allowDefault: opts.allowDefault });
        if (typeof parsed === "string") {
            problems.add(where, parsed);
            continue;
        }
        const canonical = parsed.method ? `${parsed.method} ${parsed.path}` : parsed.key;
        if (seen.has(canonical)) problems.add(where, `duplicates route ${q(seen.get(canonical)!)}`);
        seen.set(canonical, key);
        if (!route || typeof route !== "object") {
            problems.add(where, "must be an object with `handler` and `auth`");
            continue;
        }
        checkHandlerKey(table.handlers, route.handler, where, problems);
        const auth = resolveRouteAuth(api, key, route, table.defaultAuth, authorizers, problems, { declared });
        if (!auth) continue;
        const planned: PlannedRoute = { parsed, args: route, auth };
        opts.check?.(planned, where);
        routes.push(planned);
    }
    const conflict = findParameterConflict(routes.filter((r) => r.parsed.path).map((r) => r.parsed.path!));
    if (conflict) problems.add("routes", conflict);
    return routes;
}

/** Every path prefix of a path, shortest first (`/a/b` → `/a`, `/a/b`); the root is not included. */
export function pathPrefixes(path: string): string[] {
    const segments = pathSegments(path);
    return segments.map((_s, i) => "/" + segments.slice(0, i + 1).join("/"));
}

/**
 * A slug for resource names: `GET /pets/{id}` → `GET-pets-_id_`, `$default` → `default`, `$connect` → `connect`.
 * Slugs are made unique per component by `Slugger`.
 */
function slug(value: string): string {
    const s = value
        .replace(/^([A-Z]+ )?\/$/, "$1root")
        .replace(/^\$/, "")
        .replace(/\{([^}]+)\}/g, "_$1_")
        .replace(/[^A-Za-z0-9_+.-]+/g, "-")
        .replace(/^-+|-+$/g, "");
    return s === "" ? "root" : s;
}

/** Hands out slugs that are unique within one component (adds a short hash when two values share a slug). */
export class Slugger {
    private readonly used = new Map<string, string>();

    get(value: string): string {
        let s = slug(value);
        const owner = this.used.get(s);
        if (owner !== undefined && owner !== value) {
            s = `${s}-${createHash("sha256").update(value).digest("hex").slice(0, 6)}`;
        }
        this.used.set(s, value);
        return s;
    }
}
