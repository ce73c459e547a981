// Judging one invoke need (an authorizer or integration API Gateway will call) against the filed permissions: a fast
// pass that builds no text, and, only for a need that is not covered, a second pass that explains why.
import { PolicyResource } from "@pulumi/policy";
import { ArnPart, covers, renderArn, Tri } from "authguard-apigateway";
import { LambdaRef } from "../lambda";
import { ApiBucket, FiledPermissions, QualifierBucket, qualifierKey } from "./buckets";
import { PatternIndex } from "./pattern-index";
import { PermissionFacts } from "./permission-facts";

/** Fast pass without building any text; the explaining pass only runs for needs that are not covered. */
export function judgeNeed(filed: FiledPermissions, need: InvokeNeed): InvokeVerdict {
    const fast = evaluate(filed, need, false);
    return fast.kind === "ok" ? fast : evaluate(filed, need, true);
}

function evaluate(filed: FiledPermissions, need: InvokeNeed, explain: boolean): InvokeVerdict {
    const fb = filed.byFunction.get(need.fn.key);
    const notes: string[] = [];
    const unknowns = new Set<string>();
    const uncovered: string[] = [];
    const buckets: { qb: QualifierBucket; cap: boolean }[] = [];
    if (fb) {
        if (need.fn.qualifier === undefined) {
            for (const qb of fb.byQualifier.values()) buckets.push({ qb, cap: true });
            if (fb.byQualifier.size > 0) unknowns.add(`the qualifier (version or alias) of ${need.fn.label} is unknown during preview`);
        } else {
            const exact = fb.byQualifier.get(qualifierKey(need.fn.qualifier));
            if (exact) buckets.push({ qb: exact, cap: false });
            const unknownQ = fb.byQualifier.get("?");
            if (unknownQ) buckets.push({ qb: unknownQ, cap: true });
            for (const [k, qb] of explain ? fb.byQualifier : []) {
                if (k !== "?" && qb !== exact) notes.push(`${countPermissions(qb)} for ${qb.qualifier ? `qualifier ${JSON.stringify(qb.qualifier)}` : "the unqualified function"}, not ${need.fn.qualifier ? `qualifier ${JSON.stringify(need.fn.qualifier)}` : "the unqualified function"}`);
            }
        }
        for (const { facts, why } of explain ? fb.ignored.slice(0, 2) : []) notes.push(`permission ${JSON.stringify(facts.resource.name)} does not count: ${why}`);
    }
    const apiKeys = [need.api ? `urn:${need.api.urn}` : undefined, need.apiId ? `id:${need.apiId}` : undefined].filter((k): k is string => !!k);
    let sawUnknown = false;
    const qualifierUnknown = [...unknowns];
    unknowns.clear();
    for (const arn of need.presents) {
        let best: Tri = "no";
        const why = new Set<string>();
        for (const { qb, cap } of buckets) {
            const v = judgeInBucket(qb, need, arn, apiKeys, explain ? why : undefined, explain ? notes : undefined);
            const capped: Tri = cap && v === "yes" ? "unknown" : v;
            if (capped === "yes") {
                best = "yes";
                break;
            }
            if (capped === "unknown") best = "unknown";
        }
        if (best === "no") uncovered.push(explain ? renderArn(arn) : "");
        if (best === "unknown") {
            sawUnknown = true;
            for (const w of why) unknowns.add(w);
            for (const w of qualifierUnknown) unknowns.add(w);
        }
    }
    if (uncovered.length > 0) {
        // A permission whose function cannot be resolved might be the missing one.
        if (filed.unresolved.length > 0) {
            for (const { facts, reason } of filed.unresolved.slice(0, 3)) unknowns.add(`permission ${JSON.stringify(facts.resource.name)} may be for this function: ${reason}`);
            return { kind: "unknown", reasons: [...unknowns] };
        }
        return { kind: "missing", uncovered, notes: dedupe(notes).slice(0, 4) };
    }
    if (sawUnknown) return { kind: "unknown", reasons: [...unknowns] };
    return { kind: "ok" };
}

