// `authguard check <program-dir>`: runs a Pulumi TypeScript program offline under Pulumi's mock runtime (in a fresh
// program-host process), starts the policy pack over the Analyzer protocol at the same time (as the engine loads
// policy packs while the program runs), replays every registration to the pack (Remediate, Analyze, then one
// AnalyzeStack) and reports like `pulumi preview` does.
//
// The default run reports two views of the program: what a first `pulumi preview` shows (computed outputs of new
// resources unknown) and what `pulumi up` stops on (values known). See runCheck for how. `--mode preview|up` gives
// one view, exactly.
//
// Exit codes: 0 clean or advisory only; 1 at least one mandatory violation; 2 the program, the pack, a config file
// or the command line is broken (one paragraph on stderr naming the file; stack traces only with --verbose).

import { UsageError, parseFormat, splitOption } from "./args";
import * as fs from "fs";
import * as path from "path";
import { BUNDLED_PACK_DIR, ensureBundledPackBuilt } from "./pack-build";
import { runEngineCheck } from "./engine/check";
import {
    AnalyzerSession,
    PolicyConfigError,
    PolicyPackConfigFile,
    PolicyPackError,
    PolicyPackProcess,
    PolicyViolation,
    Remediation,
    loadPolicyPackConfig,
} from "./analyzer";
import { ResourceRecord } from "./resource-records";
import { ProgramFailure, ProgramRun, ProgramRunError, ProjectInfo, loadProject, missingConfigMessage, ProjectError, runProgram } from "./program";
import {
    CheckFailure,
    CheckMode,
    CheckReport,
    EXIT_FAILURE,
    View,
    displayPath,
    exitCodeOf,
    mergeViews,
    renderFailureText,
    renderJson,
    renderSarif,
    renderText,
    toJsonFailure,
    toJsonReport,
    toReportResources,
    toSarif,
    toSarifFailure,
} from "./report";

export const REPO_ROOT = path.resolve(__dirname, "..");
/** This repository's policy pack, the default --policy-pack. */
export const DEFAULT_PACK_DIR = BUNDLED_PACK_DIR;

export function toolInfo(): { name: string; version: string } {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version?: string };
        return { name: "authguard", version: pkg.version ?? "0.0.0" };
    } catch {
        return { name: "authguard", version: "0.0.0" };
    }
}

export type OutputFormat = "text" | "json" | "sarif";

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
}

/**
 * `program` is the run the report describes (the preview run in mode `both`); in mode `both`, `views` holds each
 * view's own report and run.
 */
export type CheckOutcome =
    | { ok: true; report: CheckReport; program: ProgramRun; views?: Record<View, ViewOutcome> }
    | { ok: false; failure: CheckFailure };

class CheckError extends Error {
    constructor(readonly failure: CheckFailure) {
        super(failure.message);
    }
}

function programFailureMessage(f: ProgramFailure, programDir: string, stack: string): string {
    const where = f.file ? `${displayPath(f.file)}${f.line !== undefined ? `:${f.line}${f.column !== undefined ? `:${f.column}` : ""}` : ""}` : "";
    const at = where ? `${where}: ` : "";
    if (f.missingConfig) {
        return `${at}${missingConfigMessage(f.missingConfig, stack, displayPath(path.join(programDir, `Pulumi.${stack}.yaml`)))}`;
    }
    switch (f.kind) {
        case "compile":
            return `the program in ${displayPath(programDir)} does not compile: ${at}${f.message}`;
        case "runtime":
            return `the program in ${displayPath(programDir)} threw an error: ${at}${f.message.replace(/\.$/, "")}. Fix the program (run with --verbose for the stack trace).`;
        case "invoke":
            return `${at}${f.message}.`;
        case "module":
            return `the program in ${displayPath(programDir)} imports a module that cannot be found: ${at}${f.message}`;
        case "log-error":
            return `the program in ${displayPath(programDir)} reported an error: ${at}${f.message}`;
        case "timeout":
        case "crash":
            return `${at}${f.message}`;
        default:
            return f.message.includes(f.file ?? "\u0000") ? f.message : `${at}${f.message}`;
    }
}

