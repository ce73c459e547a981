// One check's outcome as the command line writes it: the report (or the failure) in the chosen format, the exit code.
// text goes to stdout; a failure's paragraph goes to stderr in every format, and json/sarif also put a failure
// document on stdout so a CI step that parses stdout always gets one.

import type { OutputFormat } from "../args";
import { CheckFailure, CheckReport, EXIT_FAILURE, exitCodeOf } from "./check-report";
import { renderJson, toJsonFailure, toJsonReport } from "./json";
import { renderSarif, toSarif, toSarifFailure } from "./sarif";
import { renderFailureText, renderText } from "./text";

export function render(
    outcome: { ok: true; report: CheckReport } | { ok: false; failure: CheckFailure },
    format: OutputFormat,
    verbose = false,
): { stdout: string; stderr: string; exitCode: number } {
    if (!outcome.ok) {
        const stderr = renderFailureText(outcome.failure, { verbose });
        const stdout =
            format === "json" ? renderJson(toJsonFailure(outcome.failure)) : format === "sarif" ? renderSarif(toSarifFailure(outcome.failure)) : "";
        return { stdout, stderr, exitCode: EXIT_FAILURE };
    }
    const report = outcome.report;
    const stdout =
        format === "json" ? renderJson(toJsonReport(report)) : format === "sarif" ? renderSarif(toSarif(report)) : renderText(report, { verbose });
    return { stdout, stderr: "", exitCode: exitCodeOf(report) };
}
