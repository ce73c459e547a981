/**
 * Token extraction. TOKEN events: `authorizationToken`. Other events: the
 * configured sources in order (default `header:Authorization`), headers matched
 * case-insensitively; `query:` sources apply to WebSocket `$connect` only
 * (browsers cannot set headers there). A `Bearer ` prefix is stripped. A
 * header or parameter given twice is ambiguous and denied.
 */
import type { TokenSource } from "./config";
import { AuthError } from "./errors";
import type { KnownFormat, RawEvent } from "./events";
import { isObject } from "./json-guard";
import { MAX_TOKEN_LENGTH } from "./verify";

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
}

/** "bearer" in any case, followed by whitespace or the end, at `at`. */
function bearerAt(v: string, at: number, end: number): boolean {
  if (end - at < 6) return false;
  // OR 0x20 folds ASCII upper case to lower case for letters.
  if (
    (v.charCodeAt(at) | 32) !== 98 || (v.charCodeAt(at + 1) | 32) !== 101 || (v.charCodeAt(at + 2) | 32) !== 97 ||
    (v.charCodeAt(at + 3) | 32) !== 114 || (v.charCodeAt(at + 4) | 32) !== 101 || (v.charCodeAt(at + 5) | 32) !== 114
  ) {
    return false;
  }
  return end - at === 6 || isSpace(v.charCodeAt(at + 6));
}

/** Trim, strip an optional "Bearer " prefix; allocation-free when nothing needs stripping. */
function clean(value: string): string {
  // Bound work on hostile input before anything else.
  if (value.length > MAX_TOKEN_LENGTH + 64) throw new AuthError("token_too_large");
  let start = 0;
  let end = value.length;
  while (start < end && isSpace(value.charCodeAt(start))) start++;
  while (end > start && isSpace(value.charCodeAt(end - 1))) end--;
  if (bearerAt(value, start, end)) {
    start += 6;
    while (start < end && isSpace(value.charCodeAt(start))) start++;
  }
  if (start === end) throw new AuthError("missing_token");
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function fromHeaders(event: RawEvent, lname: string): string | undefined {
  let found: unknown;
  let count = 0;
  const headers = event.headers;
  if (isObject(headers)) {
    for (const k in headers) {
      if (k.length === lname.length && k.toLowerCase() === lname) {
        found = headers[k];
        count++;
      }
    }
  }
  const multi = event.multiValueHeaders;
  if (isObject(multi)) {
    for (const k in multi) {
      if (k.length === lname.length && k.toLowerCase() === lname) {
        const v = multi[k];
        if (Array.isArray(v) && v.length > 1) throw new AuthError("token_ambiguous");
      }
    }
  }
  if (count > 1) throw new AuthError("token_ambiguous");
  if (found === undefined || found === null) return undefined;
  if (typeof found !== "string") throw new AuthError("token_malformed");
  return found;
}

function fromQuery(event: RawEvent, name: string): string | undefined {
  const multi = event.multiValueQueryStringParameters;
  if (isObject(multi) && Object.hasOwn(multi, name)) {
    const v = multi[name];
    if (Array.isArray(v) && v.length > 1) throw new AuthError("token_ambiguous");
  }
  const q = event.queryStringParameters;
  if (!isObject(q) || !Object.hasOwn(q, name)) return undefined;
  const v = q[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new AuthError("token_malformed");
  return v;
}

export function extractToken(event: RawEvent, format: KnownFormat, sources: readonly TokenSource[]): string {
  if (format === "rest-token") {
    const v = event.authorizationToken;
    if (v === undefined || v === null || v === "") throw new AuthError("missing_token");
    if (typeof v !== "string") throw new AuthError("token_malformed");
    return clean(v);
  }
  for (const src of sources) {
    let value: string | undefined;
    if (src.kind === "header") value = fromHeaders(event, src.name);
    else if (format === "websocket") value = fromQuery(event, src.name);
    if (value !== undefined && value.trim() !== "") return clean(value);
  }
  throw new AuthError("missing_token");
}
