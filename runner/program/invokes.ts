// Offline answers for provider functions (invokes) a program may call. A real `pulumi preview` calls the provider
// for these even during a preview; offline there is no provider, so the functions whose answer depends only on the
// caller's own context (account, region, partition) or on their inputs (policy documents) are answered here. Any
// other function is refused with an error naming it: answering with made-up data would silently change verdicts.

import { dnsSuffixOf, partitionOf } from "authguard-apigateway";
import { DEFAULT_REGION, OFFLINE_ACCOUNT_ID } from "./cloud";

export class UnknownInvokeError extends Error {
    /** `answerer` names who refused: `authguard check` (the runner) or the offline AWS provider plugin. */
    constructor(
        public readonly token: string,
        answerer = "authguard check",
    ) {
        super(
            `the program called the provider function "${token}", which has no offline answer. ` +
                `${answerer} answers only ${SUPPORTED_INVOKES.map((t) => `"${t}"`).join(", ")}; ` +
                `look the value up outside the program (e.g. stack config) or guard the call with pulumi.runtime.isDryRun()`,
        );
        this.name = "UnknownInvokeError";
    }
}

export interface InvokeContext {
    /** Region of the provider the invoke runs against (explicit provider `region`, else `aws:region`, else default). */
    region: string;
    account: string;
}

type Inputs = Record<string, unknown>;
type Answer = (inputs: Inputs, ctx: InvokeContext) => Record<string, unknown>;

const ANSWERS: Record<string, Answer> = {
    "aws:index/getCallerIdentity:getCallerIdentity": (_i, ctx) => ({
        accountId: ctx.account,
        arn: `arn:${partitionOf(ctx.region)}:iam::${ctx.account}:user/authguard-offline`,
        userId: "AIDAAUTHGUARDOFFLINE0",
        id: ctx.account,
    }),
    "aws:index/getRegion:getRegion": (inputs, ctx) => {
        const region = typeof inputs.region === "string" ? inputs.region : typeof inputs.name === "string" ? inputs.name : ctx.region;
        return {
            region,
            name: region,
            id: region,
            endpoint: `ec2.${region}.${dnsSuffixOf(partitionOf(region))}`,
            description: region,
        };
    },
    "aws:index/getPartition:getPartition": (_i, ctx) => {
        const partition = partitionOf(ctx.region);
        return {
            partition,
            id: partition,
            dnsSuffix: dnsSuffixOf(partition),
            reverseDnsPrefix: partition === "aws-cn" ? "cn.com.amazonaws" : "com.amazonaws",
        };
    },
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_i, ctx) => {
        const suffixes = ["a", "b", "c"];
        return {
            id: ctx.region,
            names: suffixes.map((s) => `${ctx.region}${s}`),
            zoneIds: suffixes.map((_s, i) => `${ctx.region.replace(/-/g, "").slice(0, 4)}-az${i + 1}`),
            groupNames: [ctx.region],
        };
    },
    "aws:index/getDefaultTags:getDefaultTags": () => ({ id: "aws", tags: {} }),
    "aws:index/getServicePrincipal:getServicePrincipal": (inputs, ctx) => {
        const service = String(inputs.serviceName ?? "");
        const region = typeof inputs.region === "string" ? inputs.region : ctx.region;
        const suffix = dnsSuffixOf(partitionOf(region));
        return { id: `${service}.${suffix}`, name: `${service}.${suffix}`, suffix, serviceName: service, region };
    },
    "aws:index/getArn:getArn": (inputs) => {
        const arn = String(inputs.arn ?? "");
        const parts = arn.split(":");
        if (parts.length < 6 || parts[0] !== "arn") {
            throw new Error(`aws.getArn: "${arn}" is not an ARN`);
        }
        return {
            arn,
            id: arn,
            partition: parts[1],
            service: parts[2],
            region: parts[3],
            account: parts[4],
            resource: parts.slice(5).join(":"),
        };
    },
    "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => policyDocument(inputs),
};

export const SUPPORTED_INVOKES: readonly string[] = Object.keys(ANSWERS).sort();

export function answerInvoke(token: string, inputs: Inputs, ctx: InvokeContext, answerer?: string): Record<string, unknown> {
    const answer = ANSWERS[token];
    if (!answer) {
        throw new UnknownInvokeError(token, answerer);
    }
    return answer(inputs ?? {}, ctx);
}

export function defaultInvokeContext(region?: string): InvokeContext {
    return { region: region || DEFAULT_REGION, account: OFFLINE_ACCOUNT_ID };
}

// ---------------------------------------------------------------------------------------------------------------
// aws.iam.getPolicyDocument, rendered the way the AWS provider renders it: single-element lists collapse to a string,
// principals group by type, conditions group by test then variable, source documents merge and override by Sid.

interface Statement {
    [key: string]: unknown;
}

function asList(v: unknown): string[] | undefined {
    if (v === undefined || v === null) {
        return undefined;
    }
    if (Array.isArray(v)) {
        return v.map((x) => String(x));
    }
    return [String(v)];
}

