// Execute-api ARN patterns as Lambda and IAM match them: a Permission's `sourceArn`, a policy's Resource.
//
// Lambda compares the Permission's sourceArn with the presented ARN (execute-api-arn.ts) as a wildcard pattern: `*`
// matches any run of characters (including `/` and `:`), `?` exactly one, everything else literally and
// case-sensitively. Path templates appear as written (`pets/{id}`, `{proxy+}`), so a pattern may keep them or
// wildcard them.
//
// During a preview parts of the presented ARN are not known yet (a new API's id, region and account; an
// authorizer's id). They are represented as holes, and a pattern is judged against every value a hole could take:
// "yes" when it matches whatever they turn out to be, "no" when it cannot match any of them, "unknown" otherwise.
// Guarantee: no verdict is "yes" unless every value of the holes matches.
function hasWildcard(s: string): boolean {
    return s.includes("*") || s.includes("?");
}

/**
 * Which of region, account and API id a sourceArn pattern leaves open to any value. Presented ARNs always have five
 * colons before the resource, so with five colons in the pattern each field is judged on its own; a pattern with
 * fewer colons (`arn:aws:execute-api:*`, `*`) can only match through a `*`, which then stands for every field from
 * its own on. `notExecuteApi` is set for patterns that cannot match an execute-api ARN at all.
 */
export function openScope(pattern: string): { region: boolean; account: boolean; apiId: boolean; notExecuteApi: boolean } {
    const parts = pattern.split(":");
    const fields = parts.length >= 6 ? [...parts.slice(0, 5), parts.slice(5).join(":")] : parts;
    const text = (i: number) => (i === 5 ? (fields[5] ?? "").split("/")[0] : fields[i] ?? "");
    const spanFrom = parts.length >= 6 ? Infinity : fields.findIndex((f) => f.includes("*"));
    if (spanFrom < 0) return { region: false, account: false, apiId: false, notExecuteApi: true };
    // At the field where a spanning `*` starts, only the text before it is literal: it must begin the wanted value
    // (`undefined*/*` cannot match `arn:…`, however much the `*` spans).
    const fixed = (i: number, want: string) =>
        i > spanFrom || (i === spanFrom ? want.startsWith(text(i).split(/[*?]/)[0]) : globMatch(text(i), want));
    const open = (i: number) => i >= spanFrom || hasWildcard(text(i));
    return { region: open(3), account: open(4), apiId: open(5), notExecuteApi: !(fixed(0, "arn") && fixed(2, "execute-api")) };
}

/** A part of a presented ARN not known yet. `slash`: it may contain `/` (a resource path); `minLength` 0 or 1. */
export interface Hole {
    hole: string;
    slash?: boolean;
    minLength?: 0 | 1;
}

export type ArnPart = string | Hole;

function isHole(p: ArnPart): p is Hole {
    return typeof p !== "string";
}

export function hole(what: string, opts: { slash?: boolean; minLength?: 0 | 1 } = {}): Hole {
    return { hole: what, ...opts };
}

export type Tri = "yes" | "no" | "unknown";

/** The ARN text with holes shown as `<what>`, for messages. */
export function renderArn(parts: readonly ArnPart[]): string {
    return parts.map((p) => (isHole(p) ? `<${p.hole}>` : p)).join("");
}

/** The literal text before the first hole. */
export function literalPrefix(parts: readonly ArnPart[]): string {
    let out = "";
    for (const p of parts) {
        if (isHole(p)) break;
        out += p;
    }
    return out;
}

export function hasHoles(parts: readonly ArnPart[]): boolean {
    return parts.some(isHole);
}

/** Whether `pattern` matches the presented ARN `parts` whatever values its holes take. */
export function covers(pattern: string, parts: readonly ArnPart[]): Tri {
    if (!hasHoles(parts)) return globMatch(pattern, parts.join("")) ? "yes" : "no";
    if (!canMatch(pattern, parts)) return "no";
    // Fill each hole with characters no pattern can name literally, at its shortest and a longer length (and across a
    // `/` when it may contain one): a glob that matches all of these fillings matches through wildcards alone.
    const fills: ((h: Hole) => string)[] = [
        (h) => "\u0001".repeat(Math.max(h.minLength ?? 1, 1)),
        (h) => "\u0002\u0002\u0002",
    ];
    if (parts.some((p) => isHole(p) && p.slash)) fills.push((h) => (h.slash ? "\u0003/\u0003" : "\u0003"));
    if (parts.some((p) => isHole(p) && (p.minLength ?? 1) === 0)) fills.push((h) => ((h.minLength ?? 1) === 0 ? "" : "\u0004"));
    const all = fills.every((fill) => globMatch(pattern, parts.map((p) => (isHole(p) ? fill(p) : p)).join("")));
    return all ? "yes" : "unknown";
}

/**
 * Glob with `*` (any run, including `/` and `:`) and `?` (one character); everything else literal and case-sensitive.
 * `singleChar: false` makes `?` literal too (the allowlist's globs).
 */
export function globMatch(pattern: string, value: string, opts: { singleChar?: boolean } = {}): boolean {
    // Iterative matcher with single-star backtracking: linear-ish, no regular expression built per call.
    const any = opts.singleChar !== false;
    let p = 0;
    let v = 0;
    let starP = -1;
    let starV = 0;
    while (v < value.length) {
        const c = pattern[p];
        if (c === "*") {
            starP = p++;
            starV = v;
        } else if (p < pattern.length && ((any && c === "?") || c === value[v])) {
            p++;
            v++;
        } else if (starP >= 0) {
            p = starP + 1;
            v = ++starV;
        } else {
            return false;
        }
    }
    while (pattern[p] === "*") p++;
    return p === pattern.length;
}

/** Whether some values of the holes make the pattern match. Holes hold no `:` and, unless `slash`, no `/`. */
function canMatch(pattern: string, parts: readonly ArnPart[]): boolean {
    // Flatten into single characters and holes.
    const items: (string | Hole)[] = [];
    for (const p of parts) {
        if (isHole(p)) items.push(p);
        else for (const ch of p) items.push(ch);
    }
    const memo = new Map<number, boolean>();
    const P = pattern.length;
    // State: pattern position i, item position j, k = characters the current hole has produced (capped at 1).
    const go = (i: number, j: number, k: number): boolean => {
        const key = (i * (items.length + 1) + j) * 2 + k;
        const cached = memo.get(key);
        if (cached !== undefined) return cached;
        memo.set(key, false); // guards against cycles; every real step makes progress
        let result = false;
        if (j === items.length) {
            let r = i;
            while (pattern[r] === "*") r++;
            result = r === P;
        } else {
            const item = items[j];
            const c = pattern[i];
            if (typeof item === "string") {
                if (c === "*") result = go(i + 1, j, 0) || go(i, j + 1, 0);
                else if (i < P && (c === "?" || c === item)) result = go(i + 1, j + 1, 0);
            } else {
                const produced = k >= (item.minLength ?? 1);
                // End the hole here.
                if (produced && go(i, j + 1, 0)) result = true;
                // Or let it produce one more character, which the pattern consumes.
                else if (c === "*") result = go(i, j, 1) || go(i + 1, j, k);
                else if (i < P && c !== ":" && (c !== "/" || item.slash)) result = go(i + 1, j, 1);
            }
        }
        memo.set(key, result);
        return result;
    };
    return go(0, 0, 0);
}
