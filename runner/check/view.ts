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

/** A policy pack being started. */
export interface PackStart {
    /** The pack, once it is ready. */
    starting: Promise<PolicyPackProcess>;
    /** Resolves once its process exists, or its start has failed before that. */
    spawned: Promise<void>;
}

/**
 * One policy pack process that both views of a default run use in turn (runCheck says when): each view's operation
 * opens once its `turn` has come and hands the pack on with `done` when it has ended; the owner stops the pack.
 */
export interface PackTurn {
    start: PackStart;
    /** Resolves when this view may open its operation on the pack. */
    turn: Promise<void>;
    /** Called once this view's operation has ended, or will not run. */
    done(): void;
}

/** Starts the check's policy pack as the engine starts it for an operation in this mode. */
export function startPack(context: CheckContext, dryRun: boolean): PackStart {
    const { opts, pack, project } = context;
    let spawned!: () => void;
    const exists = new Promise<void>((resolve) => (spawned = resolve));
    const starting = PolicyPackProcess.start({
        packDir: pack.dir,
        project: project.name,
        stack: project.stack,
        organization: opts.organization,
        dryRun,
        stackConfig: project.config,
        onSpawned: spawned,
    });
    starting.then(spawned, spawned);
    return { starting, spawned: exists };
}

/** Throws CheckError for expected failures; always stops its pack (or hands a shared one on). */
export async function checkView(context: CheckContext, view: View, shared?: PackTurn): Promise<ViewOutcome> {
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
        const packStart = shared?.start ?? startPack(context, dryRun);
        packStarting = packStart.starting;
        const ready = shared ? Promise.all([packStarting, shared.turn]).then(([p]) => p) : packStarting;
        const sessionOpening = ready.then((p) => {
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

        // The pack's start-up is the check's critical path (it takes longer than the program): its process goes
        // first, the program host's right after it.
        await packStart.spawned;
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
        return { report, program, packPid: pack?.pid };
    } finally {
        // Let queued calls finish, and wait for a pack that is still starting, before stopping it.
        await operation?.settle();
        if (shared) {
            // The owner (runCheck) stops the shared pack once both views are done with it.
            shared.done();
        } else {
            if (!pack && packStarting) {
                pack = await packStarting.catch(() => undefined);
            }
            if (pack) {
                await pack.close();
            }
        }
    }
}