function oneOrMany(list: string[]): string | string[] {
    return list.length === 1 ? list[0] : list;
}

function principals(list: unknown): unknown {
    if (!Array.isArray(list) || list.length === 0) {
        return undefined;
    }
    const byType: Record<string, string[]> = {};
    for (const p of list as Array<{ type?: string; identifiers?: unknown }>) {
        const type = String(p.type ?? "");
        const ids = asList(p.identifiers) ?? [];
        if (type === "*" && ids.length === 1 && ids[0] === "*") {
            return "*";
        }
        byType[type] = [...(byType[type] ?? []), ...ids];
    }
    const out: Record<string, string | string[]> = {};
    for (const [type, ids] of Object.entries(byType)) {
        out[type] = oneOrMany(ids);
    }
    return out;
}

function conditions(list: unknown): unknown {
    if (!Array.isArray(list) || list.length === 0) {
        return undefined;
    }
    const out: Record<string, Record<string, string | string[]>> = {};
    for (const c of list as Array<{ test?: string; variable?: string; values?: unknown }>) {
        const test = String(c.test ?? "");
        const variable = String(c.variable ?? "");
        out[test] = out[test] ?? {};
        out[test][variable] = oneOrMany(asList(c.values) ?? []);
    }
    return out;
}

function renderStatement(s: Record<string, unknown>): Statement {
    const out: Statement = {};
    if (typeof s.sid === "string" && s.sid !== "") {
        out.Sid = s.sid;
    }
    out.Effect = typeof s.effect === "string" && s.effect !== "" ? s.effect : "Allow";
    const fields: Array<[string, string]> = [
        ["actions", "Action"],
        ["notActions", "NotAction"],
        ["resources", "Resource"],
        ["notResources", "NotResource"],
    ];
    for (const [input, key] of fields) {
        const list = asList(s[input]);
        if (list && list.length > 0) {
            out[key] = oneOrMany(list);
        }
    }
    const principal = principals(s.principals);
    if (principal !== undefined) {
        out.Principal = principal;
    }
    const notPrincipal = principals(s.notPrincipals);
    if (notPrincipal !== undefined) {
        out.NotPrincipal = notPrincipal;
    }
    const condition = conditions(s.conditions);
    if (condition !== undefined) {
        out.Condition = condition;
    }
    return out;
}

function parseDocument(text: unknown, label: string): Statement[] {
    if (typeof text !== "string") {
        return [];
    }
    let doc: { Statement?: unknown };
    try {
        doc = JSON.parse(text) as { Statement?: unknown };
    } catch {
        throw new Error(`aws.iam.getPolicyDocument: ${label} is not valid JSON`);
    }
    const st = doc.Statement;
    return Array.isArray(st) ? (st as Statement[]) : st && typeof st === "object" ? [st as Statement] : [];
}

function mergeBySid(base: Statement[], overrides: Statement[]): Statement[] {
    const out = [...base];
    for (const s of overrides) {
        const sid = typeof s.Sid === "string" && s.Sid !== "" ? s.Sid : undefined;
        const at = sid === undefined ? -1 : out.findIndex((x) => x.Sid === sid);
        if (at >= 0) {
            out[at] = s;
        } else {
            out.push(s);
        }
    }
    return out;
}

function policyDocument(inputs: Inputs): Record<string, unknown> {
    let statements: Statement[] = [];
    for (const [i, src] of (asUnknownList(inputs.sourcePolicyDocuments) ?? []).entries()) {
        statements = mergeBySid(statements, parseDocument(src, `sourcePolicyDocuments[${i}]`));
    }
    const own = (asUnknownList(inputs.statements) ?? []).map((s) => renderStatement((s ?? {}) as Record<string, unknown>));
    statements = mergeBySid(statements, own);
    for (const [i, src] of (asUnknownList(inputs.overridePolicyDocuments) ?? []).entries()) {
        statements = mergeBySid(statements, parseDocument(src, `overridePolicyDocuments[${i}]`));
    }
    const doc: Record<string, unknown> = { Version: typeof inputs.version === "string" ? inputs.version : "2012-10-17" };
    if (typeof inputs.policyId === "string" && inputs.policyId !== "") {
        doc.Id = inputs.policyId;
    }
    doc.Statement = statements;
    const json = JSON.stringify(doc, null, 2);
    const minifiedJson = JSON.stringify(doc);
    return {
        id: String(hashCode(minifiedJson)),
        json,
        minifiedJson,
        statements: inputs.statements ?? [],
        version: doc.Version,
    };
}

function asUnknownList(v: unknown): unknown[] | undefined {
    return Array.isArray(v) ? v : undefined;
}

function hashCode(s: string): number {
    let h = 0;
    for (let i = 0; i < s.length; i++) {
        h = (Math.imul(31, h) + s.charCodeAt(i)) >>> 0;
    }
    return h;
}
