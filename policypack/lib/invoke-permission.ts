// Whether API Gateway may invoke a Lambda function: the aws.lambda.Permission resources of a stack, indexed once per
// policy run, and the judgement of one "invoke need" (an authorizer or integration that API Gateway will call).
//
// A Permission counts for a need when
//   - its principal is API Gateway (`apigateway.amazonaws.com`, or `.amazonaws.com.cn`) or anyone (`*`);
//   - its action allows invocation (`lambda:InvokeFunction`, or the wildcards `lambda:*` / `*`, which include it) and it
//     is not limited to function URLs (`invokedViaFunctionUrl`);
//   - it is on the same function and the same qualifier: Lambda keeps one resource policy per version/alias, so a
//     permission on `fn` does not let anyone call `fn:live`, and the other way round;
//   - its `sourceArn` matches every ARN API Gateway presents for the need (see execute-api-arn.ts), or is absent.
//
// Linking when values are unknown (a first preview). Rule for an unknown `sourceArn`, which is almost always
// `pulumi.interpolate` over an unknown `executionArn`: its property dependencies say which API it is built from, but
// its literal suffix cannot be read, so
//   - it does not cover an API it does not depend on (nor anything of that API);
//   - for an authorizer: depending on that authorizer (`.../authorizers/${authorizer.id}`) covers it; depending only on
//     other authorizers or on a stage of the API does not (no authorizer ARN contains a stage); depending on the API
//     alone "could not verify" (`/*` and `/*/*` cover authorizers, `/*/*/*` does not);
//   - for an integration: depending on the API or one of its stages "could not verify"; depending only on an
//     authorizer does not cover it;
//   - depending on no API at all "could not verify".
// A known sourceArn whose API id is written literally cannot name an API whose id is still unknown (the API does not
// exist yet), so it does not cover it.
//
// Cost: permissions are bucketed by function, qualifier and API, and known patterns by their literal prefix and
// suffix (PatternIndex), so a need looks at the few permissions that could match it, not at every permission of a
// shared function; permissions that would all give the same answer (unknown values linked to the same API) are
// looked at once. The text of a finding is only built for needs that are not covered.
import { PolicyResource } from "@pulumi/policy";
import { ArnPart, covers, ExecuteApiArn, hasHoles, hole, literalPrefix, openScope, parseExecuteApiArn, renderArn, Tri } from "authguard-apigateway";
import { LambdaLink, LambdaRef, resolveLambdaProperty } from "./lambda";
import { StackIndex } from "./stack-index";
import { T } from "./types";
import { asString, isUnknown, raw } from "./values";

export const API_GATEWAY_PRINCIPALS = ["apigateway.amazonaws.com", "apigateway.amazonaws.com.cn"];
export const HTTP_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

// ---------------------------------------------------------------------------------------------------------------
// Facts about one Permission.

export type SourceFacts =
    | { kind: "absent"; sourceAccount?: string; sourceAccountUnknown?: boolean }
    | { kind: "known"; pattern: string; parsed?: ExecuteApiArn; scope: ReturnType<typeof openScope> }
    | { kind: "unknown"; apis: PolicyResource[]; authorizers: PolicyResource[]; stages: PolicyResource[] };

export interface PermissionFacts {
    resource: PolicyResource;
    principal: "apigateway" | "anyone" | "other" | "unknown";
    principalText?: string;
    /** Whether the action lets the principal invoke the function. */
    grants: Tri;
    actionText?: string;
    fn: LambdaLink;
    source: SourceFacts;
}

function permissionFacts(index: StackIndex, p: PolicyResource): PermissionFacts {
    const props = raw(p.props) as Record<string, unknown>;
    const principalText = asString(props.principal);
    const principal: PermissionFacts["principal"] = isUnknown(props.principal)
        ? "unknown"
        : principalText === "*"
          ? "anyone"
          : principalText && API_GATEWAY_PRINCIPALS.includes(principalText.trim().toLowerCase())
            ? "apigateway"
            : "other";
    const actionText = asString(props.action);
    const action = actionText?.trim().toLowerCase();
    let grants: Tri = isUnknown(props.action) ? "unknown" : action === "lambda:invokefunction" || action === "lambda:*" || action === "*" ? "yes" : "no";
    if (props.invokedViaFunctionUrl === true) grants = "no";
    else if (isUnknown(props.invokedViaFunctionUrl) && grants === "yes") grants = "unknown";
    return { resource: p, principal, principalText, grants, actionText, fn: permissionFunction(index, p), source: sourceFacts(index, p) };
}

