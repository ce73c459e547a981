// `authguard check <program-dir>`: runs a Pulumi TypeScript program offline under Pulumi's mock runtime (in a fresh
// program-host process), starts the policy pack over the Analyzer protocol at the same time, replays every
// registration to the pack (Remediate, Analyze, then one AnalyzeStack: runner/analyzer/operation.ts) and returns the
// report the command line renders like `pulumi preview` does.

import * as path from "path";
import { PolicyConfigError, PolicyPackConfigFile, loadPolicyPackConfig } from "../analyzer";
import { ensureBundledPackBuilt } from "../pack-build";
import { ProjectError, ProjectInfo, loadProject } from "../program";
import { configFailure, displayPath, inUpView, internalFailure, mergeViews, packBuildFailure, projectFailure } from "../report";
import { DEFAULT_PACK_DIR, toolInfo } from "../tool";
import { CheckContext, CheckError, CheckOptions, CheckOutcome, ViewOutcome } from "./options";
import { checkView, startPack } from "./view";

/**
 * Runs one check. Never throws for expected failures: they come back as `{ ok: false, failure }`.
 *
 * Mode `both` (the default) runs the program twice, side by side: once as a first `pulumi preview` sees it and once
 * with the values `pulumi up` knows, each with its own policy pack process, and merges the findings (mergeViews).
 * Why not one execution serving both views: a program's behaviour depends on what is known. An `apply` callback runs
 * only on known values, so the OpenAPI body it builds, and any resource it creates, exist only in the up view; code
 * may branch on `pulumi.runtime.isDryRun()`. An up-mode execution cannot say which of its values a preview would not
 * know (property dependencies name resources, not the outputs read), and a preview execution never computes the
 * up-form values at all: a preview view derived from the other would be a guess, in either direction. So each view
 * is exactly the single-mode check (`--mode preview`, `--mode up`), which keeps the verdict free of false passes;
 * running the two at once keeps the wall time near one check's when a second core is free (bench/check measures
 * it). Only authguard's own pack serves both views from one process (bothViews says why that is safe).
 */
export async function runCheck(opts: CheckOptions): Promise<CheckOutcome> {
    const tool = toolInfo();
    const started = Date.now();
    const mode = opts.mode ?? "both";
    const packDir = path.resolve(opts.policyPack ?? DEFAULT_PACK_DIR);
    try {
        ensureBundledPackBuilt(packDir);
    } catch (e) {
        return { ok: false, failure: packBuildFailure(tool, (e as Error).message, packDir) };
    }
    const packDisplay = opts.policyPack ? path.normalize(opts.policyPack) : displayPath(DEFAULT_PACK_DIR);
    const configFile = opts.policyPackConfig ? path.resolve(opts.policyPackConfig) : undefined;

    try {
        // Config files and the project are read first: they are cheap and their errors are the clearest.
        let policyConfig: PolicyPackConfigFile | undefined;
        if (opts.policyPackConfig) {
            try {
                policyConfig = loadPolicyPackConfig(opts.policyPackConfig);
            } catch (e) {
                if (e instanceof PolicyConfigError) {
                    throw new CheckError(configFailure(tool, e.message, configFile, false));
                }
                throw e;
            }
        }
        let project: ProjectInfo;
        try {
            project = loadProject(opts.programDir, { stack: opts.stack, config: opts.config });
        } catch (e) {
            if (e instanceof ProjectError) {
                throw new CheckError(projectFailure(tool, e.message, e.file));
            }
            throw e;
        }
        const pack = { dir: packDir, display: packDisplay };
        const context: CheckContext = { opts, tool, pack, configFile, policyConfig, project, labelOutput: mode === "both" };

        if (mode !== "both") {
            const view = await checkView(context, mode);
            view.report.timings!.totalMs = Date.now() - started;
            return { ok: true, report: view.report, program: view.program };
        }
        const [preview, up] = await bothViews(context);
        // A view that fails fails the check (exit 2): a doubt is never a pass. The preview's failure is the one a
        // user meets first with the Pulumi CLI, so it is reported when both fail.
        if (preview.status === "rejected") {
            throw preview.reason;
        }
        if (up.status === "rejected") {
            throw up.reason instanceof CheckError ? new CheckError(inUpView(up.reason.failure)) : up.reason;
        }
        const report = mergeViews(preview.value.report, up.value.report);
        report.timings!.totalMs = Date.now() - started;
        return { ok: true, report, program: preview.value.program, views: { preview: preview.value, up: up.value } };
    } catch (e) {
        if (e instanceof CheckError) {
            return { ok: false, failure: e.failure };
        }
        return { ok: false, failure: internalFailure(tool, e) };
    }
}

/**
 * Both views side by side. Each gets its own pack process, as the engine starts one per operation, except
 * authguard's own pack: it reads nothing of the mode it was started in, and its only state across RPCs
 * (apigw-api-key-hygiene's record of which ApiKeys set `value`, written by Analyze, read and cleared by the
 * operation's AnalyzeStack) is correct when operations do not interleave. So one process serves the preview's
 * operation and then the up view's (whose registrations wait meanwhile), and the check starts one pack, not two.
 * tests/runner/check-views.spec.ts holds the default run to the merge of the two single-mode checks.
 */
async function bothViews(context: CheckContext): Promise<[PromiseSettledResult<ViewOutcome>, PromiseSettledResult<ViewOutcome>]> {
    if (context.pack.dir !== path.resolve(DEFAULT_PACK_DIR)) {
        return Promise.allSettled([checkView(context, "preview"), checkView(context, "up")]);
    }
    // Started as for the preview, whose operation comes first.
    const start = startPack(context, true);
    start.starting.catch(() => undefined);
    let previewDone!: () => void;
    const previewTurnEnded = new Promise<void>((resolve) => (previewDone = resolve));
    try {
        return await Promise.allSettled([
            checkView(context, "preview", { start, turn: Promise.resolve(), done: previewDone }),
            checkView(context, "up", { start, turn: previewTurnEnded, done: () => undefined }),
        ]);
    } finally {
        const pack = await start.starting.catch(() => undefined);
        await pack?.close();
    }
}
