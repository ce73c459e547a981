// What an aws.apigatewayv2.Route is: its route key and the protocol of the API it belongs to. The protocol decides
// what "protected" means (HTTP: every route; WebSocket: only $connect carries authorization).
import { PolicyResource } from "@pulumi/policy";
import { parseRouteKey } from "./allowlist";
import { StackIndex } from "./stack-index";
import { T } from "./types";
import { asString, isUnknown, raw } from "./values";

export type Protocol = "HTTP" | "WEBSOCKET";

export interface RouteFacts {
    routeKey?: string;
    /** From the owning API when it is in the stack and known, otherwise inferred from the route key when it can be. */
    protocol?: Protocol;
    /** How the protocol was found. */
    protocolSource?: "api" | "route key";
    api?: PolicyResource;
    /** Set when the route key or the protocol cannot be determined. */
    unresolved?: string;
}

export function routeFacts(index: StackIndex, route: PolicyResource): RouteFacts {
    const props = raw(route.props) as Record<string, unknown>;
    if (isUnknown(props.routeKey)) return { unresolved: "routeKey is unknown" };
    const routeKey = asString(props.routeKey);
    const api = owningApi(index, route);
    if (api) {
        const protocol = apiProtocol(api);
        if (protocol === "HTTP" || protocol === "WEBSOCKET") return { routeKey, protocol, protocolSource: "api", api };
    }
    const inferred = protocolFromRouteKey(routeKey);
    if (inferred) return { routeKey, protocol: inferred, protocolSource: "route key", api };
    return {
        routeKey,
        api,
        unresolved: `route key ${JSON.stringify(routeKey)} exists on HTTP and WebSocket APIs, and the API's protocolType could not be resolved`,
    };
}

/** HTTP route keys are `$default` or `METHOD /path`; WebSocket keys are `$connect`, `$disconnect`, `$default` or names. */
export function protocolFromRouteKey(routeKey: string | undefined): Protocol | undefined {
    if (routeKey === undefined || routeKey === "$default") return undefined;
    return parseRouteKey(routeKey) ? "HTTP" : "WEBSOCKET";
}

/** The v2 API a resource belongs to: by its `apiId` dependency, or by a known API id matched against the stack. */
export function owningApi(index: StackIndex, resource: PolicyResource): PolicyResource | undefined {
    const [byDependency] = index.dependenciesOf(resource, "apiId", [T.v2Api]);
    if (byDependency) return byDependency;
    const apiId = asString((raw(resource.props) as Record<string, unknown>).apiId);
    const byValue = apiId ? index.byValue(apiId) : undefined;
    return byValue?.type === T.v2Api ? byValue : undefined;
}

/**
 * The authorization type as API Gateway applies it (upper case), undefined while unknown: missing means NONE.
 * `property`: `authorizationType` on routes (and function URLs), `authorization` on REST methods.
 */
export function authorizationType(props: Record<string, unknown>, property: "authorizationType" | "authorization" = "authorizationType"): string | undefined {
    if (isUnknown(props[property])) return undefined;
    return (asString(props[property]) ?? "NONE").toUpperCase();
}

/** An API's protocolType (HTTP or WEBSOCKET, upper case) when it is known. */
export function apiProtocol(api: PolicyResource): string | undefined {
    return asString((raw(api.props) as Record<string, unknown>).protocolType)?.toUpperCase();
}