/** The Permission's function with its `qualifier` property applied. */
function permissionFunction(index: StackIndex, p: PolicyResource): LambdaLink {
    const link = resolveLambdaProperty(index, p, "function", "function");
    if (link.kind !== "lambda") return link;
    const props = raw(p.props) as Record<string, unknown>;
    const q = props.qualifier;
    if (q === undefined || q === null || q === "") return link;
    if (!isUnknown(q)) return typeof q === "string" ? { kind: "lambda", ref: { ...link.ref, qualifier: q } } : link;
    const [alias] = index.dependenciesOf(p, "qualifier", [T.lambdaAlias]);
    const aliasName = alias ? asString((raw(alias.props) as Record<string, unknown>).name) : undefined;
    return { kind: "lambda", ref: { ...link.ref, qualifier: aliasName } };
}

function sourceFacts(index: StackIndex, p: PolicyResource): SourceFacts {
    const props = raw(p.props) as Record<string, unknown>;
    const value = props.sourceArn;
    if (value === undefined || value === null || value === "") {
        if (isUnknown(props.sourceAccount)) return { kind: "absent", sourceAccountUnknown: true };
        return { kind: "absent", sourceAccount: asString(props.sourceAccount) || undefined };
    }
    if (!isUnknown(value) && typeof value === "string") {
        return { kind: "known", pattern: value, parsed: parseExecuteApiArn(value), scope: openScope(value) };
    }
    const apis = new Map<string, PolicyResource>();
    const authorizers: PolicyResource[] = [];
    const stages: PolicyResource[] = [];
    for (const dep of index.dependenciesOf(p, "sourceArn")) {
        const api = apiOf(index, dep);
        if (api) apis.set(api.urn, api);
        if (dep.type === T.authorizer || dep.type === T.v2Authorizer) authorizers.push(dep);
        if (dep.type === T.stage || dep.type === T.v2Stage) stages.push(dep);
    }
    return { kind: "unknown", apis: [...apis.values()], authorizers, stages };
}

/** The REST or v2 API a resource is, or belongs to (through `restApi` / `apiId`). */
export function apiOf(index: StackIndex, r: PolicyResource): PolicyResource | undefined {
    if (r.type === T.restApi || r.type === T.v2Api) return r;
    const [rest] = index.dependenciesOf(r, "restApi", [T.restApi]);
    if (rest) return rest;
    const [v2] = index.dependenciesOf(r, "apiId", [T.v2Api]);
    if (v2) return v2;
    const props = raw(r.props) as Record<string, unknown>;
    const id = asString(props.restApi) ?? asString(props.apiId);
    const [byId] = id ? index.withId(id, [T.restApi, T.v2Api]) : [];
    return byId;
}

// ---------------------------------------------------------------------------------------------------------------
// The index.

interface ApiBucket {
    label: string;
    byAuthorizer: Map<string, PermissionFacts>;
    /** Unknown sourceArn depending on the API (and no authorizer or stage of it). */
    generic: PermissionFacts[];
    /** Unknown sourceArn depending on a stage of the API. */
    staged: PermissionFacts[];
    /** Unknown sourceArn depending only on authorizers of the API. */
    authorizerOnly: PermissionFacts[];
    /** Known sourceArn patterns naming this API. */
    patterns: PatternIndex;
}

interface QualifierBucket {
    qualifier: string | null | undefined;
    /** Permissions in this bucket. */
    count: number;
    /** No sourceArn: one per distinct sourceAccount ("" none, "?" unknown); they cover every API (of that account). */
    absent: Map<string, PermissionFacts>;
    /** An unknown sourceArn linked to no API: "could not verify" for anything (the first one stands for all). */
    unlinked: PermissionFacts[];
    /** Known patterns whose API id is a wildcard: they may match any API. */
    anyApi: PatternIndex;
    byApi: Map<string, ApiBucket>;
}

interface FunctionBucket {
    byQualifier: Map<string, QualifierBucket>;
    /** Permissions on this function that cannot count, with the reason (for messages). */
    ignored: { facts: PermissionFacts; why: string }[];
}

