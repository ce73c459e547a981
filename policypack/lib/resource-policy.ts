// API Gateway resource policies: where a REST API gets one, and what makes one too broad.
//
// Sources, for one REST API: `RestApi.policy`; every `aws.apigateway.RestApiPolicy` whose `restApiId` names the API
// (property dependency or known id); and the body's `x-amazon-apigateway-policy`, which only applies when neither of
// the others is set (the RestApi argument overrides the body, and RestApiPolicy replaces the API's policy). When
// several are set, each may end up applied (they overwrite each other), so each is judged.
//
// Judgement (statement by statement, see lib/iam-policy.ts for parsing):
//   - "anyone" is Principal "*" or {"AWS": "*"}; an Allow with NotPrincipal grants everyone but the listed principals;
//   - a condition restricts callers when it tests something about them (source VPC/endpoint, IP, account, org,
//     principal) and is not an `...IfExists` positive match (which passes when the key is absent). Conditions on
//     transport, time, user agent or referer do not restrict who calls;
//   - an explicit Deny wins over any Allow, as in IAM: an Allow whose Resource an unconditional Deny to anyone (for
//     execute-api:Invoke) covers grants nothing and is not judged;
//   - an Allow to anyone without a restricting condition is neutralised by a Deny to anyone, for the same action,
//     with a negated restricting condition (`StringNotEquals aws:SourceVpce`, `NotIpAddress aws:SourceIp`) whose
//     Resource covers the Allow's: the "allow all, deny unless" pattern AWS and SAM generate.
import { PolicyResource } from "@pulumi/policy";
import { globMatch, parseExecuteApiArn } from "authguard-apigateway";
import { ApiIds, linkedApi, programSetting } from "./api-links";
import { conditionsOn, describeStatement, isNegatedOperator, ParsedPolicy, parsePolicyDocument, PolicyStatement, statementCoversAction } from "./iam-policy";
import { bodyResourcePolicy, parseOpenApiBody } from "./openapi";
import { StackIndex } from "./stack-index";
import { T } from "./types";
import { isUnknown, raw } from "./values";

const INVOKE = "execute-api:Invoke";

export interface PolicySource {
    /** `RestApi.policy`, `RestApiPolicy "name"`, `x-amazon-apigateway-policy in the body`. */
    label: string;
    /** The resource to report on. */
    resource: PolicyResource;
    parsed: ParsedPolicy;
}

/** RestApiPolicy resources grouped by the REST API they attach to (built once per run). */
export function restApiPoliciesByApi(index: StackIndex, ids: ApiIds): Map<string, PolicyResource[]> {
    const out = new Map<string, PolicyResource[]>();
    for (const p of index.ofType(T.restApiPolicy)) {
        const api = linkedApi(index, ids, p, "restApiId", [T.restApi]);
        if (!api || api === "unknown") continue;
        let list = out.get(api.urn);
        if (!list) out.set(api.urn, (list = []));
        list.push(p);
    }
    return out;
}

/** Every resource policy that may apply to a REST API. */
export function policySources(api: PolicyResource, attached: readonly PolicyResource[]): PolicySource[] {
    const sources: PolicySource[] = [];
    // An update reports an unset policy as "" (the provider's computed default): that is no policy.
    const own = programSetting(api, "policy");
    const ownParsed: ParsedPolicy = own.state === "unknown" ? { status: "unknown" } : own.state === "set" ? parsePolicyDocument(own.value) : { status: "absent" };
    if (ownParsed.status !== "absent") sources.push({ label: "RestApi.policy", resource: api, parsed: ownParsed });
    for (const p of attached) {
        const value = (raw(p.props) as Record<string, unknown>).policy;
        const parsed = parsePolicyDocument(value);
        if (parsed.status !== "absent") sources.push({ label: `RestApiPolicy "${p.name}"`, resource: p, parsed });
    }
    if (ownParsed.status === "absent" && attached.length === 0) {
        const body = parseOpenApiBody((raw(api.props) as Record<string, unknown>).body);
        if (body.status === "unknown") {
            sources.push({ label: "the OpenAPI body (x-amazon-apigateway-policy)", resource: api, parsed: { status: "unknown" } });
        } else if (body.status === "ok") {
            const p = bodyResourcePolicy(body.doc);
            if (p !== undefined && p !== null) sources.push({ label: "x-amazon-apigateway-policy in the body", resource: api, parsed: parsePolicyDocument(p) });
        }
    }
    return sources;
}

/** Condition keys that say nothing about who the caller is. */
const NOT_ABOUT_CALLER = new Set(["aws:securetransport", "aws:currenttime", "aws:epochtime", "aws:useragent", "aws:referer", "aws:requestedregion"]);
const VPC_KEYS = ["aws:sourcevpce", "aws:sourcevpc"];

function positiveRestriction(stmt: PolicyStatement, keys?: readonly string[]): boolean {
    return stmt.conditions.some(
        (c) =>
            (keys ? keys.includes(c.key) : !NOT_ABOUT_CALLER.has(c.key)) &&
            (c.operator.toLowerCase() === "null" || (!isNegatedOperator(c.operator) && !/IfExists$/i.test(c.operator))),
    );
}

function negatedRestriction(stmt: PolicyStatement, keys?: readonly string[], allowIfExists = false): boolean {
    return stmt.conditions.some(
        (c) => (keys ? keys.includes(c.key) : !NOT_ABOUT_CALLER.has(c.key)) && isNegatedOperator(c.operator) && (allowIfExists || !/IfExists$/i.test(c.operator)),
    );
}

function toAnyone(stmt: PolicyStatement): boolean {
    return stmt.principal?.anyone === true;
}

