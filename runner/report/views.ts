// The default run of `authguard check` reports two views of one program: what a first `pulumi preview` shows (computed
// outputs of new resources unknown) and what `pulumi up` stops on (values known). Each view is a complete, exact
// single-mode report (see runCheck in runner/check/run.ts for why the views come from two executions); this module
// merges them into one report whose findings say which view shows them first.

import { CheckReport, ReportResource, ReportViolation, isUndecidedInPreview } from "./check-report";

/** A finding's identity across views. */
function findingKey(v: ReportViolation): string {
    return `${v.urn}\u0000${v.policyName}\u0000${v.message}`;
}

/** The verdict a finding carries: this policy, at this level, on this resource. */
function verdictKey(v: ReportViolation): string {
    return `${v.urn}\u0000${v.policyName}\u0000${v.enforcementLevel}`;
}

function take(counts: Map<string, number>, key: string): boolean {
    const n = counts.get(key) ?? 0;
    if (n === 0) {
        return false;
    }
    counts.set(key, n - 1);
    return true;
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const item of items) {
        counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
    }
    return counts;
}

/**
 * One report for mode `both`: every preview finding (shownBy `preview`), then every up finding the preview does not
 * already show (shownBy `up`). An up finding is already shown when the preview has one with the same URN, policy and
 * message; or, failing that, an otherwise unmatched one with the same URN, policy and enforcement level that is not a
 * preview doubt ("can't run policy ... during preview"): the same verdict, worded with the placeholders a preview has (`<api id>`) where the up view prints the mock runtime's
 * made-up IDs. The verdict cannot change by this (a paired up finding has a preview twin at the same level), only
 * the wording shown. Resources are the union, in the up view's registration order (the order a deployment registers
 * them), followed by any the preview alone registered. Remediations are the union by policy and URN. Phase timings
 * are the slower view's (the views run side by side); the caller sets totalMs.
 */
export function mergeViews(preview: CheckReport, up: CheckReport): CheckReport {
    const violations: ReportViolation[] = preview.violations.map((v) => ({ ...v, shownBy: "preview" }));
    const unmatchedPreview = countBy(preview.violations, findingKey);
    const reworded: ReportViolation[] = [];
    for (const v of up.violations) {
        if (!take(unmatchedPreview, findingKey(v))) {
            reworded.push(v);
        }
    }
    // The preview findings no up finding repeats word for word, by verdict. A preview doubt ("can't run policy ...
    // during preview") is no verdict: whatever the up view finds there is its own finding.
    const twins = new Map<string, number>();
    for (const v of preview.violations) {
        if (take(unmatchedPreview, findingKey(v)) && !isUndecidedInPreview(v)) {
            twins.set(verdictKey(v), (twins.get(verdictKey(v)) ?? 0) + 1);
        }
    }
    for (const v of reworded) {
        if (!take(twins, verdictKey(v))) {
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
