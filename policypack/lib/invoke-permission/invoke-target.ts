// What every invoke-permission policy shares around a verdict: skip roles and non-Lambda targets, resolve the
// function, judge the need; and the text of a finding (what was found instead, the role alternative, the
// Permission that fixes it).
import { LambdaLink, LambdaRef } from "../lambda";
import { InvokeNeed } from "./judge-need";
import { InvokePermissionIndex } from "./permission-index";

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
