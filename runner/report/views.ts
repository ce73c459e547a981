// The default run of `authguard check` reports two views of one program: what a first `pulumi preview` shows (computed
// outputs of new resources unknown) and what `pulumi up` stops on (values known). Each view is a complete, exact
// single-mode report (see runCheck in runner/cli.ts for why the views come from two executions); this module merges
// them into one report whose findings say which view shows them first.

import { CheckReport, ReportResource, ReportViolation } from "./model";

/** Findings are the same across views when resource, policy and message agree. */
function findingKey(v: ReportViolation): string {
    return `${v.urn}\u0000${v.policyName}\u0000${v.message}`;
}

/**
 * One report for mode `both`: every preview finding (shownBy `preview`), then every up finding the preview does not
 * show (shownBy `up`). Resources are the union, in the up view's registration order (the order a deployment
 * registers them), followed by any the preview alone registered. Remediations are the union by policy and URN.
 * Phase timings are the slower view's (the views run side by side); the caller sets totalMs.
 */
export function mergeViews(preview: CheckReport, up: CheckReport): CheckReport {
    const seen = new Set(preview.violations.map(findingKey));
    const violations: ReportViolation[] = preview.violations.map((v) => ({ ...v, shownBy: "preview" }));
    for (const v of up.violations) {
        const key = findingKey(v);
        if (!seen.has(key)) {
            seen.add(key);
            violations.push({ ...v, shownBy: "up" });
        }
    }

    const upUrns = new Set(up.resources.map((r) => r.urn));
    const resources: ReportResource[] = [...up.resources, ...preview.resources.filter((r) => !upUrns.has(r.urn))];

    const remediated = new Set(preview.remediations.map((r) => `${r.policyName}\u0000${r.urn}`));
    const remediations = [...preview.remediations, ...up.remediations.filter((r) => !remediated.has(`${r.policyName}\u0000${r.urn}`))];

    const merged: CheckReport = {
        ...preview,
        mode: "both",
        resources,
        violations,
        remediations,
        viewResources: { preview: preview.resources.length, up: up.resources.length },
    };
    if (preview.timings && up.timings) {
        const a = preview.timings;
        const b = up.timings;
        merged.timings = {
            programMs: Math.max(a.programMs, b.programMs),
            packStartMs: Math.max(a.packStartMs, b.packStartMs),
            configureMs: Math.max(a.configureMs, b.configureMs),
            analyzeMs: Math.max(a.analyzeMs, b.analyzeMs),
            analyzeStackMs: Math.max(a.analyzeStackMs, b.analyzeStackMs),
            totalMs: Math.max(a.totalMs, b.totalMs),
        };
    }
    return merged;
}
