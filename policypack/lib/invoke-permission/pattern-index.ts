// Known sourceArn patterns of one bucket, indexed by their literal prefix and suffix.
import { ArnPart, hasHoles, literalPrefix } from "authguard-apigateway";
import { PermissionFacts } from "./permission-facts";

/**
 * Known sourceArn patterns, indexed so a presented ARN finds only the patterns that can match it: a pattern matches
 * only ARNs that start with its literal prefix (the text before its first wildcard) and end with its literal suffix
 * (the text after its last one). Fully known ARNs look up each (prefix length, suffix length) shape the index holds
 * (usually one: `<executionArn>/` and `/<METHOD>/<path>`); ARNs with unknown parts fall back on the prefix alone.
 */
export class PatternIndex {
    count = 0;
    private readonly byShape = new Map<string, PermissionFacts[]>();
    private readonly shapes = new Map<string, [number, number]>();
    private readonly byPrefix = new Map<string, PermissionFacts[]>();
    private readonly prefixLengths = new Set<number>();
    private sortedPrefixes?: string[];
    private firstFacts?: PermissionFacts;

    add(f: PermissionFacts, pattern: string): void {
        const first = pattern.search(/[*?]/);
        const prefix = first < 0 ? pattern : pattern.slice(0, first);
        const last = Math.max(pattern.lastIndexOf("*"), pattern.lastIndexOf("?"));
        const suffix = first < 0 ? "" : pattern.slice(last + 1);
        push(this.byShape, `${prefix}\u0000${suffix}`, f);
        this.shapes.set(`${prefix.length},${suffix.length}`, [prefix.length, suffix.length]);
        push(this.byPrefix, prefix, f);
        this.prefixLengths.add(prefix.length);
        this.sortedPrefixes = undefined;
        this.firstFacts ??= f;
        this.count++;
    }

    first(): PermissionFacts | undefined {
        return this.firstFacts;
    }

    candidates(arn: ArnPart[]): PermissionFacts[] {
        const out: PermissionFacts[] = [];
        if (!hasHoles(arn)) {
            const text = arn.join("");
            for (const [pl, sl] of this.shapes.values()) {
                if (pl + sl > text.length) continue;
                const list = this.byShape.get(`${text.slice(0, pl)}\u0000${text.slice(text.length - sl)}`);
                if (list) out.push(...list);
            }
            return out;
        }
        const lit = literalPrefix(arn);
        for (const k of this.prefixLengths) {
            if (k > lit.length) continue;
            const list = this.byPrefix.get(lit.slice(0, k));
            if (list) out.push(...list);
        }
        // Past a hole, a longer literal prefix may still match what the hole turns out to be.
        this.sortedPrefixes ??= [...this.byPrefix.keys()].sort();
        const sorted = this.sortedPrefixes;
        let lo = 0;
        let hi = sorted.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (sorted[mid] <= lit) lo = mid + 1;
            else hi = mid;
        }
        for (let i = lo; i < sorted.length && sorted[i].startsWith(lit); i++) out.push(...this.byPrefix.get(sorted[i])!);
        return out;
    }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}
