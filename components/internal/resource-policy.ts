// The REST API resource-policy builder (SAM's allow/deny lists, written as IAM statements). Every restriction the
// user gives holds at once: one Allow statement carries all of them as conditions, and each restriction also gets an
// explicit Deny, so no extra statement can widen access. Resources use API Gateway's `execute-api:/*` short form,
// which API Gateway expands to the API's own ARN, so the document is known at preview.
import * as pulumi from "@pulumi/pulumi";
import { ResourcePolicyArgs } from "../types";
import { Problems, q } from "./errors";

const INVOKE = "execute-api:Invoke";
const ALL = "execute-api:/*";

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}(\/(3[0-2]|[12]?\d))?$/;
const IPV6_CIDR = /^[0-9A-Fa-f:]+(\/(12[0-8]|1[01]\d|[1-9]?\d))?$/;

function isCidr(value: string): boolean {
    if (IPV4_CIDR.test(value)) return true;
    return value.includes(":") && IPV6_CIDR.test(value) && (value.match(/::/g) ?? []).length <= 1;
}

function known(values: pulumi.Input<string>[] | undefined): string[] {
    return (values ?? []).filter((v): v is string => typeof v === "string");
}

type Statement = Record<string, unknown>;

function isEveryone(principal: unknown): boolean {
    if (principal === "*") return true;
    if (principal && typeof principal === "object") {
        const aws = (principal as Record<string, unknown>).AWS;
        return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
    }
    return false;
}

function checkExtraStatements(statements: unknown, problems: Problems): void {
    if (statements === undefined) return;
    if (!Array.isArray(statements)) {
        problems.add("resourcePolicy.extraStatements", "must be a list of IAM policy statements");
        return;
    }
    statements.forEach((s, i) => {
        const where = `resourcePolicy.extraStatements[${i}]`;
        if (!s || typeof s !== "object" || Array.isArray(s)) {
            problems.add(where, "is not an IAM policy statement object");
            return;
        }
        const st = s as Statement;
        if (st.Effect !== "Allow" && st.Effect !== "Deny") problems.add(where, 'needs Effect "Allow" or "Deny"');
        if (st.Effect === "Allow" && st.NotPrincipal !== undefined) problems.add(where, "Allow with NotPrincipal admits everyone not listed; use Principal");
        if (st.Effect === "Allow" && isEveryone(st.Principal) && (st.Condition === undefined || Object.keys(st.Condition as object).length === 0)) {
            problems.add(where, "allows everyone without a Condition; use allowAccounts, allowVpcEndpoints, allowSourceVpcs or allowIpRanges");
        }
    });
}

export interface PolicyInput {
    resourcePolicy?: ResourcePolicyArgs;
    endpointType: string;
    vpcEndpointIds?: pulumi.Input<string>[];
}

/**
 * Validates the policy inputs and returns the policy document as a JSON Output, or undefined when the API needs no
 * policy. Records problems instead of throwing.
 */
