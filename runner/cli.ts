// `authguard check <program-dir>`: runs a Pulumi TypeScript program offline under Pulumi's mock runtime (in a fresh
// program-host process), starts the policy pack over the Analyzer protocol at the same time (as the engine loads
// policy packs while the program runs), replays every registration to the pack (Remediate, Analyze, then one
// AnalyzeStack) and reports like `pulumi preview` does.
//
// Exit codes: 0 clean or advisory only; 1 at least one mandatory violation; 2 the program, the pack, a config file
// or the command line is broken (one paragraph on stderr naming the file; stack traces only with --verbose).

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
import { ResourceRecord } from "./model";
import { ProgramFailure, ProgramRun, ProgramRunError, RunMode, loadProject, ProjectError, runProgram } from "./program";
import {
    CheckFailure,
    CheckReport,
    EXIT_FAILURE,
    displayPath,
    exitCodeOf,
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

function toolInfo(): { name: string; version: string } {
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
    mode: RunMode;
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

export type CheckOutcome = { ok: true; report: CheckReport; program: ProgramRun } | { ok: false; failure: CheckFailure };

class CheckError extends Error {
    constructor(readonly failure: CheckFailure) {
        super(failure.message);
    }
}

function programFailureMessage(f: ProgramFailure, programDir: string, stack: string): string {
    const where = f.file ? `${displayPath(f.file)}${f.line !== undefined ? `:${f.line}${f.column !== undefined ? `:${f.column}` : ""}` : ""}` : "";
    const at = where ? `${where}: ` : "";
    const missing = /^Missing required configuration variable '([^']+)'/.exec(f.message);
    if (missing) {
        const key = missing[1];
        // requireSecret: the SDK's own message (kept in the stack) asks for `pulumi config set --secret`.
        const secret = (f.stack ?? "").includes(`config set --secret ${key} `);
        return (
            `${at}the program requires the ${secret ? "secret " : ""}configuration value '${key}', which stack "${stack}" does not set: add it to ` +
            `${displayPath(path.join(programDir, `Pulumi.${stack}.yaml`))} (\`pulumi config set${secret ? " --secret" : ""} ${key} <value>\`) or pass --config ${key}=<value>.`
        );
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

/** Runs one check. Never throws for expected failures: they come back as `{ ok: false, failure }`. */
export async function runCheck(opts: CheckOptions): Promise<CheckOutcome> {
    const tool = toolInfo();
    const started = Date.now();
    const packDir = path.resolve(opts.policyPack ?? DEFAULT_PACK_DIR);
    try {
        ensureBundledPackBuilt(packDir);
    } catch (e) {
        return { ok: false, failure: { tool, kind: "pack", message: (e as Error).message, file: packDir } };
    }
    const packDisplay = opts.policyPack ? path.normalize(opts.policyPack) : displayPath(DEFAULT_PACK_DIR);
    const configFile = opts.policyPackConfig ? path.resolve(opts.policyPackConfig) : undefined;
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
        let project;
        try {
            project = loadProject(opts.programDir, { stack: opts.stack, config: opts.config });
        } catch (e) {
            if (e instanceof ProjectError) {
                throw new CheckError({ tool, kind: "program", message: e.message, file: e.file });
            }
            throw e;
        }
        const dryRun = opts.mode !== "up";
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
                mode: opts.mode,
                organization: opts.organization,
                timeoutMs: opts.timeoutMs,
                onOutput: opts.onProgramOutput,
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
            mode: opts.mode,
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
        return { ok: true, report, program };
    } catch (e) {
        if (e instanceof CheckError) {
            return { ok: false, failure: e.failure };
        }
        const err = e as Error;
        return { ok: false, failure: { tool, kind: "internal", message: `unexpected error: ${err?.message ?? String(e)}`, details: err?.stack } };
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

Options:
  --mode preview|up            preview (default): computed outputs of new resources are unknown, as in a first
                               \`pulumi preview\`; up: realistic IDs and ARNs, as after \`pulumi up\`
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

Exit codes: 0 clean or advisory only, 1 mandatory violations, 2 the program, pack or a config file failed.
`;

interface ParsedArgs {
    command?: string;
    positional: string[];
    mode: RunMode;
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

class UsageError extends Error {}

export function parseArgs(argv: string[]): ParsedArgs {
    const out: ParsedArgs = { positional: [], mode: "preview", format: "text", config: {}, verbose: false, help: false, version: false };
    const takesValue = new Set(["--mode", "--policy-pack", "--policy-pack-config", "--format", "--stack", "--config", "--timeout", "--engine"]);
    for (let i = 0; i < argv.length; i++) {
        let arg = argv[i];
        let value: string | undefined;
        const eq = arg.indexOf("=");
        if (arg.startsWith("--") && eq > 0) {
            value = arg.slice(eq + 1);
            arg = arg.slice(0, eq);
        }
        if (takesValue.has(arg) && value === undefined) {
            value = argv[++i];
            if (value === undefined) {
                throw new UsageError(`${arg} needs a value`);
            }
        }
        switch (arg) {
            case "--mode":
                if (value !== "preview" && value !== "up") {
                    throw new UsageError(`--mode must be preview or up, not "${value}"`);
                }
                out.mode = value;
                break;
            case "--format":
                if (value !== "text" && value !== "json" && value !== "sarif") {
                    throw new UsageError(`--format must be text, json or sarif, not "${value}"`);
                }
                out.format = value;
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
    // `npm start`: the insecure example must show its mandatory findings; the secure one must have none in preview
    // (where it may only show the advisories a first `pulumi preview` shows for values unknown until deployment) and
    // no finding at all in up mode. The demo exits 0 when all of that holds: it demonstrates the checker, it is not a
    // deployment gate (`authguard check examples/insecure-api` on its own exits 1).
    const examples = path.join(REPO_ROOT, "examples");
    const runs: Array<{ name: string; mode: RunMode }> = [
        { name: "insecure-api", mode: "preview" },
        { name: "secure-api", mode: "preview" },
        { name: "secure-api", mode: "up" },
    ];
    const outcomes: CheckOutcome[] = [];
    for (const run of runs) {
        const dir = path.join(examples, run.name);
        io.stdout(`$ authguard check ${displayPath(dir)}${run.mode === "up" ? " --mode up" : ""}\n`);
        const outcome = await runCheck({ programDir: dir, mode: run.mode, verbose });
        const r = render(outcome, "text", verbose);
        io.stdout(r.stdout);
        io.stderr(r.stderr);
        io.stdout(`(exit code ${r.exitCode})\n\n`);
        outcomes.push(outcome);
    }
    const [insecure, securePreview, secureUp] = outcomes;
    if (!insecure.ok || !securePreview.ok || !secureUp.ok) {
        return EXIT_FAILURE;
    }
    const found = insecure.report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const secureMandatory = securePreview.report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const secureUpFindings = secureUp.report.violations.length;
    if (found > 0 && secureMandatory === 0 && secureUpFindings === 0) {
        io.stdout(
            `demo OK: insecure-api has ${found} mandatory findings (checking it on its own exits 1); ` +
                "secure-api has none in preview and is clean in up mode.\n",
        );
        return 0;
    }
    io.stdout(
        `demo: unexpected result: insecure-api ${found} mandatory findings; secure-api ${secureMandatory} mandatory in preview, ` +
            `${secureUpFindings} findings in up mode.\n`,
    );
    return 1;
}

export async function main(argv: string[], io: Io): Promise<number> {
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
