// Matching endpoints against the `publicRoutes` allowlist.
import { globMatch as starGlob } from "authguard-apigateway";
import { PublicRouteEntry } from "./config";

/** What we know about an endpoint when matching it. */
export interface Endpoint {
    /** HTTP method (`GET`, `ANY`), absent for route keys that are not `METHOD /path`. */
    method?: string;
    /** Resource path (`/pets/{id}`), absent when unknown. */
    path?: string;
    /** A route key as written (`$connect`, `$default`, `GET /pets`). */
    routeKey?: string;
    name: string;
    urn: string;
}

export function findAllowlistEntry(entries: readonly PublicRouteEntry[], endpoint: Endpoint): PublicRouteEntry | undefined {
    return entries.find((entry) => matches(entry, endpoint));
}

function matches(entry: PublicRouteEntry, endpoint: Endpoint): boolean {
    if (entry.resource !== undefined && !(globMatch(entry.resource, endpoint.name) || globMatch(entry.resource, endpoint.urn))) {
        return false;
    }
    if (entry.route === undefined) return entry.resource !== undefined;
    return routeMatches(entry.route, endpoint);
}

/**
 * Whether an entry could cover an endpoint whose path is not known (Remediate sees one resource, not the Resource
 * chain that gives the path): every entry whose resource glob and method would match, whatever its path.
 */
export function mayCoverWithoutPath(entry: PublicRouteEntry, endpoint: { method: string; name: string; urn: string }): boolean {
    if (entry.resource !== undefined && !(globMatch(entry.resource, endpoint.name) || globMatch(entry.resource, endpoint.urn))) {
        return false;
    }
    if (entry.route === undefined || entry.route.trim() === "*") return true;
    const parsed = parseRouteKey(entry.route);
    return parsed !== undefined && (parsed.method === "ANY" || parsed.method === "*" || parsed.method === endpoint.method);
}

/** `GET /pets` matches GET on /pets; `ANY /pets` any method; `*` anything; a bare key (`$connect`) that key. */
function routeMatches(pattern: string, endpoint: Endpoint): boolean {
    const trimmed = pattern.trim();
    if (trimmed === "*") return true;
    const parsed = parseRouteKey(trimmed);
    if (!parsed) return endpoint.routeKey !== undefined && trimmed === endpoint.routeKey;
    const target = endpoint.method !== undefined && endpoint.path !== undefined
        ? { method: endpoint.method, path: endpoint.path }
        : endpoint.routeKey !== undefined ? parseRouteKey(endpoint.routeKey) : undefined;
    if (!target) return false;
    const methodOk = parsed.method === "ANY" || parsed.method === "*" || parsed.method === target.method.toUpperCase();
    return methodOk && globMatch(parsed.path, target.path);
}

export function parseRouteKey(key: string): { method: string; path: string } | undefined {
    const m = /^([A-Za-z*]+)\s+(\/\S*)$/.exec(key.trim());
    return m ? { method: m[1].toUpperCase(), path: m[2] } : undefined;
}

/** Glob where `*` matches any run of characters (including `/` and `:`), everything else literally. */
export function globMatch(pattern: string, value: string): boolean {
    return starGlob(pattern, value, { singleChar: false });
}
