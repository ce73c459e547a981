// What `authguard check` is given and what it answers, shared by the run (run.ts) and each view (view.ts).

import type { PolicyPackConfigFile } from "../analyzer";
import type { ProgramRun, ProjectInfo } from "../program";
import type { CheckFailure, CheckMode, CheckReport, View } from "../report";

export interface CheckOptions {
    programDir: string;
    /** `preview` or `up`: one view; `both` (the default): both views, each finding labelled with the view that shows it. */
    mode?: CheckMode;
    /** Policy pack directory; default: this repository's policypack/. */
    policyPack?: string;
    /** A `--policy-pack-config` file (the Pulumi CLI's JSON format). */
    policyPackConfig?: string;
    stack?: string;
    /** `--config key=value` overrides. */
    config?: Record<string, string>;
    organization?: string;
    timeoutMs?: number;
    verbose?: boolean;
    /** Where program output goes with --verbose. */
    onProgramOutput?: (stream: "stdout" | "stderr", text: string) => void;
}

/** One view's exact single-mode result. */
export interface ViewOutcome {
    report: CheckReport;
    program: ProgramRun;
    /** The process ID of the policy pack that analyzed this view (both views share authguard's own pack). */
    packPid?: number;
}

/**
 * `program` is the run the report describes (the preview run in mode `both`); in mode `both`, `views` holds each
 * view's own report and run.
 */
export type CheckOutcome =
    | { ok: true; report: CheckReport; program: ProgramRun; views?: Record<View, ViewOutcome> }
    | { ok: false; failure: CheckFailure };

/** What both views of one check share: read once, before any program runs. */
export interface CheckContext {
    opts: CheckOptions;
    tool: { name: string; version: string };
    pack: { dir: string; display: string };
    configFile?: string;
    policyConfig?: PolicyPackConfigFile;
    project: ProjectInfo;
    /** Both views run at once: their program output (--verbose) is told apart by a `[preview] ` / `[up] ` prefix. */
    labelOutput: boolean;
}

/** An expected failure on its way out of a check: runCheck returns it as `{ ok: false, failure }`. */
export class CheckError extends Error {
    constructor(readonly failure: CheckFailure) {
        super(failure.message);
    }
}
