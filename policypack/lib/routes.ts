// What an aws.apigatewayv2.Route is: its route key and the protocol of the API it belongs to. The protocol decides
// what "protected" means (HTTP: every route; WebSocket: only $connect carries authorization).
import { PolicyResource } from "@pulumi/policy";
import { parseRouteKey } from "./allowlist";
import { EnumValue, FUNCTION_URL_AUTHORIZATION, readEnum, REST_AUTHORIZATION, V2_AUTHORIZATION, V2_PROTOCOL } from "./enums";
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
    /** The owning API's protocolType when it is set to a value AWS does not define (lib/enums.ts). */
    unrecognisedProtocol?: unknown;
}

export function routeFacts(index: StackIndex, route: PolicyResource): RouteFacts {
    const props = raw(route.props) as Record<string, unknown>;
    if (isUnknown(props.routeKey)) return { unresolved: "routeKey is unknown" };
    const routeKey = asString(props.routeKey);
    const api = owningApi(index, route);
    let unrecognisedProtocol: unknown;
    if (api) {
        const protocol = readEnum(V2_PROTOCOL, (raw(api.props) as Record<string, unknown>).protocolType);
        if (protocol.kind === "known") return { routeKey, protocol: protocol.value, protocolSource: "api", api };
        if (protocol.kind === "unrecognised") unrecognisedProtocol = protocol.raw;
    }
    const inferred = protocolFromRouteKey(routeKey);
    if (inferred) return { routeKey, protocol: inferred, protocolSource: "route key", api, unrecognisedProtocol };
    return {
        routeKey,
        api,
        unrecognisedProtocol,
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
 * The authorization type of a route (`authorizationType`), a REST method (`authorization`) or a function URL
 * (`authorizationType`), read against the values AWS defines (lib/enums.ts): missing means NONE.
 */
export function authorizationType(props: Record<string, unknown>, kind: "route" | "method" | "function-url" = "route"): EnumValue<string> {
    if (kind === "method") return readEnum(REST_AUTHORIZATION, props.authorization, "NONE");
    return readEnum(kind === "route" ? V2_AUTHORIZATION : FUNCTION_URL_AUTHORIZATION, props.authorizationType, "NONE");
}

/** The authorization type when it is known and one AWS defines; undefined while unknown or unrecognised. */
export function knownAuthorization(props: Record<string, unknown>, kind: "route" | "method" | "function-url" = "route"): string | undefined {
    const v = authorizationType(props, kind);
    return v.kind === "known" ? v.value : undefined;
}

/** An API's protocolType (HTTP or WEBSOCKET) when it is known and one AWS defines. */
export function apiProtocol(api: PolicyResource): Protocol | undefined {
    const v = readEnum(V2_PROTOCOL, (raw(api.props) as Record<string, unknown>).protocolType);
    return v.kind === "known" ? v.value : undefined;
}
