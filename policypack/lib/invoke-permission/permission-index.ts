// The aws.lambda.Permission resources of a stack, read once (permission-facts) and filed by function, qualifier and
// API (buckets), so judging a need looks at the few permissions that could match it (judge-need).
import { ApiBucket, FiledPermissions, FunctionBucket, QualifierBucket, qualifierKey } from "./buckets";
import { InvokeNeed, InvokeVerdict, judgeNeed } from "./judge-need";
import { PatternIndex } from "./pattern-index";
import { PermissionFacts, permissionFacts } from "./permission-facts";
import { apiOf } from "../api-links";
import { StackIndex } from "../stack-index";
import { T } from "../types";

export class InvokePermissionIndex implements FiledPermissions {
    readonly byFunction = new Map<string, FunctionBucket>();
    /** API Gateway (or unknown-principal) permissions whose function could not be resolved. */
    readonly unresolved: { facts: PermissionFacts; reason: string }[] = [];

    private static readonly cache = new WeakMap<StackIndex, InvokePermissionIndex>();

    /** One per StackIndex, so one per AnalyzeStack (lib/stack-policy.ts). */
    static of(index: StackIndex): InvokePermissionIndex {
        let built = InvokePermissionIndex.cache.get(index);
        if (!built) InvokePermissionIndex.cache.set(index, (built = new InvokePermissionIndex(index)));
        return built;
    }

    private constructor(private readonly index: StackIndex) {
        for (const p of index.ofType(T.lambdaPermission)) this.add(permissionFacts(index, p));
    }

    private add(f: PermissionFacts): void {
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
        return judgeNeed(this, need);
    }
}
