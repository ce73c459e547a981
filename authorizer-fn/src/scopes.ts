/**
 * Route-scope rules (AUTH_SCOPES). Every rule that matches the request applies
 * (the union of their scopes is required); the `*` entry applies only when no
 * other rule matched. A rule matches if it matches the route template the
 * event names (when it names one) or the concrete request from the ARN, so a
 * request can only ever need more scopes, never fewer, than a single match.
 * Literal path segments compare case-insensitively with the concrete request's
 * canonical (percent-decoded) segments (events.ts, paths.ts): again, fail-closed.
 */
import type { ScopeConfig, ScopeRule } from "./config";
import type { NormalizedEvent, RouteRef } from "./events";

function isParam(seg: string): boolean {
  return seg.startsWith("{") && seg.endsWith("}");
}

function pathMatches(rule: readonly string[], req: readonly string[], template: boolean): boolean {
  for (let i = 0; i < rule.length; i++) {
    const seg = rule[i];
    if (seg.endsWith("+}")) return req.length - i >= 1;
    if (i >= req.length) return false;
    if (isParam(seg)) continue;
    // A literal rule segment never matches a template's parameter segment.
    if ((template && isParam(req[i])) || seg.toLowerCase() !== req[i].toLowerCase()) return false;
  }
  return rule.length === req.length;
}

function ruleMatches(rule: ScopeRule, ref: RouteRef | undefined, template: boolean): boolean {
  if (ref === undefined || rule.method === undefined || rule.segments === undefined) return false;
  if (rule.method !== "ANY" && rule.method !== ref.method && ref.method !== "ANY") return false;
  return pathMatches(rule.segments, ref.segments, template);
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * The scopes a request needs, possibly none. Each rule's scope list is already
 * de-duplicated and frozen (config), so with at most one matching rule (the usual
 * case) it is returned as is: a Set is built only to union two or more.
 */
export function requiredScopes(config: ScopeConfig, req: NormalizedEvent): readonly string[] {
  let first: readonly string[] | undefined;
  let union: Set<string> | undefined;
  for (const rule of config.rules) {
    const hit =
      rule.literal !== undefined
        ? req.routeKey === rule.literal
        : ruleMatches(rule, req.template, true) || ruleMatches(rule, req.concrete, false);
    if (!hit) continue;
    if (first === undefined) {
      first = rule.scopes;
      continue;
    }
    union ??= new Set(first);
    for (const s of rule.scopes) union.add(s);
  }
  if (union !== undefined) return [...union];
  return first ?? config.fallback ?? NONE;
}