/**
 * Replays registrations to the pack as the program makes them, one at a time and in order (Remediate when a policy
 * is at level remediate, then Analyze), the way the engine's step generator analyzes each resource as it is
 * registered. Analysis of early resources overlaps the rest of the program.
 */
class StreamingAnalysis {
    private readonly slots: Array<{ violations: PolicyViolation[]; remediations: Remediation[] } | undefined> = [];
    private readonly queue: Array<{ index: number; record: ResourceRecord }> = [];
    private running = 0;
    private error: unknown;
    private hasError = false;
    private idle: Array<() => void> = [];
    /** URN → the record after remediation, for the AnalyzeStack view. */
    private readonly remediated = new Map<string, ResourceRecord>();
    /** Wall time during which at least one Remediate/Analyze call was in flight. */
    busyMs = 0;
    private busySince = 0;

    /**
     * @param window how many resources may be in flight at once. The pack answers each call independently (the
     * engine, too, analyzes every resource on its own), so a small window only hides the round-trip latency.
     */
    constructor(
        private readonly session: Promise<AnalyzerSession>,
        private readonly window = 4,
    ) {}

    push(record: ResourceRecord): void {
        this.queue.push({ index: this.slots.length, record });
        this.slots.push(undefined);
        this.pump();
    }

    private pump(): void {
        while (this.running < this.window && this.queue.length > 0 && !this.hasError) {
            const item = this.queue.shift()!;
            if (this.running === 0) {
                this.busySince = Date.now();
            }
            this.running++;
            this.analyzeOne(item.record).then(
                (result) => {
                    this.slots[item.index] = result;
                },
                (e: unknown) => {
                    if (!this.hasError) {
                        this.hasError = true;
                        this.error = e;
                    }
                },
            ).finally(() => {
                this.running--;
                if (this.running === 0) {
                    this.busyMs += Date.now() - this.busySince;
                }
                this.pump();
                if (this.running === 0 && (this.queue.length === 0 || this.hasError)) {
                    for (const resolve of this.idle.splice(0)) {
                        resolve();
                    }
                }
            });
        }
    }

    private async analyzeOne(record: ResourceRecord): Promise<{ violations: PolicyViolation[]; remediations: Remediation[] }> {
        const result = await (await this.session).processResource(record);
        if (result.record !== record) this.remediated.set(record.urn, result.record);
        return result;
    }

    /** Waits for every queued call, ignoring errors. */
    async settle(): Promise<void> {
        if (this.running > 0 || (this.queue.length > 0 && !this.hasError)) {
            await new Promise<void>((resolve) => this.idle.push(resolve));
        }
    }

    /** Waits for every queued call; throws the first error. */
    async finish(): Promise<void> {
        await this.settle();
        if (this.hasError) {
            throw this.error;
        }
    }

    /** Analyze findings in registration order. */
    get violations(): PolicyViolation[] {
        return this.slots.flatMap((s) => s?.violations ?? []);
    }

    get remediations(): Remediation[] {
        return this.slots.flatMap((s) => s?.remediations ?? []);
    }

    /** The records as AnalyzeStack sees them: final outputs, with remediated inputs applied. */
    forStack(records: ResourceRecord[]): ResourceRecord[] {
        return records.map((r) => this.remediated.get(r.urn) ?? r);
    }
}

/** What both views of one check share: read once, before any program runs. */
interface CheckContext {
    opts: CheckOptions;
    tool: { name: string; version: string };
    packDir: string;
    packDisplay: string;
    configFile?: string;
    policyConfig?: PolicyPackConfigFile;
    project: ProjectInfo;
    /** Both views run at once: their program output (--verbose) is told apart by a `[preview] ` / `[up] ` prefix. */
    labelOutput: boolean;
}

function labelled(view: View, sink: CheckOptions["onProgramOutput"]): CheckOptions["onProgramOutput"] {
    return sink && ((stream, text) => sink(stream, text.replace(/^(?=.)/gm, `[${view}] `)));
}

