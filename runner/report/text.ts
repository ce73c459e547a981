// Human-readable output, modelled on the `Policies:` section `pulumi preview` prints (engine_fidelity.md §4.2):
// the pack header with its status mark, then one line per violation in the engine's format
//     - [mandatory] [severity: high]  policy-name  (aws:apigateway:Method: orders-get)
// followed by the message indented by 10 spaces. Violations are grouped by resource (resources in registration
// order, a blank line between groups) and each group ends with the program line that declared the resource. A
// summary line closes the report.

import { CheckFailure, CheckReport, countLevels, displayPath, exitCodeOf, groupByResource, isUndecidedInPreview, typeDisplayName } from "./model";

const INDENT_PACK = "    ";
const INDENT_ITEM = "        ";
const INDENT_MSG = "          ";

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function renderText(report: CheckReport, opts: { cwd?: string; verbose?: boolean } = {}): string {
    const cwd = opts.cwd ?? process.cwd();
    const lines: string[] = [];
    const { mandatory, advisory } = countLevels(report);
    const modeLabel = report.mode === "up" ? "up (computed outputs known)" : "preview";

    lines.push(`authguard check: ${report.program.project} (stack ${report.program.stack}, mode ${modeLabel})`);
    lines.push(
        `${INDENT_PACK}program ${displayPath(report.program.main, cwd)}: ${plural(report.resources.length, "resource")} registered ` +
            `(@pulumi/pulumi ${report.program.pulumiSdkVersion}, offline)`,
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
            lines.push(`${INDENT_ITEM}- [${v.enforcementLevel}]${severity}  ${v.policyName}${clause}`);
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
        lines.push(
            `Summary: ${mandatory} mandatory, ${advisory} advisory ${report.violations.length === 1 ? "violation" : "violations"} ` +
                `on ${withViolations} of ${plural(report.resources.length, "resource")} (${packLabel}).`,
        );
    }
    const undecided = report.violations.filter(isUndecidedInPreview).length;
    if (undecided > 0) {
        lines.push(
            `${undecided} of the advisory findings could not be decided during preview: they read values that are unknown until ` +
                "the resources exist (as in a first `pulumi preview`). `--mode up` checks them with realistic IDs and ARNs.",
        );
    }
    if (report.remediations.length > 0) {
        lines.push(`${plural(report.remediations.length, "remediation")} applied in memory before analysis (as in a preview).`);
    }
    if (exitCodeOf(report) !== 0) {
        lines.push(
            report.mode === "up"
                ? "`pulumi up` would stop: a mandatory violation makes the resource invalid and the update is cancelled."
                : "`pulumi preview` would fail: error: preview failed.",
        );
    }
    if (opts.verbose && report.timings) {
        const t = report.timings;
        lines.push(
            `Timings: program ${t.programMs} ms, pack start ${t.packStartMs} ms, configure ${t.configureMs} ms, ` +
                `Analyze ${t.analyzeMs} ms, AnalyzeStack ${t.analyzeStackMs} ms, total ${t.totalMs} ms.`,
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
