// CORS settings: validation and defaults shared by the HTTP (service-managed CORS) and REST (generated MOCK
// OPTIONS methods) components. Preflight requests carry no credentials, so they must never reach an authorizer.
import { CorsArgs } from "../types";
import { Problems, q } from "./errors";
import { HTTP_METHODS, MethodRoute, pathSegments, PlannedRoute } from "./routes";

export interface ResolvedCors {
    allowOrigins: string[];
    /** undefined: derive from the routes. */
    allowMethods?: string[];
    allowHeaders: string[];
    exposeHeaders: string[];
    allowCredentials: boolean;
    maxAgeSeconds: number;
}

const DEFAULT_CORS_HEADERS = ["Authorization", "Content-Type", "X-Amz-Date", "X-Amz-Security-Token", "X-Api-Key"];
const HEADER_NAME = /^[A-Za-z0-9!#$%&'+.^_`|~-]{1,128}$/;
const PREFLIGHT_REASON = "CORS preflight";

function checkOrigin(origin: string, where: string, problems: Problems): void {
    if (origin === "*") return;
    let url: URL;
    try {
        url = new URL(origin);
    } catch {
        problems.add(where, `allowOrigins entry ${q(origin)} is not an origin (scheme://host[:port])`);
        return;
    }
    if (url.origin !== origin) problems.add(where, `allowOrigins entry ${q(origin)} must be exactly an origin, e.g. ${q(url.origin)} (no path or trailing slash)`);
}

export function resolveCors(cors: CorsArgs | undefined, problems: Problems): ResolvedCors | undefined {
    if (cors === undefined) return undefined;
    const where = "cors";
    const origins = Array.isArray(cors.allowOrigins) ? cors.allowOrigins : [];
    if (origins.length === 0) problems.add(where, "allowOrigins needs at least one origin");
    for (const o of origins) checkOrigin(String(o), where, problems);
    const allowCredentials = cors.allowCredentials === true;
    if (allowCredentials && origins.includes("*")) problems.add(where, 'allowCredentials cannot be combined with the "*" origin (browsers refuse it); list the origins');
    if (origins.includes("*") && origins.length > 1) problems.add(where, '"*" already allows every origin; list origins or use "*" alone');
    for (const m of cors.allowMethods ?? []) {
        if (m !== "*" && !(HTTP_METHODS as readonly string[]).includes(m)) problems.add(where, `allowMethods entry ${q(m)} is not an HTTP method`);
    }
    for (const h of [...(cors.allowHeaders ?? []), ...(cors.exposeHeaders ?? [])]) {
        if (h !== "*" && !HEADER_NAME.test(h)) problems.add(where, `header ${q(h)} is not a header name`);
    }
    const maxAge = cors.maxAgeSeconds ?? 300;
    if (!Number.isInteger(maxAge) || maxAge < 0 || maxAge > 86400) problems.add(where, "maxAgeSeconds must be a whole number from 0 to 86400");
    return {
        allowOrigins: [...origins],
        allowMethods: cors.allowMethods ? [...cors.allowMethods] : undefined,
        allowHeaders: cors.allowHeaders ? [...cors.allowHeaders] : [...DEFAULT_CORS_HEADERS],
        exposeHeaders: cors.exposeHeaders ? [...cors.exposeHeaders] : [],
        allowCredentials,
        maxAgeSeconds: maxAge,
    };
}

/** Methods to announce for a set of route methods (`ANY` and `*` expand to every method), plus OPTIONS. */
export function methodsFor(methods: Iterable<string>): string[] {
    const set = new Set<string>();
    for (const m of methods) {
        if (m === "ANY" || m === "*") HTTP_METHODS.filter((x) => x !== "ANY").forEach((x) => set.add(x));
        else set.add(m);
    }
    set.add("OPTIONS");
    return HTTP_METHODS.filter((m) => set.has(m));
}

/**
 * The public OPTIONS route the component generates for `path` so that preflights, which carry no credentials, never
 * reach an authorizer. `apiKeyRequired` is REST's explicit `false` (HTTP APIs have no API keys: undefined).
 */
export function preflightRoute(path: string, apiKeyRequired?: boolean): PlannedRoute<MethodRoute> {
    return {
        parsed: { key: `OPTIONS ${path}`, method: "OPTIONS", path, segments: pathSegments(path) },
        auth: { kind: "public", authorizationType: "NONE", publicReason: PREFLIGHT_REASON, generated: true, apiKeyRequired },
    };
}