/**
 * Runs one check. Never throws for expected failures: they come back as `{ ok: false, failure }`.
 *
 * Mode `both` (the default) runs the program twice, side by side: once as a first `pulumi preview` sees it and once
 * with the values `pulumi up` knows, each with its own policy pack process, and merges the findings (mergeViews).
 * Why not one execution serving both views: a program's behaviour depends on what is known. An `apply` callback runs
 * only on known values, so the OpenAPI body it builds, and any resource it creates, exist only in the up view; code
 * may branch on `pulumi.runtime.isDryRun()`. An up-mode execution cannot say which of its values a preview would not
 * know (property dependencies name resources, not the outputs read), and a preview execution never computes the
 * up-form values at all: a preview view derived from the other would be a guess, in either direction. The pack
 * process cannot be shared either: it is started for one mode (dry run or not) and a policy such as
 * apigw-api-key-hygiene keeps per-stack state between Analyze and the one AnalyzeStack of an operation, which two
 * interleaved views would corrupt. So each view is exactly the single-mode check (`--mode preview`, `--mode up`),
 * which keeps the verdict free of false passes; running the two at once keeps the wall time near one check's when a
 * second core is free (bench/check measures it).
 */
export async function runCheck(opts: CheckOptions): Promise<CheckOutcome> {
    const tool = toolInfo();
    const started = Date.now();
    const mode = opts.mode ?? "both";
    const packDir = path.resolve(opts.policyPack ?? DEFAULT_PACK_DIR);
    try {
        ensureBundledPackBuilt(packDir);
    } catch (e) {
        return { ok: false, failure: { tool, kind: "pack", message: (e as Error).message, file: packDir } };
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
                    throw new CheckError({ tool, kind: "config", message: e.message, file: configFile });
                }
                throw e;
            }
        }
        let project: ProjectInfo;
        try {
            project = loadProject(opts.programDir, { stack: opts.stack, config: opts.config });
        } catch (e) {
            if (e instanceof ProjectError) {
                throw new CheckError({ tool, kind: "program", message: e.message, file: e.file });
            }
            throw e;
        }
        const context: CheckContext = { opts, tool, packDir, packDisplay, configFile, policyConfig, project, labelOutput: mode === "both" };

        if (mode !== "both") {
            const view = await checkView(context, mode);
            view.report.timings!.totalMs = Date.now() - started;
            return { ok: true, report: view.report, program: view.program };
        }
        const [preview, up] = await Promise.allSettled([checkView(context, "preview"), checkView(context, "up")]);
        // A view that fails fails the check (exit 2): a doubt is never a pass. The preview's failure is the one a
        // user meets first with the Pulumi CLI, so it is reported when both fail.
        if (preview.status === "rejected") {
            throw preview.reason;
        }
        if (up.status === "rejected") {
            throw inUpView(up.reason);
        }
        const report = mergeViews(preview.value.report, up.value.report);
        report.timings!.totalMs = Date.now() - started;
        return { ok: true, report, program: preview.value.program, views: { preview: preview.value, up: up.value } };
    } catch (e) {
        if (e instanceof CheckError) {
            return { ok: false, failure: e.failure };
        }
        const err = e as Error;
        return { ok: false, failure: { tool, kind: "internal", message: `unexpected error: ${err?.message ?? String(e)}`, details: err?.stack } };
    }
}

/** A failure of the up view in the default run says so: `--mode preview` alone would not meet it. */
function inUpView(e: unknown): unknown {
    if (!(e instanceof CheckError)) {
        return e;
    }
    const f = e.failure;
    return new CheckError({ ...f, message: `with computed values known (the \`pulumi up\` view; --mode preview alone passes this point): ${f.message}` });
}

/**
 * One view, exactly as `--mode <view>` checks it: the program host and the pack start together, each registration is
 * analyzed as it arrives, then one AnalyzeStack. Throws CheckError for expected failures; always stops its pack.
 */
