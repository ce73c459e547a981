// Parsing IAM policy documents (resource policies, identity policies) as Pulumi programs pass them: a JSON string,
// or an object (a body's `x-amazon-apigateway-policy`, `aws.iam.getPolicyDocument` output parsed back, a literal),
// with `Statement` a single statement or an array, and every element that may be a string or a list given either
// way. Keys are matched case-insensitively (`Effect`/`effect`), as are condition keys (IAM treats them so).
import { globMatch } from "authguard-apigateway";
import { POLICY_EFFECT, readEnum, unrecognisedText } from "./enums";
import { containsUnknown, isUnknown } from "./values";

export interface PrincipalSet {
    /** `"*"`, or `{ "AWS": "*" }` (alone or in a list): anyone, in any account, signed or not. */
    anyone: boolean;
    aws: string[];
    service: string[];
    federated: string[];
    canonicalUser: string[];
}

export interface ConditionClause {
    /** As written, e.g. `StringNotEquals`, `ForAnyValue:StringLike`, `StringEqualsIfExists`. */
    operator: string;
    /** Lower-cased condition key, e.g. `aws:sourcevpce`. */
    key: string;
    values: string[];
}

export interface PolicyStatement {
    /** Zero-based position in the document. */
    index: number;
    sid?: string;
    effect: "Allow" | "Deny";
    principal?: PrincipalSet;
    notPrincipal?: PrincipalSet;
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    conditions: ConditionClause[];
}

export type ParsedPolicy =
    | { status: "absent" }
    | { status: "unknown" }
    | { status: "invalid"; error: string }
    | { status: "ok"; statements: PolicyStatement[] };

/** Parses a policy document given as a JSON string or an object. Never throws. */
export function parsePolicyDocument(value: unknown): ParsedPolicy {
    if (value === undefined || value === null || value === "") return { status: "absent" };
    if (isUnknown(value)) return { status: "unknown" };
    let doc: unknown = value;
    if (typeof value === "string") {
        try {
            doc = JSON.parse(value);
        } catch (e) {
            return { status: "invalid", error: `not valid JSON: ${(e as Error).message}` };
        }
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        return { status: "invalid", error: "a policy document must be a JSON object with a Statement" };
    }
    const raw = field(doc as Record<string, unknown>, "Statement");
    if (raw === undefined) return { status: "invalid", error: "the policy document has no Statement" };
    if (isUnknown(raw)) return { status: "unknown" };
    const list = Array.isArray(raw) ? raw : [raw];
    const statements: PolicyStatement[] = [];
    for (let i = 0; i < list.length; i++) {
        // Who, what and the effect must be known to judge a statement; unknown Resource or Condition values (an
        // object-form document built from outputs) are kept as the unknown sentinel for the caller to weigh.
        const st = list[i];
        if (isUnknown(st)) return { status: "unknown" };
        if (st !== null && typeof st === "object" && !Array.isArray(st)) {
            const o = st as Record<string, unknown>;
            if (["Effect", "Principal", "NotPrincipal", "Action", "NotAction"].some((k) => containsUnknown(field(o, k)))) return { status: "unknown" };
            const cond = field(o, "Condition");
            if (isUnknown(cond) || (cond !== null && typeof cond === "object" && Object.values(cond as object).some(isUnknown))) return { status: "unknown" };
        }
        const parsed = parseStatement(list[i], i);
        if (typeof parsed === "string") return { status: "invalid", error: `statement #${i + 1}: ${parsed}` };
        statements.push(parsed);
    }
    return { status: "ok", statements };
}

