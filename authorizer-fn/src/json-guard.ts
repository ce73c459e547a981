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
 * One pass over JSON given as UTF-8 bytes, without decoding it (UTF-8
 * continuation bytes are never ASCII, so quotes, backslashes, brackets and
 * colons can be found byte by byte):
 * - `names`: the member names in the text. Compared with the member count of the
 *   parsed value (countParsedMembers), a difference means JSON.parse dropped a duplicate.
 * - `exp`: the numeric value of the top-level `exp` member (the last one, as
 *   JSON.parse keeps), or undefined. Read here so that an expired token is refused
 *   before any key is looked up; anything unusual is left for the full checks.
 */
export function scanPayload(bytes: Uint8Array, length = bytes.length): { names: number; exp: number | undefined } {
  let names = 0;
  let exp: number | undefined;
  let depth = 0;
  const n = Math.min(length, bytes.length);
  let i = 0;
  while (i < n) {
    const c = bytes[i];
    if (c !== QUOTE) {
      if (c === LBRACE || c === LBRACKET) depth++;
      else if (c === RBRACE || c === RBRACKET) depth--;
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
    while (k < n && isJsonSpace(bytes[k])) k++;
    if (k < n && bytes[k] === COLON) {
      names++;
      // "exp" spelled without escapes, as a member of the top-level object.
      if (depth === 1 && j - i === 4 && bytes[i + 1] === 101 && bytes[i + 2] === 120 && bytes[i + 3] === 112) exp = numberAt(bytes, k + 1, n);
    }
    i = j + 1;
  }
  return { names, exp };
}

function isJsonSpace(b: number): boolean {
  return b === 32 || b === 9 || b === 10 || b === 13;
}

/** A JSON number starting at `at` (after optional whitespace), or undefined. */
function numberAt(bytes: Uint8Array, at: number, n: number): number | undefined {
  let i = at;
  while (i < n && isJsonSpace(bytes[i])) i++;
  let text = "";
  // digits, sign, decimal point, exponent
  while (i < n && ((bytes[i] >= 48 && bytes[i] <= 57) || bytes[i] === 45 || bytes[i] === 43 || bytes[i] === 46 || bytes[i] === 101 || bytes[i] === 69)) {
    text += String.fromCharCode(bytes[i]);
    i++;
  }
  if (text === "") return undefined;
  const v = Number(text);
  return Number.isNaN(v) ? undefined : v;
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
