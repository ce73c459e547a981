/**
 * Canonical request paths for route-scope matching. Whether API Gateway
 * normalised a path before handing it over is not something a security decision
 * should bet on, so when per-route rules exist a path not in canonical form is
 * refused (`path_not_canonical`) and rules are matched on one form, the same for
 * every event format: the list of percent-decoded segments.
 *
 * Canonical means: `/` alone, or `/` followed by non-empty segments that
 * - are not `.` or `..`;
 * - hold only unreserved characters, sub-delimiters other than `;` (no matrix
 *   parameters), `:`, `@`, percent escapes and non-ASCII text: no whitespace,
 *   control characters, `;`, `\`, `?`, `#`, `"`, `<`, `>`, `[`, `]`, `^`, `` ` ``, `{`,
 *   `|`, `}`;
 * - have no escape of `/`, `.`, `%`, `;`, `\`, `?`, `#`, a space or a control
 *   character, and decode to well-formed UTF-8;
 * - once decoded, hold no whitespace, control or format character, are stable
 *   under NFKC (no fullwidth `／` or `．`) and do not fold to other ASCII letters
 *   under case mapping (`ſ`, `K`, `ı`, `İ`).
 */

const RAW_SEGMENT = /^[A-Za-z0-9\-._~!$&'()*+,=:@%\u0080-\uffff]+$/;
const ESCAPE = /%([0-9A-Fa-f]{2})/g;
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/;
/** Whitespace, control and format characters, and lone surrogates (not well-formed text). */
const UNSAFE_DECODED = /[\s\p{Cc}\p{Cf}\p{Cs}]/u;

/** Escaped ASCII bytes that change a path's structure or meaning once decoded. */
function isForbiddenEscape(byte: number): boolean {
  return (
    byte <= 0x20 || byte === 0x7f || byte === 0x2f /* / */ || byte === 0x2e /* . */ || byte === 0x25 /* % */ ||
    byte === 0x3b /* ; */ || byte === 0x5c /* \ */ || byte === 0x3f /* ? */ || byte === 0x23 /* # */
  );
}

function asciiCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x80) n++;
  return n;
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return true;
  return false;
}

/** One segment, decoded; undefined when it is not canonical. */
function canonicalSegment(segment: string): string | undefined {
  if (segment === "" || segment === "." || segment === ".." || !RAW_SEGMENT.test(segment)) return undefined;
  let decoded = segment;
  if (segment.includes("%")) {
    if (STRAY_PERCENT.test(segment)) return undefined;
    for (const m of segment.matchAll(ESCAPE)) if (isForbiddenEscape(parseInt(m[1], 16))) return undefined;
    try {
      decoded = decodeURIComponent(segment); // throws on malformed UTF-8 (overlong `/` included)
    } catch {
      return undefined;
    }
  }
  if (hasNonAscii(decoded)) {
    if (UNSAFE_DECODED.test(decoded) || decoded.normalize("NFKC") !== decoded) return undefined;
    const ascii = asciiCount(decoded);
    if (asciiCount(decoded.toLowerCase()) !== ascii || asciiCount(decoded.toUpperCase()) !== ascii) return undefined;
  }
  return decoded;
}

/**
 * The decoded segments of a canonical absolute path (`/` gives none), or
 * undefined when the path is not in canonical form.
 */
export function canonicalPathSegments(path: string): string[] | undefined {
  if (path.charCodeAt(0) !== 0x2f) return undefined;
  if (path.length === 1) return [];
  const out: string[] = [];
  for (const raw of path.slice(1).split("/")) {
    const segment = canonicalSegment(raw);
    if (segment === undefined) return undefined;
    out.push(segment);
  }
  return out;
}
