// One view of a check, exactly as `--mode <view>` checks it: the program host and the policy pack start together (as
// the engine loads policy packs while the program starts), each registration goes to the pack's OperationAnalysis
// as the program makes it, and once the program has ended one AnalyzeStack sees the final records.

import { AnalyzerSession, OperationAnalysis, PolicyConfigError, PolicyPackError, PolicyPackProcess } from "../analyzer";
import { ProgramRun, ProgramRunError, runProgram } from "../program";
import { CheckReport, View, configFailure, packFailure, programFailure, toReportResources } from "../report";
import { CheckContext, CheckError, CheckOptions, ViewOutcome } from "./options";

function labelled(view: View, sink: CheckOptions["onProgramOutput"]): CheckOptions["onProgramOutput"] {
    return sink && ((stream, text) => sink(stream, text.replace(/^(?=.)/gm, `[${view}] `)));
}

/** Throws CheckError for expected failures; always stops its pack. */
export async function checkView(context: CheckContext, view: View): Promise<ViewOutcome> {
    const { opts, tool, pack: packPaths, configFile, policyConfig, project } = context;
    const started = Date.now();
    let pack: PolicyPackProcess | undefined;
    let packStarting: Promise<PolicyPackProcess> | undefined;
    let operation: OperationAnalysis | undefined;

    const analyzerFailure = (e: unknown): CheckError | unknown => {
        if (e instanceof PolicyConfigError) {
            return new CheckError(configFailure(tool, e.message, configFile, true));
        }
        if (e instanceof PolicyPackError) {
            return new CheckError(packFailure(tool, e.message, packPaths, pack?.logs ?? []));
        }
        return e;
    };

    try {
        const dryRun = view !== "up";
        packStarting = PolicyPackProcess.start({
            packDir: packPaths.dir,
            project: project.name,
            stack: project.stack,
            organization: opts.organization,
            dryRun,
            stackConfig: project.config,
        });
        const sessionOpening = packStarting.then((p) => {
            pack = p;
            return AnalyzerSession.open(p, {
                project: project.name,
                stack: project.stack,
                organization: opts.organization,
                dryRun,
                policyConfig,
                stackConfig: project.config,
                configSecretKeys: project.secretKeys,
            });
        });
        // Never leave an unhandled rejection behind if the program fails first.
        sessionOpening.catch(() => undefined);
        operation = new OperationAnalysis(sessionOpening);
        const analysis = operation;

        let program: ProgramRun;
        try {
            program = await runProgram({
                programDir: project.dir,
                project,
                mode: view,
                organization: opts.organization,
                timeoutMs: opts.timeoutMs,
                onOutput: context.labelOutput ? labelled(view, opts.onProgramOutput) : opts.onProgramOutput,
                onRecord: (record) => analysis.push(record),
            });
        } catch (e) {
            if (e instanceof ProgramRunError) {
                throw new CheckError(programFailure(tool, e.failure, project, e.output));
            }
            throw e;
        }

        let result;
        try {
            result = await analysis.complete(program.records);
            await (await sessionOpening).cancel();
        } catch (e) {
            throw analyzerFailure(e);
        }
        const report: CheckReport = {
            tool,
            mode: view,
            program: {
                dir: project.dir,
                project: project.name,
                stack: project.stack,
                main: project.main,
                pulumiSdkVersion: program.sdk.version,
            },
            policyPack: { name: result.pack.name, version: result.pack.version, path: packPaths.display, policies: result.pack.policies },
            resources: toReportResources(program.records),
            violations: result.violations,
            remediations: result.remediations,
            timings: {
                programMs: program.timings.totalMs,
                packStartMs: result.timings.startMs,
                configureMs: result.timings.configureMs,
                analyzeMs: result.timings.analyzeMs,
                analyzeStackMs: result.timings.analyzeStackMs,
                totalMs: Date.now() - started,
            },
        };
        return { report, program };
    } finally {
        // Let queued calls finish, and wait for a pack that is still starting, before stopping it.
        await operation?.settle();
        if (!pack && packStarting) {
            pack = await packStarting.catch(() => undefined);
        }
        if (pack) {
            await pack.close();
        }
    }
}