async function checkView(context: CheckContext, view: View): Promise<ViewOutcome> {
    const { opts, tool, packDir, packDisplay, configFile, policyConfig, project } = context;
    const started = Date.now();
    let pack: PolicyPackProcess | undefined;
    let packStarting: Promise<PolicyPackProcess> | undefined;
    let stream: StreamingAnalysis | undefined;

    const analyzerFailure = (e: unknown): CheckError | unknown => {
        if (e instanceof PolicyConfigError) {
            return new CheckError({ tool, kind: "config", message: `${configFile ? `${displayPath(configFile)}: ` : ""}${e.message}`, file: configFile });
        }
        if (e instanceof PolicyPackError) {
            const logs = pack ? pack.logs.map((l) => `${l.severity}: ${l.message}`).join("\n") : "";
            return new CheckError({ tool, kind: "pack", message: `policy pack ${packDisplay}: ${e.message}`, file: packDir, details: logs || undefined });
        }
        return e;
    };

    try {
        const dryRun = view !== "up";
        const analyzeOptions = {
            project: project.name,
            stack: project.stack,
            organization: opts.organization,
            dryRun,
            policyConfig,
            stackConfig: project.config,
            configSecretKeys: project.secretKeys,
        };

        // The engine loads policy packs while the program starts, and analyzes each resource as it is registered.
        packStarting = PolicyPackProcess.start({
            packDir,
            project: project.name,
            stack: project.stack,
            organization: opts.organization,
            dryRun,
            stackConfig: project.config,
        });
        const sessionOpening = packStarting.then((p) => {
            pack = p;
            return AnalyzerSession.open(p, analyzeOptions);
        });
        // Never leave an unhandled rejection behind if the program fails first.
        sessionOpening.catch(() => undefined);
        stream = new StreamingAnalysis(sessionOpening, Number(process.env.AUTHGUARD_ANALYZE_WINDOW ?? "") || 4);
        const analysis = stream;

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
                const f = e.failure;
                throw new CheckError({
                    tool,
                    kind: f.kind,
                    message: programFailureMessage(f, project.dir, project.stack),
                    file: f.file,
                    line: f.line,
                    column: f.column,
                    details: [f.stack, e.output ? `program output:\n${e.output}` : ""].filter(Boolean).join("\n\n") || undefined,
                });
            }
            throw e;
        }

        let session: AnalyzerSession;
        let stackViolations: PolicyViolation[];
        let analyzeStackMs: number;
        try {
            await analysis.finish();
            session = await sessionOpening;
            const stackStarted = Date.now();
            stackViolations = await session.analyzeStack(analysis.forStack(program.records));
            analyzeStackMs = Date.now() - stackStarted;
            await session.cancel();
        } catch (e) {
            throw analyzerFailure(e);
        }
        const startedPack = pack as PolicyPackProcess | undefined;
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
            policyPack: { name: session.info.name, version: session.info.version, path: packDisplay, policies: session.info.policies },
            resources: toReportResources(program.records),
            violations: [...analysis.violations, ...stackViolations],
            remediations: analysis.remediations,
            timings: {
                programMs: program.timings.totalMs,
                packStartMs: startedPack?.startMs ?? 0,
                configureMs: session.configureMs,
                analyzeMs: analysis.busyMs,
                analyzeStackMs,
                totalMs: Date.now() - started,
            },
        };
        return { report, program };
    } finally {
        // Let queued calls finish, and wait for a pack that is still starting, before stopping it.
        await stream?.settle();
        if (!pack && packStarting) {
            pack = await packStarting.catch(() => undefined);
        }
        if (pack) {
            await pack.close();
        }
    }
}

