// Human-readable output, modelled on the `Policies:` section `pulumi preview` prints (engine_fidelity.md §4.2):
// the pack header with its status mark, then one line per violation in the engine's format
//     - [mandatory] [severity: high]  policy-name  (aws:apigateway:Method: orders-get)
// followed by the message indented by 10 spaces. Violations are grouped by resource (resources in registration
// order, a blank line between groups) and each group ends with the program line that declared the resource. A
// summary line closes the report. In the default run (mode `both`) each line also says which view shows the finding:
// `[preview]` (a first `pulumi preview` already fails or warns on it) or `[up only]` (only `pulumi up` stops on it,
// once computed values are known).

import { CheckFailure, CheckReport, View, countLevels, displayPath, exitCodeOf, groupByResource, isUndecidedInPreview, typeDisplayName } from "./check-report";

const INDENT_PACK = "    ";
const INDENT_ITEM = "        ";
const INDENT_MSG = "          ";
const UP_STOPS = "`pulumi up` would stop: a mandatory violation makes the resource invalid and the update is cancelled.";

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "1 mandatory, 0 advisory violations": the noun follows the count written next to it. */
function levelCounts(mandatory: number, advisory: number): string {
    return `${mandatory} mandatory, ${plural(advisory, "advisory violation")}`;
}

const MODE_LABELS: Record<CheckReport["mode"], string> = {
    preview: "preview",
    up: "up (computed outputs known)",
    both: "preview + up: [preview] a first `pulumi preview` shows it, [up only] only `pulumi up` does, once values are known",
};

const VIEW_TAGS: Record<View, string> = { preview: " [preview]", up: " [up only]" };

export function renderText(report: CheckReport, opts: { cwd?: string; verbose?: boolean } = {}): string {
    const cwd = opts.cwd ?? process.cwd();
    const lines: string[] = [];
    const { mandatory, advisory } = countLevels(report);
    const views = report.viewResources;
    const perView = views && views.preview !== views.up ? `preview ${views.preview}, up ${views.up}; ` : "";

    lines.push(`authguard check: ${report.program.project} (stack ${report.program.stack}, mode ${MODE_LABELS[report.mode]})`);
    lines.push(
        `${INDENT_PACK}program ${displayPath(report.program.main, cwd)}: ${plural(report.resources.length, "resource")} registered ` +
            `(${perView}@pulumi/pulumi ${report.program.pulumiSdkVersion}, offline)`,
    );
    const remote = report.resources.filter((r) => r.remote);
    for (const r of remote) {
        lines.push(`${INDENT_PACK}note: ${typeDisplayName(r.type)} (${r.name}) is a multi-language component: children not visible offline`);
    }
    lines.push("");

    lines.push("Policies:");
    const packLabel = `${report.policyPack.name}@v${report.policyPack.version}`;
    const mark = mandatory > 0 ? "❌" : advisory > 0 ? "⚠️" : "✅";
    lines.push(`${INDENT_PACK}${mark} ${packLabel} (local: ${report.policyPack.path})`);

    const remediated = new Map<string, Set<string>>();
    for (const r of report.remediations) {
        const set = remediated.get(r.policyName) ?? new Set<string>();
        set.add(r.urn);
        remediated.set(r.policyName, set);
    }
    for (const policy of [...remediated.keys()].sort()) {
        lines.push(`${INDENT_ITEM}- [remediate]  ${policy}  (${plural(remediated.get(policy)!.size, "resource")})`);
    }

    const groups = groupByResource(report);
    groups.forEach((group, gi) => {
        if (gi > 0 || remediated.size > 0) {
            lines.push("");
        }
        const clause = group.name ? `  (${typeDisplayName(group.type)}: ${group.name})` : "";
        for (const v of group.violations) {
            const severity = v.severity ? ` [severity: ${v.severity}]` : "";
            const view = v.shownBy ? VIEW_TAGS[v.shownBy] : "";
            lines.push(`${INDENT_ITEM}- [${v.enforcementLevel}]${severity}${view}  ${v.policyName}${clause}`);
            for (const line of v.message.replace(/\s+$/, "").split("\n")) {
                lines.push(line === "" ? "" : `${INDENT_MSG}${line}`);
            }
        }
        const src = group.resource?.source;
        if (src) {
            lines.push(`${INDENT_MSG}at ${displayPath(src.file, cwd)}:${src.line}${src.column ? `:${src.column}` : ""}`);
        } else if (opts.verbose) {
            lines.push(`${INDENT_MSG}urn: ${group.urn}`);
        }
    });
    lines.push("");

    const withViolations = groups.length;
    if (report.violations.length === 0) {
        lines.push(`Summary: no policy violations on ${plural(report.resources.length, "resource")} (${packLabel}).`);
    } else {
        lines.push(`Summary: ${levelCounts(mandatory, advisory)} on ${withViolations} of ${plural(report.resources.length, "resource")} (${packLabel}).`);
    }
    const upOnly = report.violations.filter((v) => v.shownBy === "up");
    if (upOnly.length > 0) {
        const upMandatory = upOnly.filter((v) => v.enforcementLevel === "mandatory").length;
        lines.push(
            `[up only]: ${plural(upOnly.length, "finding")} (${upMandatory} mandatory) that a first \`pulumi preview\` does not show: ` +
                `\`pulumi up\` reports ${upOnly.length === 1 ? "it" : "them"} once computed values are known.`,
        );
    }
    const undecided = report.violations.filter(isUndecidedInPreview).length;
    if (undecided > 0) {
        lines.push(
            `${undecided} of the advisory findings could not be decided during preview: they read values that are unknown until ` +
                "the resources exist (as in a first `pulumi preview`). " +
                (report.mode === "both" ? "The up view checked them with realistic IDs and ARNs." : "`--mode up` checks them with realistic IDs and ARNs."),
        );
    }
    if (report.remediations.length > 0) {
        lines.push(`${plural(report.remediations.length, "remediation")} applied in memory before analysis (as in a preview).`);
    }
    if (exitCodeOf(report) !== 0) {
        const previewFails = report.mode === "preview" || report.violations.some((v) => v.enforcementLevel === "mandatory" && v.shownBy === "preview");
        lines.push(
            report.mode === "up"
                ? UP_STOPS
                : previewFails
                  ? "`pulumi preview` would fail: error: preview failed."
                  : `A first \`pulumi preview\` would pass, but ${UP_STOPS}`,
        );
    }
    if (opts.verbose && report.timings) {
        const t = report.timings;
        lines.push(
            `Timings: program ${t.programMs} ms, pack start ${t.packStartMs} ms, configure ${t.configureMs} ms, ` +
                `Analyze ${t.analyzeMs} ms, AnalyzeStack ${t.analyzeStackMs} ms, total ${t.totalMs} ms` +
                `${report.mode === "both" ? " (phases: the slower view; the views run side by side)" : ""}.`,
        );
    }
    return lines.join("\n") + "\n";
}

/** The one-paragraph failure message (exit code 2). */
export function renderFailureText(failure: CheckFailure, opts: { verbose?: boolean } = {}): string {
    let out = `authguard check failed: ${failure.message}\n`;
    if (opts.verbose && failure.details) {
        out += `\n${failure.details.trimEnd()}\n`;
    }
    return out;
}
