// Route keys: `VERB /path` (HTTP API routes, the components' route tables, AUTH_SCOPES keys) and `$name` keys
// (`$default`, WebSocket `$connect`/`$disconnect`). Guarantees: parseRouteKey returns one of the two shapes or throws
// a RouteKeyError (code ROUTE_KEY_INVALID); it splits, it does not judge the verb or the path, whose rules differ by
// who reads the key (API Gateway's for the components, the authorizer's for AUTH_SCOPES).

/** A `VERB /path` route key (verb in m[1], path in m[2]). */
export const VERB_PATH_KEY = /^([A-Za-z]+) (\/\S*)$/;
/** A `$name` route key. */
export const SPECIAL_ROUTE_KEY = /^\$[A-Za-z0-9_-]{1,64}$/;

export const DEFAULT_ROUTE_KEY = "$default";
export const CONNECT_ROUTE_KEY = "$connect";

export type RouteKey = { readonly kind: "special"; readonly key: string } | { readonly kind: "verb-path"; readonly verb: string; readonly path: string };

export class RouteKeyError extends Error {
    readonly code = "ROUTE_KEY_INVALID";
    constructor(readonly key: string) {
        super(`${JSON.stringify(key)} is not a route key: expected "VERB /path" (e.g. "GET /pets/{id}") or "$name" (e.g. "$connect")`);
        this.name = "RouteKeyError";
    }
}

/** `GET /pets/{id}` → verb `GET` (as written), path `/pets/{id}`; `$connect` → special. */
export function parseRouteKey(key: string): RouteKey {
    if (SPECIAL_ROUTE_KEY.test(key)) return { kind: "special", key };
    const m = VERB_PATH_KEY.exec(key);
    if (!m) throw new RouteKeyError(key);
    return { kind: "verb-path", verb: m[1], path: m[2] };
}