/** `unknowns` and `notes` are only given (and filled) when explaining. */
function judgeInBucket(qb: QualifierBucket, need: InvokeNeed, arn: ArnPart[], apiKeys: string[], unknowns?: Set<string>, notes?: string[]): Tri {
    let best: Tri = "no";
    const note = (text: () => string) => {
        if (notes && notes.length < 6) notes.push(text());
    };
    const consider = (f: PermissionFacts, v: Tri, why?: () => string): boolean => {
        if (v === "yes" && (f.principal === "unknown" || f.grants === "unknown")) {
            v = "unknown";
            why = () => `permission ${JSON.stringify(f.resource.name)}: its ${f.principal === "unknown" ? "principal" : "action"} is unknown during preview`;
        }
        if (v === "yes") {
            best = "yes";
            return true;
        }
        if (v === "unknown") {
            best = "unknown";
            if (why && unknowns) unknowns.add(why());
        }
        return false;
    };
    for (const f of qb.absent.values()) {
        if (consider(f, unscopedVerdict(f, arn), () => unscopedWhy(f, arn))) return "yes";
    }
    if (qb.unlinked.length > 0) consider(qb.unlinked[0], "unknown", () => unscopedWhy(qb.unlinked[0], arn));
    if (matchPatterns(qb.anyApi, arn, consider, note, "any API")) return "yes";
    if (apiKeys.length === 0) {
        // The API is neither in the stack nor named by a known id: scoped permissions might be for it.
        for (const b of qb.byApi.values()) {
            const sample = b.generic[0] ?? b.staged[0] ?? b.authorizerOnly[0] ?? b.patterns.first();
            if (sample) {
                consider(sample, "unknown", () => `the API of this ${need.kind} is not known, and permission ${JSON.stringify(sample.resource.name)} is scoped to ${b.label}`);
                break;
            }
        }
        return best;
    }
    let seen = false;
    for (const key of apiKeys) {
        const b = qb.byApi.get(key);
        if (!b) continue;
        seen = true;
        if (need.kind === "authorizer") {
            const own = need.authorizer ? b.byAuthorizer.get(need.authorizer.urn) : undefined;
            if (own && consider(own, "yes")) return "yes";
            // Every such permission gives the same answer: the first one stands for all.
            if (b.generic.length > 0) consider(b.generic[0], "unknown", () => unknownSuffixWhy(b.generic[0], b, need));
            if (b.authorizerOnly.length > 0 && !own) note(() => `permission ${JSON.stringify(b.authorizerOnly[0].resource.name)} is scoped to another authorizer of ${b.label}`);
            if (b.staged.length > 0) note(() => `permission ${JSON.stringify(b.staged[0].resource.name)} is scoped to a stage of ${b.label}, and authorizer ARNs have no stage`);
        } else {
            const linked = b.generic[0] ?? b.staged[0];
            if (linked) consider(linked, "unknown", () => unknownSuffixWhy(linked, b, need));
            if (b.authorizerOnly.length > 0) note(() => `permission ${JSON.stringify(b.authorizerOnly[0].resource.name)} is scoped to an authorizer of ${b.label}, not to its routes`);
        }
        if (matchPatterns(b.patterns, arn, consider, note, b.label)) return "yes";
    }
    if (!seen && notes) {
        for (const b of qb.byApi.values()) {
            if (notes.length >= 4) break;
            notes.push(`${countList(b)} scoped to ${b.label}, not to this ${need.kind}'s API`);
        }
    }
    return best;
}

/** Matches the candidate patterns of `patterns` against `arn`; true when one covers it. */
function matchPatterns(
    patterns: PatternIndex,
    arn: ArnPart[],
    consider: (f: PermissionFacts, v: Tri, why?: () => string) => boolean,
    note: (text: () => string) => void,
    label: string,
): boolean {
    if (patterns.count === 0) return false;
    const candidates = patterns.candidates(arn);
    for (const f of candidates) {
        const pattern = (f.source as { pattern: string }).pattern;
        const v = covers(pattern, arn);
        if (consider(f, v, () => `permission ${JSON.stringify(f.resource.name)}: whether its sourceArn ${JSON.stringify(pattern)} matches ${renderArn(arn)} depends on values unknown during preview`)) return true;
        if (v === "no") note(() => `permission ${JSON.stringify(f.resource.name)}'s sourceArn ${JSON.stringify(pattern)} does not match ${renderArn(arn)}`);
    }
    if (candidates.length === 0) {
        note(() => {
            const first = patterns.first()!;
            const more = patterns.count > 1 ? ` (and ${patterns.count - 1} more on ${label})` : "";
            return `permission ${JSON.stringify(first.resource.name)}'s sourceArn ${JSON.stringify((first.source as { pattern: string }).pattern)}${more} does not match ${renderArn(arn)}`;
        });
    }
    return false;
}

export type InvokeVerdict =
    | { kind: "ok" }
    | { kind: "missing"; uncovered: string[]; notes: string[] }
    | { kind: "unknown"; reasons: string[] };

/** Something API Gateway will invoke: a Lambda authorizer or a Lambda integration. */
export interface InvokeNeed {
    kind: "authorizer" | "integration";
    fn: LambdaRef;
    api?: PolicyResource;
    apiId?: string;
    /** For authorizers: the authorizer resource, when it is one (dependency links name it). */
    authorizer?: PolicyResource;
    /** Every ARN API Gateway presents when it invokes the function for this need (with holes for unknown parts). */
    presents: ArnPart[][];
}

function unscopedVerdict(f: PermissionFacts, arn: ArnPart[]): Tri {
    const s = f.source;
    if (s.kind === "absent") {
        if (s.sourceAccountUnknown) return "unknown";
        if (!s.sourceAccount) return "yes";
        return covers(`arn:*:execute-api:*:${s.sourceAccount}:*`, arn);
    }
    if (s.kind === "known") return covers(s.pattern, arn);
    return "unknown";
}

function unscopedWhy(f: PermissionFacts, arn: ArnPart[]): string {
    const s = f.source;
    const name = JSON.stringify(f.resource.name);
    if (s.kind === "absent") return `permission ${name}: its sourceAccount cannot be compared with the API's account during preview`;
    if (s.kind === "known") return `permission ${name}: whether its sourceArn ${JSON.stringify(s.pattern)} matches ${renderArn(arn)} depends on values unknown during preview`;
    return `permission ${name}: its sourceArn is unknown during preview and depends on no API in the stack`;
}

function unknownSuffixWhy(f: PermissionFacts, b: ApiBucket, need: InvokeNeed): string {
    return (
        `permission ${JSON.stringify(f.resource.name)}: its sourceArn is built from ${b.label} but is unknown during preview, ` +
        `so whether it covers ${need.kind === "authorizer" ? "the authorizer" : "this route"} cannot be read`
    );
}

function countPermissions(qb: QualifierBucket): string {
    return qb.count === 1 ? "1 permission is" : `${qb.count} permissions are`;
}

function countBucket(b: ApiBucket): number {
    return b.generic.length + b.staged.length + b.authorizerOnly.length + b.patterns.count;
}

function countList(b: ApiBucket): string {
    const n = countBucket(b);
    return n === 1 ? "1 permission is" : `${n} permissions are`;
}

function dedupe(items: string[]): string[] {
    return [...new Set(items)];
}