function parseStatement(value: unknown, index: number): PolicyStatement | string {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return "a statement must be an object";
    const s = value as Record<string, unknown>;
    const effectRaw = field(s, "Effect");
    const effectRead = readEnum(POLICY_EFFECT, effectRaw);
    if (effectRead.kind !== "known") return `Effect ${unrecognisedText(POLICY_EFFECT, effectRaw)}`;
    const effect = effectRead.value;
    const sid = field(s, "Sid");
    const principal = field(s, "Principal");
    const notPrincipal = field(s, "NotPrincipal");
    return {
        index,
        sid: typeof sid === "string" && sid !== "" ? sid : undefined,
        effect: effect === "ALLOW" ? "Allow" : "Deny",
        principal: principal === undefined ? undefined : parsePrincipal(principal),
        notPrincipal: notPrincipal === undefined ? undefined : parsePrincipal(notPrincipal),
        actions: strings(field(s, "Action")),
        notActions: strings(field(s, "NotAction")),
        resources: strings(field(s, "Resource")),
        notResources: strings(field(s, "NotResource")),
        conditions: parseConditions(field(s, "Condition")),
    };
}

function parsePrincipal(value: unknown): PrincipalSet {
    const set: PrincipalSet = { anyone: false, aws: [], service: [], federated: [], canonicalUser: [] };
    if (typeof value === "string") {
        if (value.trim() === "*") set.anyone = true;
        else set.aws.push(value);
        return set;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) return set;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const list = strings(v) ?? [];
        switch (k.toLowerCase()) {
            case "aws":
                set.aws.push(...list);
                if (list.some((p) => p.trim() === "*")) set.anyone = true;
                break;
            case "service":
                set.service.push(...list);
                break;
            case "federated":
                set.federated.push(...list);
                break;
            case "canonicaluser":
                set.canonicalUser.push(...list);
                break;
        }
    }
    return set;
}

function parseConditions(value: unknown): ConditionClause[] {
    const out: ConditionClause[] = [];
    if (value === null || typeof value !== "object" || Array.isArray(value)) return out;
    for (const [operator, block] of Object.entries(value as Record<string, unknown>)) {
        if (block === null || typeof block !== "object" || Array.isArray(block)) continue;
        for (const [key, v] of Object.entries(block as Record<string, unknown>)) {
            out.push({ operator, key: key.toLowerCase(), values: strings(v) ?? [] });
        }
    }
    return out;
}

/** A string or list of strings (booleans and numbers, as IAM accepts in conditions, become strings). */
function strings(value: unknown): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    const list = Array.isArray(value) ? value : [value];
    return list.filter((v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean").map(String);
}

function field(obj: Record<string, unknown>, name: string): unknown {
    if (Object.hasOwn(obj, name)) return obj[name];
    const lower = name.toLowerCase();
    for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
    return undefined;
}

/** IAM wildcard match (`*`, `?`), case-insensitive, as IAM compares actions. */
export function iamGlob(pattern: string, value: string): boolean {
    return globMatch(pattern.toLowerCase(), value.toLowerCase());
}

/** Whether the statement applies to `action` (e.g. `execute-api:Invoke`) through Action or NotAction. */
export function statementCoversAction(stmt: PolicyStatement, action: string): boolean {
    if (stmt.actions) return stmt.actions.some((p) => iamGlob(p, action));
    if (stmt.notActions) return !stmt.notActions.some((p) => iamGlob(p, action));
    return false;
}

/** Condition clauses on any of `keys` (lower-case, e.g. `aws:sourcevpce`). */
export function conditionsOn(stmt: PolicyStatement, keys: readonly string[]): ConditionClause[] {
    return stmt.conditions.filter((c) => keys.includes(c.key));
}

/** Whether an operator is a negative match (`StringNotEquals`, `ForAllValues:StringNotLike`, `...IfExists`). */
export function isNegatedOperator(operator: string): boolean {
    const base = operator.replace(/^(ForAnyValue|ForAllValues):/i, "").replace(/IfExists$/i, "");
    return /Not/.test(base);
}

/** `Sid "Name"` or `statement #2`, for messages. */
export function describeStatement(stmt: PolicyStatement): string {
    return stmt.sid ? `statement "${stmt.sid}"` : `statement #${stmt.index + 1}`;
}