export class InvokePermissionIndex {
    private readonly byFunction = new Map<string, FunctionBucket>();
    /** API Gateway (or unknown-principal) permissions whose function could not be resolved. */
    readonly unresolved: { facts: PermissionFacts; reason: string }[] = [];
    readonly all: PermissionFacts[] = [];
    /** Work counters across all indexes of the process (read by bench/stack-index): permissions indexed, needs judged, permissions looked at while judging them. */
    static readonly work = { indexed: 0, needs: 0, examined: 0 };

    private static readonly cache = new WeakMap<StackIndex, InvokePermissionIndex>();

    /** One per StackIndex (i.e. per policy run). */
    static of(index: StackIndex): InvokePermissionIndex {
        let built = InvokePermissionIndex.cache.get(index);
        if (!built) InvokePermissionIndex.cache.set(index, (built = new InvokePermissionIndex(index)));
        return built;
    }

    private constructor(private readonly index: StackIndex) {
        for (const p of index.ofType(T.lambdaPermission)) this.add(permissionFacts(index, p));
    }

    private add(f: PermissionFacts): void {
        InvokePermissionIndex.work.indexed++;
        this.all.push(f);
        if (f.principal === "other") return;
        if (f.fn.kind !== "lambda") {
            if (f.fn.kind === "unknown") this.unresolved.push({ facts: f, reason: f.fn.reason });
            return;
        }
        const ref = f.fn.ref;
        let fb = this.byFunction.get(ref.key);
        if (!fb) this.byFunction.set(ref.key, (fb = { byQualifier: new Map(), ignored: [] }));
        if (f.grants === "no") {
            fb.ignored.push({ facts: f, why: `its action ${JSON.stringify(f.actionText ?? "")} does not allow lambda:InvokeFunction through API Gateway` });
            return;
        }
        const qKey = qualifierKey(ref.qualifier);
        let qb = fb.byQualifier.get(qKey);
        if (!qb) fb.byQualifier.set(qKey, (qb = { qualifier: ref.qualifier, count: 0, absent: new Map(), unlinked: [], anyApi: new PatternIndex(), byApi: new Map() }));
        qb.count++;
        const s = f.source;
        if (s.kind === "absent") {
            const key = s.sourceAccountUnknown ? "?" : s.sourceAccount ?? "";
            if (!qb.absent.has(key)) qb.absent.set(key, f);
        } else if (s.kind === "known") {
            if (s.scope.notExecuteApi) {
                fb.ignored.push({ facts: f, why: `its sourceArn ${JSON.stringify(s.pattern)} is not an execute-api ARN` });
            } else if (s.scope.apiId || !s.parsed) {
                qb.anyApi.add(f, s.pattern);
            } else {
                const [api] = this.index.withId(s.parsed.apiId, [T.restApi, T.v2Api]);
                const bucket = this.apiBucket(qb, api ? `urn:${api.urn}` : `id:${s.parsed.apiId}`, api ? `API ${JSON.stringify(api.name)}` : `API id ${s.parsed.apiId}`);
                bucket.patterns.add(f, s.pattern);
            }
        } else if (s.apis.length === 0) {
            qb.unlinked.push(f);
        } else {
            for (const api of s.apis) {
                const bucket = this.apiBucket(qb, `urn:${api.urn}`, `API ${JSON.stringify(api.name)}`);
                const ownAuthorizers = s.authorizers.filter((a) => apiOf(this.index, a)?.urn === api.urn);
                const ownStages = s.stages.filter((st) => apiOf(this.index, st)?.urn === api.urn);
                for (const a of ownAuthorizers) bucket.byAuthorizer.set(a.urn, f);
                if (ownAuthorizers.length > 0 && ownStages.length === 0) bucket.authorizerOnly.push(f);
                else if (ownStages.length > 0) bucket.staged.push(f);
                else bucket.generic.push(f);
            }
        }
    }

