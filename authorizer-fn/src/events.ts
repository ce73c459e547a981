/**
 * Event detection and normalisation for the five API Gateway authorizer
 * payloads. Anything that is not recognisably one of them is `event_invalid`.
 *
 *   rest-token    {type:"TOKEN", authorizationToken, methodArn}
 *   rest-request  {type:"REQUEST", methodArn, resource, httpMethod, headers, ...}
 *   http-v1       {version:"1.0", type:"REQUEST", methodArn, ...}
 *   http-v2       {version:"2.0", type:"REQUEST", routeArn, routeKey, headers, ...}
 *   websocket     {type:"REQUEST", methodArn ".../$connect", requestContext:{eventType:"CONNECT"}}
 */
import { CONNECT_ROUTE_KEY, parseRequestArn, type RequestArn, VERB_PATH_KEY } from "authguard-apigateway";
import { AuthError } from "./errors";
import { isObject } from "./json-guard";
import { canonicalPathSegments } from "./paths";
import type { EventFormat } from "./log";

export type KnownFormat = Exclude<EventFormat, "unknown">;

export interface RouteRef {
  /** Upper-case verb (or ANY for an HTTP API `ANY /x` route template). */
  readonly method: string;
  /** Concrete requests: canonical, percent-decoded segments (paths.ts). Templates: as API Gateway names them. */
  readonly segments: readonly string[];
}

export interface NormalizedEvent {
  readonly format: KnownFormat;
  readonly arn: RequestArn;
  /** Literal route key when meaningful: `$connect`, `$default`. */
  readonly routeKey?: string;
  /** The concrete request (from the ARN API Gateway generated). */
  readonly concrete?: RouteRef;
  /** The matched route template, when the event carries one. */
  readonly template?: RouteRef;
}

export type RawEvent = Record<string, unknown>;

function invalid(): never {
  throw new AuthError("event_invalid");
}

/** Split a route template into segments, dropping empty ones (`/` has none). */
function templateSegments(path: string): string[] {
  const out: string[] = [];
  for (const s of path.split("/")) if (s !== "") out.push(s);
  return out;
}

/** The request path must be canonical when route rules decide (paths.ts). */
function canonical(path: string): string[] {
  return canonicalPathSegments(path) ?? notCanonical();
}

function notCanonical(): never {
  throw new AuthError("path_not_canonical");
}

/** The concrete request from the method/route ARN: `VERB/<path>`, the path in canonical form. */
function concreteFromArn(arn: RequestArn): RouteRef {
  const slash = arn.route.indexOf("/");
  if (slash <= 0) invalid();
  const method = arn.route.slice(0, slash).toUpperCase();
  if (!/^[A-Z]{3,7}$/.test(method)) invalid();
  return { method, segments: canonical(arn.route.slice(slash)) };
}

/** The event's own copy of the request path (REST `path`, HTTP API `rawPath`), when present, must be canonical too. */
function checkEventPath(path: unknown): void {
  if (path === undefined || path === null) return;
  if (typeof path !== "string") invalid();
  canonical(path);
}

function templateFrom(method: unknown, path: unknown): RouteRef | undefined {
  if (typeof method !== "string" || typeof path !== "string" || !path.startsWith("/")) return undefined;
  return { method: method.toUpperCase(), segments: templateSegments(path) };
}

function templateFromRouteKey(routeKey: unknown): RouteRef | undefined {
  if (typeof routeKey !== "string") return undefined;
  const m = VERB_PATH_KEY.exec(routeKey);
  return m ? templateFrom(m[1], m[2]) : undefined;
}

export function detectFormat(event: unknown): EventFormat {
  if (!isObject(event)) return "unknown";
  if (event.type === "TOKEN") return "rest-token";
  if (event.type !== "REQUEST") return "unknown";
  if (event.version === "2.0") return "http-v2";
  if (event.version === "1.0") return "http-v1";
  if (event.version !== undefined) return "unknown";
  const rc = event.requestContext;
  if (isObject(rc) && (rc.eventType === "CONNECT" || rc.routeKey === CONNECT_ROUTE_KEY)) return "websocket";
  return "rest-request";
}

/**
 * Validate and normalise an event. `withRoutes` (needed only for route scopes)
 * also extracts the concrete request and the route template, and refuses a
 * request path that is not canonical (`path_not_canonical`); without it the
 * ARN's `VERB/path` shape is still checked.
 */
export function normalizeEvent(event: unknown, format: EventFormat, withRoutes = true): NormalizedEvent {
  if (!isObject(event) || format === "unknown") invalid();
  switch (format) {
    case "rest-token": {
      const arn = parseRequestArn(event.methodArn) ?? invalid();
      if (!withRoutes) return arn.route.indexOf("/") > 0 ? { format, arn } : invalid();
      return { format, arn, concrete: concreteFromArn(arn) };
    }
    case "rest-request":
    case "http-v1": {
      const arn = parseRequestArn(event.methodArn) ?? invalid();
      if (!withRoutes) return arn.route.indexOf("/") > 0 ? { format, arn } : invalid();
      checkEventPath(event.path);
      const rc = isObject(event.requestContext) ? event.requestContext : {};
      const template =
        templateFrom(event.httpMethod, event.resource) ?? templateFromRouteKey(rc.routeKey) ?? templateFrom(rc.httpMethod, rc.resourcePath);
      return { format, arn, concrete: concreteFromArn(arn), template };
    }
    case "http-v2": {
      const arn = parseRequestArn(event.routeArn) ?? invalid();
      if (!withRoutes) return arn.route.indexOf("/") > 0 ? { format, arn } : invalid();
      const routeKey = typeof event.routeKey === "string" ? event.routeKey : undefined;
      checkEventPath(event.rawPath);
      return {
        format,
        arn,
        routeKey: routeKey?.startsWith("$") ? routeKey : undefined,
        concrete: concreteFromArn(arn),
        template: templateFromRouteKey(routeKey),
      };
    }
    case "websocket": {
      const arn = parseRequestArn(event.methodArn) ?? invalid();
      if (arn.route !== CONNECT_ROUTE_KEY) invalid();
      return { format, arn, routeKey: CONNECT_ROUTE_KEY };
    }
  }
}
