// Where the permission index files a Permission: by function, then qualifier (Lambda keeps one resource policy per
// version or alias), then API. Shared by the index that fills the buckets and the judgement that reads them.
import { PermissionFacts } from "./permission-facts";
import { PatternIndex } from "./pattern-index";

export interface ApiBucket {
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

export interface QualifierBucket {
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

export interface FunctionBucket {
    byQualifier: Map<string, QualifierBucket>;
    /** Permissions on this function that cannot count, with the reason (for messages). */
    ignored: { facts: PermissionFacts; why: string }[];
}

/** The key of a qualifier bucket: "?" unknown, "" the unqualified function, `q:<name>` a version or alias. */
export function qualifierKey(q: string | null | undefined): string {
    return q === undefined ? "?" : q === null ? "" : `q:${q}`;
}

/** The filed permissions a need is judged against (InvokePermissionIndex). */
export interface FiledPermissions {
    readonly byFunction: ReadonlyMap<string, FunctionBucket>;
    /** API Gateway (or unknown-principal) permissions whose function could not be resolved. */
    readonly unresolved: readonly { facts: PermissionFacts; reason: string }[];
}