export function render(outcome: { ok: true; report: CheckReport } | { ok: false; failure: CheckFailure }, format: OutputFormat, verbose = false): { stdout: string; stderr: string; exitCode: number } {
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

// ---------------------------------------------------------------------------------------------------------------
// Command line

const USAGE = `Usage:
  authguard check <program-dir> [options]   check a Pulumi TypeScript program against a policy pack, offline
  authguard demo                            check the bundled examples (what \`npm start\` runs)
  authguard audit <file-or-folder>...       audit deployed stacks' state (\`authguard audit --help\`)

Options:
  --mode preview|up|both       both (default): what a first \`pulumi preview\` shows and what \`pulumi up\` stops on
                               once values are known, each finding labelled [preview] or [up only]; preview: only the
                               first-preview view (computed outputs of new resources unknown); up: only the view with
                               realistic IDs and ARNs, as after \`pulumi up\`
  --policy-pack <dir>          the policy pack to run (default: this repository's policypack/)
  --policy-pack-config <file>  policy config in the Pulumi CLI's JSON format (levels and settings per policy)
  --format text|json|sarif     output format (default text); json and sarif go to stdout
  --stack <name>               stack whose Pulumi.<stack>.yaml config is read (default: the only stack file, or dev)
  --config <key=value>         set a config value, like \`pulumi config set\` (repeatable)
  --timeout <seconds>          stop a program that has not finished (default 300)
  --engine pulumi              run the program under the Pulumi CLI (any language it runs) with the offline AWS
                               provider, instead of the built-in Node.js runner (\`npm run engine:build\` or PATH)
  --verbose                    show the program's output, timings, and stack traces on failure
  -h, --help                   show this help
  --version                    print the version

Exit codes: 0 clean or advisory only, 1 mandatory violations (in either view), 2 the program, pack or a config file
failed.
`;

interface ParsedArgs {
    command?: string;
    positional: string[];
    mode: CheckMode;
    format: OutputFormat;
    policyPack?: string;
    policyPackConfig?: string;
    engine?: "pulumi";
    stack?: string;
    config: Record<string, string>;
    timeoutMs?: number;
    verbose: boolean;
    help: boolean;
    version: boolean;
}

export function parseArgs(argv: string[]): ParsedArgs {
    const out: ParsedArgs = { positional: [], mode: "both", format: "text", config: {}, verbose: false, help: false, version: false };
    const takesValue = new Set(["--mode", "--policy-pack", "--policy-pack-config", "--format", "--stack", "--config", "--timeout", "--engine"]);
    for (let i = 0; i < argv.length; i++) {
        const { name: arg, value: inline } = splitOption(argv[i]);
        let value = inline;
        if (takesValue.has(arg) && value === undefined) {
            value = argv[++i];
            if (value === undefined) {
                throw new UsageError(`${arg} needs a value`);
            }
        }
        switch (arg) {
            case "--mode":
                if (value !== "preview" && value !== "up" && value !== "both") {
                    throw new UsageError(`--mode must be preview, up or both, not "${value}"`);
                }
                out.mode = value;
                break;
            case "--format":
                out.format = parseFormat(value);
                break;
            case "--policy-pack":
                out.policyPack = value;
                break;
            case "--policy-pack-config":
                out.policyPackConfig = value;
                break;
            case "--engine":
                if (value !== "pulumi") {
                    throw new UsageError(`--engine takes pulumi (the Pulumi CLI), not "${value}"`);
                }
                out.engine = value;
                break;
            case "--stack":
                out.stack = value;
                break;
            case "--config": {
                const at = value!.indexOf("=");
                if (at <= 0) {
                    throw new UsageError(`--config takes key=value, not "${value}"`);
                }
                out.config[value!.slice(0, at)] = value!.slice(at + 1);
                break;
            }
            case "--timeout": {
                const s = Number(value);
                if (!Number.isFinite(s) || s <= 0) {
                    throw new UsageError(`--timeout must be a positive number of seconds, not "${value}"`);
                }
                out.timeoutMs = s * 1000;
                break;
            }
            case "--verbose":
            case "-v":
                out.verbose = true;
                break;
            case "--help":
            case "-h":
                out.help = true;
                break;
            case "--version":
                out.version = true;
                break;
            default:
                if (arg.startsWith("-")) {
                    throw new UsageError(`unknown option ${arg}`);
                }
                if (out.command === undefined) {
                    out.command = arg;
                } else {
                    out.positional.push(arg);
                }
        }
    }
    return out;
}

interface Io {
    stdout: (s: string) => void;
    stderr: (s: string) => void;
}

async function demo(io: Io, verbose: boolean): Promise<number> {
    // `npm start`: the default check of each example. The insecure one must show mandatory findings; the secure one
    // none, with nothing in its up view (its preview view may only show the advisories a first `pulumi preview` shows
    // for values unknown until deployment). The demo exits 0 when all of that holds: it demonstrates the checker, it is
    // not a deployment gate (`authguard check examples/insecure-api` on its own exits 1).
    const examples = path.join(REPO_ROOT, "examples");
    const outcomes: CheckOutcome[] = [];
    for (const name of ["insecure-api", "secure-api"]) {
        const dir = path.join(examples, name);
        io.stdout(`$ authguard check ${displayPath(dir)}\n`);
        const outcome = await runCheck({ programDir: dir, verbose });
        const r = render(outcome, "text", verbose);
        io.stdout(r.stdout);
        io.stderr(r.stderr);
        io.stdout(`(exit code ${r.exitCode})\n\n`);
        outcomes.push(outcome);
    }
    const [insecure, secure] = outcomes;
    if (!insecure.ok || !secure.ok) {
        return EXIT_FAILURE;
    }
    const mandatory = (o: { report: CheckReport }) => o.report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const found = mandatory(insecure);
    const secureMandatory = mandatory(secure);
    const secureUpFindings = secure.views?.up.report.violations.length ?? 0;
    const findings = (n: number, what: string) => `${n} ${what} ${n === 1 ? "finding" : "findings"}`;
    if (found > 0 && secureMandatory === 0 && secureUpFindings === 0) {
        io.stdout(
            `demo OK: insecure-api has ${findings(found, "mandatory")} (checking it on its own exits 1); ` +
                "secure-api has none, and its up view is clean.\n",
        );
        return 0;
    }
    io.stdout(
        `demo: unexpected result: insecure-api ${findings(found, "mandatory")}; secure-api ${findings(secureMandatory, "mandatory")}, ` +
            `${findings(secureUpFindings, "up-view")}.\n`,
    );
    return 1;
}

export async function main(argv: string[], io: Io): Promise<number> {
    if (argv[0] === "audit") {
        return (await import("./audit/command")).audit(argv.slice(1), io); // its own options: runner/audit/command.ts
    }
    let args: ParsedArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr(`authguard: ${e.message}\n\n${USAGE}`);
            return EXIT_FAILURE;
        }
        throw e;
    }
    if (args.version) {
        io.stdout(`${toolInfo().version}\n`);
        return 0;
    }
    if (args.help || args.command === undefined) {
        (args.help ? io.stdout : io.stderr)(USAGE);
        return args.help ? 0 : EXIT_FAILURE;
    }
    if (args.command === "demo") {
        return demo(io, args.verbose);
    }
    if (args.command !== "check") {
        io.stderr(`authguard: unknown command "${args.command}"\n\n${USAGE}`);
        return EXIT_FAILURE;
    }
    if (args.positional.length !== 1) {
        io.stderr(`authguard check: give exactly one program directory\n\n${USAGE}`);
        return EXIT_FAILURE;
    }
    const checkOpts = {
        programDir: args.positional[0],
        mode: args.mode,
        policyPack: args.policyPack,
        policyPackConfig: args.policyPackConfig,
        stack: args.stack,
        config: args.config,
        timeoutMs: args.timeoutMs,
        verbose: args.verbose,
        onProgramOutput: args.verbose ? (_s: string, text: string) => io.stderr(text) : undefined,
    };
    const outcome = args.engine ? await runEngineCheck({ ...checkOpts, tool: toolInfo() }) : await runCheck(checkOpts);
    const r = render(outcome, args.format, args.verbose);
    io.stdout(r.stdout);
    io.stderr(r.stderr);
    return r.exitCode;
}
