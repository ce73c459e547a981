/**
 * A single-pass scan of JSON text that finds duplicate member names (at any
 * depth) and prototype-pollution member names (`__proto__`, `constructor`,
 * `prototype`). JSON.parse silently keeps the last duplicate, which lets two
 * parsers disagree about a claim; such documents are refused outright.
 *
 * The scan assumes nothing about validity: malformed text is left for
 * JSON.parse to reject. It never allocates for member names it does not need.
 */

export type JsonGuardResult = "ok" | "duplicate" | "forbidden";

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const QUOTE = 34; // "
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;
const COLON = 58;

function isForbiddenName(name: string): boolean {
  return name === "__proto__" || name === "constructor" || name === "prototype";
}

export function scanJson(text: string): JsonGuardResult {
  // Stack of containers: a Set of member names for objects, null for arrays.
  const stack: Array<Set<string> | null> = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Read a string; record whether it contained escapes.
      const start = i + 1;
      let j = start;
      let escaped = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
          continue;
        }
        if (d === QUOTE) break;
        j++;
      }
      if (j >= n) return "ok"; // unterminated: JSON.parse will reject it
      const top = stack.length > 0 ? stack[stack.length - 1] : null;
      if (top) {
        // A member name is a string inside an object followed by ':'.
        let k = j + 1;
        while (k < n) {
          const e = text.charCodeAt(k);
          if (e === 32 || e === 9 || e === 10 || e === 13) k++;
          else break;
        }
        if (k < n && text.charCodeAt(k) === COLON) {
          let name = text.slice(start, j);
          if (escaped) {
            try {
              name = JSON.parse(`"${name}"`) as string;
            } catch {
              return "ok"; // invalid escape: JSON.parse will reject the document
            }
          }
          if (isForbiddenName(name)) return "forbidden";
          if (top.has(name)) return "duplicate";
          top.add(name);
        }
      }
      i = j + 1;
      continue;
    }
    if (c === LBRACE) stack.push(new Set());
    else if (c === LBRACKET) stack.push(null);
    else if (c === RBRACE || c === RBRACKET) stack.pop();
    i++;
  }
  return "ok";
}

/**
 * Count member names in JSON given as UTF-8 bytes, without decoding it (UTF-8
 * continuation bytes are never ASCII, so quotes, backslashes and colons can be
 * found byte by byte). Compared with the member count of the parsed value
 * (countParsedMembers), a difference means JSON.parse dropped a duplicate.
 */
export function countMemberNames(bytes: Uint8Array, length = bytes.length): number {
  let names = 0;
  const n = Math.min(length, bytes.length);
  let i = 0;
  while (i < n) {
    if (bytes[i] !== QUOTE) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const d = bytes[j];
      if (d === BACKSLASH) j += 2;
      else if (d === QUOTE) break;
      else j++;
    }
    let k = j + 1;
    while (k < n && (bytes[k] === 32 || bytes[k] === 9 || bytes[k] === 10 || bytes[k] === 13)) k++;
    if (k < n && bytes[k] === COLON) names++;
    i = j + 1;
  }
  return names;
}

/** Total own members of all objects in a parsed JSON value, and whether a forbidden name occurs. */
export function countParsedMembers(value: unknown): { members: number; forbidden: boolean } {
  let members = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== null && typeof item === "object") stack.push(item);
      continue;
    }
    for (const key of Object.keys(v)) {
      if (isForbiddenName(key)) return { members, forbidden: true };
      members++;
      const child = (v as Record<string, unknown>)[key];
      if (child !== null && typeof child === "object") stack.push(child);
    }
  }
  return { members, forbidden: false };
}