    /** Matches the candidate patterns of `patterns` against `arn`; true when one covers it. */
    private matchPatterns(
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

    private apiBucket(qb: QualifierBucket, key: string, label: string): ApiBucket {
        let b = qb.byApi.get(key);
        if (!b) {
            b = { label, byAuthorizer: new Map(), generic: [], staged: [], authorizerOnly: [], patterns: new PatternIndex() };
            qb.byApi.set(key, b);
        }
        return b;
    }

    /** Judges one need: may API Gateway invoke `need.fn` for every ARN in `need.presents`? */
    judge(need: InvokeNeed): InvokeVerdict {
        // Fast pass without building any text; the explaining pass only runs for needs that are not covered.
        InvokePermissionIndex.work.needs++;
        const fast = this.evaluate(need, false);
        return fast.kind === "ok" ? fast : this.evaluate(need, true);
    }

    private evaluate(need: InvokeNeed, explain: boolean): InvokeVerdict {
        const fb = this.byFunction.get(need.fn.key);
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
                const v = this.judgeInBucket(qb, need, arn, apiKeys, explain ? why : undefined, explain ? notes : undefined);
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
            if (this.unresolved.length > 0) {
                for (const { facts, reason } of this.unresolved.slice(0, 3)) unknowns.add(`permission ${JSON.stringify(facts.resource.name)} may be for this function: ${reason}`);
                return { kind: "unknown", reasons: [...unknowns] };
            }
            return { kind: "missing", uncovered, notes: dedupe(notes).slice(0, 4) };
        }
        if (sawUnknown) return { kind: "unknown", reasons: [...unknowns] };
        return { kind: "ok" };
    }

