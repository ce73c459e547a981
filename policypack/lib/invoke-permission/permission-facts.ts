// What one aws.lambda.Permission says, read once when the permission index is built: its principal, whether its
// action lets the principal invoke, its function and qualifier, and its sourceArn (absent, a known pattern, or an
// unknown value with the API Gateway resources it is built from).
import { PolicyResource } from "@pulumi/policy";
import { apiOf } from "../api-links";
import { ExecuteApiArn, openScope, parseExecuteApiArn, Tri } from "authguard-apigateway";
import { LambdaLink, resolveLambdaProperty } from "../lambda";
import { StackIndex } from "../stack-index";
import { T } from "../types";
import { asString, isUnknown, raw } from "../values";

export const API_GATEWAY_PRINCIPALS = ["apigateway.amazonaws.com", "apigateway.amazonaws.com.cn"];

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

export function permissionFacts(index: StackIndex, p: PolicyResource): PermissionFacts {
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