/** `execute-api:/prod/GET/pets` and `arn:…:execute-api:…:<id>/prod/GET/pets` → `prod/GET/pets`; `*` stays. */
function resourcePath(resource: string): string {
    if (resource === "*") return "*";
    const short = /^execute-api:\/(.*)$/.exec(resource);
    if (short) return short[1];
    const arn = parseExecuteApiArn(resource);
    return arn ? arn.resource ?? "" : resource;
}

/** Whether every resource of `allow` is inside some resource of `deny` (`unknown` when a value is not known). */
function denyCovers(deny: PolicyStatement, allow: PolicyStatement): boolean | "unknown" {
    if (deny.notResources) return false;
    const denied = deny.resources ?? [];
    if (denied.some((r) => r === "*" || resourcePath(r) === "*")) return true;
    if (denied.some(isUnknown) || (allow.resources ?? []).some(isUnknown)) return "unknown";
    const allowed = allow.notResources ? ["*"] : allow.resources ?? ["*"];
    return allowed.every((a) => denied.some((d) => globMatch(resourcePath(d), resourcePath(a))));
}

/** Problems with one parsed document on an API that is (or is not) PRIVATE. Empty when it is fine. */
export function judgeDocument(statements: readonly PolicyStatement[], isPrivate: boolean): { problems: string[]; unknown?: string } {
    const problems: string[] = [];
    let unknown: string | undefined;
    const invokeDenies = statements.filter((s) => s.effect === "Deny" && statementCoversAction(s, INVOKE));
    // IAM evaluates an explicit Deny before any Allow: an Allow whose whole scope an unconditional Deny to everyone
    // covers grants nothing, so it is neither too broad nor in need of a condition.
    const blanketDenies = invokeDenies.filter((d) => toAnyone(d) && d.conditions.length === 0);
    const denied = new Map<PolicyStatement, boolean | "unknown">();
    for (const s of statements) {
        if (s.effect !== "Allow") continue;
        const cover = blanketDenies.map((d) => denyCovers(d, s));
        denied.set(s, cover.includes(true) ? true : cover.includes("unknown") ? "unknown" : false);
    }
    for (const [a, d] of denied) if (d === "unknown") unknown = `whether a Deny covers ${describeStatement(a)} depends on values not known yet`;
    const invokeAllows = statements.filter((s) => s.effect === "Allow" && statementCoversAction(s, INVOKE) && denied.get(s) === false);

    // A NotPrincipal Allow is only harmless when the Deny takes away every action it grants, not just Invoke.
    const fullyDenied = (s: PolicyStatement) =>
        denied.get(s) === true && s.actions !== undefined && blanketDenies.some((d) => denyCovers(d, s) === true && s.actions!.every((a) => statementCoversAction(d, a)));
    for (const s of statements) {
        if (s.effect === "Allow" && s.notPrincipal && !fullyDenied(s)) {
            problems.push(`${describeStatement(s)} allows with NotPrincipal, which grants every principal except the ones listed`);
        }
    }

    if (isPrivate) {
        const vpcDenies = invokeDenies.filter((d) => toAnyone(d) && negatedRestriction(d, VPC_KEYS, true));
        for (const a of invokeAllows) {
            if (a.notPrincipal) continue; // reported above
            // On a private API every call carries aws:SourceVpce/aws:SourceVpc, so `...IfExists` matches count.
            const vpcMatch = conditionsOn(a, VPC_KEYS).some(
                (c) => c.operator.toLowerCase() !== "null" && !isNegatedOperator(c.operator) && c.values.length > 0 && !c.values.some((v) => v.trim() === "*"),
            );
            if (vpcMatch) continue;
            const cover = vpcDenies.map((d) => denyCovers(d, a));
            if (cover.includes(true)) continue;
            if (cover.includes("unknown")) {
                unknown = `${describeStatement(a)} has no VPC condition; whether a Deny limits it depends on values not known yet`;
                continue;
            }
            problems.push(
                `${describeStatement(a)} allows execute-api:Invoke with no aws:SourceVpce or aws:SourceVpc condition, so any VPC endpoint (in any account) can reach the private API`,
            );
        }
        return { problems, unknown };
    }

    for (const a of invokeAllows) {
        if (!toAnyone(a) || positiveRestriction(a)) continue;
        const restrictingDenies = invokeDenies.filter((d) => toAnyone(d) && negatedRestriction(d));
        const cover = restrictingDenies.map((d) => denyCovers(d, a));
        if (cover.includes(true)) continue;
        if (cover.includes("unknown")) {
            unknown = `${describeStatement(a)} allows anyone; whether a Deny limits it depends on values not known yet`;
            continue;
        }
        problems.push(`${describeStatement(a)} allows execute-api:Invoke to anyone ("*") with no condition that restricts the caller`);
    }
    return { problems, unknown };
}

/**
 * Whether a document limits invocation to known accounts, organisations or networks: every Allow for
 * execute-api:Invoke names specific principals or carries a restricting condition, or a restricting Deny covers it.
 */
export function restrictsCallers(statements: readonly PolicyStatement[]): boolean {
    const allows = statements.filter((s) => s.effect === "Allow" && statementCoversAction(s, INVOKE));
    if (allows.length === 0) return false;
    const invokeDenies = statements.filter((s) => s.effect === "Deny" && toAnyone(s) && statementCoversAction(s, INVOKE));
    const blanket = invokeDenies.filter((d) => d.conditions.length === 0);
    const denies = invokeDenies.filter((d) => negatedRestriction(d));
    return allows.every((a) => {
        if (blanket.some((d) => denyCovers(d, a) === true)) return true; // nobody gets through this Allow
        if (a.notPrincipal) return false;
        if (!toAnyone(a) || positiveRestriction(a)) return true;
        return denies.some((d) => denyCovers(d, a) === true);
    });
}