export function buildResourcePolicy(input: PolicyInput, problems: Problems): pulumi.Output<string> | undefined {
    const rp = input.resourcePolicy;
    const where = "resourcePolicy";
    const isPrivate = input.endpointType === "PRIVATE";
    const vpcEndpoints = rp?.allowVpcEndpoints ?? (isPrivate ? input.vpcEndpointIds : undefined);
    const sourceVpcs = rp?.allowSourceVpcs;

    for (const a of known(rp?.allowAccounts)) {
        if (!/^\d{12}$/.test(a) && !/^arn:[a-z0-9-]+:iam::\d{12}:(root|role\/.+|user\/.+)$/.test(a)) {
            problems.add(where, `allowAccounts entry ${q(a)} is not a 12-digit account ID or an IAM principal ARN`);
        }
    }
    for (const v of known(vpcEndpoints)) if (!/^vpce-[0-9a-f]+$/.test(v)) problems.add(where, `VPC endpoint ID ${q(v)} does not look like vpce-...`);
    for (const v of known(sourceVpcs)) if (!/^vpc-[0-9a-f]+$/.test(v)) problems.add(where, `VPC ID ${q(v)} does not look like vpc-...`);
    for (const c of [...(rp?.allowIpRanges ?? []), ...(rp?.denyIpRanges ?? [])]) if (!isCidr(String(c))) problems.add(where, `IP range ${q(String(c))} is not an IPv4 or IPv6 CIDR`);
    for (const [field, list] of Object.entries({ allowAccounts: rp?.allowAccounts, allowVpcEndpoints: rp?.allowVpcEndpoints, allowSourceVpcs: rp?.allowSourceVpcs, allowIpRanges: rp?.allowIpRanges, denyIpRanges: rp?.denyIpRanges })) {
        if (list !== undefined && (!Array.isArray(list) || list.length === 0)) problems.add(where, `${field} must be a non-empty list when given (an empty list would deny or allow everyone)`);
    }
    checkExtraStatements(rp?.extraStatements, problems);

    if (isPrivate && !(vpcEndpoints && vpcEndpoints.length) && !(sourceVpcs && sourceVpcs.length)) {
        problems.add(undefined, "a PRIVATE API needs the VPC endpoints that may reach it: set vpcEndpointIds (or resourcePolicy.allowVpcEndpoints / allowSourceVpcs)");
    }
    if (!isPrivate && ((rp?.allowVpcEndpoints?.length ?? 0) > 0 || (sourceVpcs?.length ?? 0) > 0)) {
        problems.add(where, "allowVpcEndpoints and allowSourceVpcs only match requests to PRIVATE APIs: set endpointType PRIVATE");
    }
    if (!isPrivate && input.vpcEndpointIds !== undefined) problems.add(undefined, "vpcEndpointIds applies to PRIVATE APIs only");

    if (!rp && !isPrivate) return undefined;

    const condition: Record<string, Record<string, pulumi.Input<unknown>>> = {};
    const denies: Statement[] = [];
    const addCondition = (op: string, key: string, values: unknown) => {
        condition[op] = { ...(condition[op] ?? {}), [key]: values };
    };
    const deny = (sid: string, op: string, key: string, values: unknown): Statement => ({
        Sid: sid,
        Effect: "Deny",
        Principal: "*",
        Action: INVOKE,
        Resource: ALL,
        Condition: { [op]: { [key]: values } },
    });
    if (vpcEndpoints && vpcEndpoints.length) {
        addCondition("StringEquals", "aws:SourceVpce", vpcEndpoints);
        denies.push(deny("DenyOutsideVpcEndpoints", "StringNotEquals", "aws:SourceVpce", vpcEndpoints));
    }
    if (sourceVpcs && sourceVpcs.length) {
        addCondition("StringEquals", "aws:SourceVpc", sourceVpcs);
        denies.push(deny("DenyOutsideSourceVpcs", "StringNotEquals", "aws:SourceVpc", sourceVpcs));
    }
    if (rp?.allowIpRanges?.length) {
        addCondition("IpAddress", "aws:SourceIp", rp.allowIpRanges);
        denies.push(deny("DenyOutsideIpRanges", "NotIpAddress", "aws:SourceIp", rp.allowIpRanges));
    }
    if (rp?.denyIpRanges?.length) {
        addCondition("NotIpAddress", "aws:SourceIp", rp.denyIpRanges);
        denies.push(deny("DenyIpRanges", "IpAddress", "aws:SourceIp", rp.denyIpRanges));
    }
    const statements: pulumi.Input<Statement>[] = [];
    const accounts = rp?.allowAccounts;
    if ((accounts && accounts.length) || Object.keys(condition).length > 0) {
        const allow: Statement = {
            Sid: "AllowInvoke",
            Effect: "Allow",
            Principal: accounts && accounts.length ? { AWS: accounts } : "*",
            Action: INVOKE,
            Resource: ALL,
        };
        if (Object.keys(condition).length > 0) allow.Condition = condition;
        statements.push(allow);
    }
    statements.push(...denies);
    for (const s of (Array.isArray(rp?.extraStatements) ? rp!.extraStatements : []) as Statement[]) statements.push(s);
    if (statements.length === 0) {
        problems.add(where, "produces no statements: give at least one allow/deny list or extra statement");
        return undefined;
    }
    return pulumi.output({ Version: "2012-10-17", Statement: statements }).apply((doc) => JSON.stringify(doc));
}