    /** `unknowns` and `notes` are only given (and filled) when explaining. */
    private judgeInBucket(qb: QualifierBucket, need: InvokeNeed, arn: ArnPart[], apiKeys: string[], unknowns?: Set<string>, notes?: string[]): Tri {
        let best: Tri = "no";
        const note = (text: () => string) => {
            if (notes && notes.length < 6) notes.push(text());
        };
        const consider = (f: PermissionFacts, v: Tri, why?: () => string): boolean => {
            InvokePermissionIndex.work.examined++;
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
        if (this.matchPatterns(qb.anyApi, arn, consider, note, "any API")) return "yes";
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
            if (this.matchPatterns(b.patterns, arn, consider, note, b.label)) return "yes";
        }
        if (!seen && notes) {
            for (const b of qb.byApi.values()) {
                if (notes.length >= 4) break;
                notes.push(`${countList(b)} scoped to ${b.label}, not to this ${need.kind}'s API`);
            }
        }
        return best;
    }
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

function qualifierKey(q: string | null | undefined): string {
    return q === undefined ? "?" : q === null ? "" : `q:${q}`;
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

/**
 * Known sourceArn patterns, indexed so a presented ARN finds only the patterns that can match it: a pattern matches
 * only ARNs that start with its literal prefix (the text before its first wildcard) and end with its literal suffix
 * (the text after its last one). Fully known ARNs look up each (prefix length, suffix length) shape the index holds
 * (usually one: `<executionArn>/` and `/<METHOD>/<path>`); ARNs with unknown parts fall back on the prefix alone.
 */
class PatternIndex {
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

// ---------------------------------------------------------------------------------------------------------------
// The ARNs API Gateway presents.

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>/` for an API, with holes for what is not known yet. */
export function executeApiPrefix(index: StackIndex, api: PolicyResource | undefined, apiId?: string): ArnPart[] {
    const execArn = api ? asString((raw(api.props) as Record<string, unknown>).executionArn) : undefined;
    const parsed = execArn ? parseExecuteApiArn(execArn) : undefined;
    if (parsed) return [`arn:${parsed.partition}:execute-api:${parsed.region}:${parsed.account}:${parsed.apiId}/`];
    const id = apiId ?? (api ? index.idOf(api) : undefined);
    const region = api ? regionOf(api) : undefined;
    return ["arn:", region ? partitionOf(region) : hole("partition"), ":execute-api:", region ?? hole("region"), ":", hole("account"), ":", id ?? hole("api id"), "/"];
}

/** The region a resource lives in: its own `region` (aws 7), else its provider's, when known. */
function regionOf(r: PolicyResource): string | undefined {
    const own = asString((raw(r.props) as Record<string, unknown>).region);
    if (own) return own;
    const provider = r.provider ? (raw(r.provider.props) as Record<string, unknown>) : undefined;
    return provider ? asString(provider.region) : undefined;
}

/** The AWS partition of a region. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("eusc-")) return "aws-eusc";
    return "aws";
}

/** What API Gateway presents when it calls an authorizer. */
export function authorizerArn(prefix: ArnPart[], authorizerId: string | undefined): ArnPart[] {
    return [...prefix, "authorizers/", authorizerId ?? hole("authorizer id")];
}

/** Stage names of an API in the stack; a single hole when none is known. */
export function stageNames(index: StackIndex, api: PolicyResource | undefined): ArnPart[] {
    if (!api) return [hole("stage")];
    const out: ArnPart[] = [];
    if (api.type === T.restApi) {
        for (const ref of index.referencesTo(api, { types: [T.stage], property: "restApi" })) {
            out.push(asString((raw(ref.resource.props) as Record<string, unknown>).stageName) ?? hole("stage"));
        }
    } else {
        for (const ref of index.referencesTo(api, { types: [T.v2Stage], property: "apiId" })) {
            out.push(asString((raw(ref.resource.props) as Record<string, unknown>).name) ?? hole("stage"));
        }
    }
    return out.length > 0 ? out : [hole("stage")];
}

/** `<stage>/<METHOD>/<path>` for each stage and method (`ANY` expands to every method; API Gateway presents the request's). */
export function methodArns(prefix: ArnPart[], stages: ArnPart[], method: string | undefined, path: string | undefined): ArnPart[][] {
    const methods: ArnPart[] = method === undefined ? [hole("method")] : method.toUpperCase() === "ANY" ? HTTP_METHODS : [method.toUpperCase()];
    const pathPart: ArnPart = path === undefined ? hole("path", { slash: true, minLength: 0 }) : path.replace(/^\//, "");
    const out: ArnPart[][] = [];
    for (const stage of stages) for (const m of methods) out.push([...prefix, stage, "/", m, "/", pathPart]);
    return out;
}

/** `<stage>/<routeKey>` (WebSocket keys, `$default`). */
export function routeKeyArns(prefix: ArnPart[], stages: ArnPart[], routeKey: string | undefined): ArnPart[][] {
    const key: ArnPart = routeKey ?? hole("route key", { slash: true });
    return stages.map((stage) => [...prefix, stage, "/", key]);
}


// ---------------------------------------------------------------------------------------------------------------
// Judging one authorizer or integration.

/** An authorizer or integration API Gateway invokes: through a role it assumes, or through a Permission. */
export interface InvokeTarget {
    /** A credentials role is named: API Gateway assumes it, so no resource-based permission is needed. */
    usesCredentials: boolean;
    fn: LambdaLink;
}

export type InvokeOutcome = { kind: "ok" } | { kind: "unknown"; reason: string } | { kind: "missing"; fn: LambdaRef; uncovered: string[]; notes: string[] };

/** The part every invoke-permission policy shares: skip roles and non-Lambda targets, resolve the function, judge the need. */
export function judgeInvokeTarget(permissions: InvokePermissionIndex, target: InvokeTarget, need: (fn: LambdaRef) => InvokeNeed): InvokeOutcome {
    if (target.usesCredentials || target.fn.kind === "not-lambda") return { kind: "ok" };
    if (target.fn.kind === "unknown") return { kind: "unknown", reason: `its Lambda function could not be resolved: ${target.fn.reason}` };
    const fn = target.fn.ref;
    const verdict = permissions.judge(need(fn));
    if (verdict.kind === "ok") return verdict;
    if (verdict.kind === "unknown") return { kind: "unknown", reason: verdict.reasons.join("; ") };
    return { kind: "missing", fn, uncovered: verdict.uncovered, notes: verdict.notes };
}

/** What the index found instead of a covering permission, for a finding's problem sentence. */
export function foundText(notes: readonly string[]): string {
    return notes.length > 0 ? ` Found: ${notes.join("; ")}.` : ` No aws.lambda.Permission for API Gateway names this function.`;
}

/** The alternative fix: a role API Gateway assumes, set on the authorizer or integration through `property`. */
export function roleAlternative(property: string, on: "authorizer" | "integration"): string {
    return (
        `let API Gateway assume a role instead: set \`${property}: invokeRole.arn\` on the ${on}, where invokeRole trusts ` +
        `apigateway.amazonaws.com and allows lambda:InvokeFunction on the function.`
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Generated code.

/** The `new aws.lambda.Permission(...)` that lets API Gateway invoke `fn` for `sourceArn` (a TypeScript expression). */
export function permissionCode(resourceName: string, fn: LambdaRef, sourceArn: string): string {
    const lines = [
        `new aws.lambda.Permission(${JSON.stringify(resourceName)}, {`,
        `    action: "lambda:InvokeFunction",`,
        `    function: ${fn.code},`,
    ];
    if (typeof fn.qualifier === "string" && !fn.codeQualified) lines.push(`    qualifier: ${JSON.stringify(fn.qualifier)},`);
    lines.push(`    principal: "apigateway.amazonaws.com",`, `    sourceArn: ${sourceArn},`, `});`);
    return lines.join("\n");
}
