// `authguard check --engine pulumi <dir>`: the program runs under the real Pulumi CLI (`pulumi preview`, or
// `pulumi up --yes --skip-preview` for --mode up, both of them one after the other for the default --mode both) in a
// throw-away workspace, with the offline AWS provider and the
// policy pack given by --policy-pack; the engine's event log becomes the same report the default runner produces.
// Any language the CLI has a language host for works: the program is the CLI's business.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { AnalyzerSession, PackPolicyInfo, PolicyPackProcess } from "../analyzer";
import { BUNDLED_PACK_DIR, ensureBundledPackBuilt } from "../pack-build";
import { findProjectFile, pickStack } from "../program/project";
import { CheckFailure, CheckReport, CheckMode, View, displayPath, mergeViews } from "../report";
import { EngineNotFoundError, locateEngine, offlineAwsBinDir } from "./locate";
import { findingsOf } from "./report";
import { EngineWorkspace } from "./workspace";

export interface EngineCheckOptions {
    programDir: string;
    mode: CheckMode;
    policyPack?: string;
    policyPackConfig?: string;
    stack?: string;
    config?: Record<string, string>;
    timeoutMs?: number;
    tool: { name: string; version: string };
}

export type EngineCheckOutcome = { ok: true; report: CheckReport } | { ok: false; failure: CheckFailure };

/** The pack's policies (GetAnalyzerInfo), for the report's descriptions and SARIF rules. */
async function packPolicies(packDir: string, project: string, stack: string): Promise<{ name: string; version: string; policies: PackPolicyInfo[] }> {
    const pack = await PolicyPackProcess.start({ packDir, project, stack, dryRun: true });
    try {
        const session = await AnalyzerSession.open(pack, { project, stack, dryRun: true });
        await session.cancel();
        return session.info;
    } finally {
        await pack.close();
    }
}

function nodeSdkVersion(programDir: string): string {
    try {
        const file = require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] });
        return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
    } catch {
        return "";
    }
}

/**
 * The default run (--mode both) is the verdict `pulumi up` would reach, as for the built-in runner: a first preview,
 * then an update with known values, merged as the built-in runner merges its two views. A preview alone would miss
 * what only known values show (an OpenAPI body built with apply), which would be a false pass.
 */
export async function runEngineCheck(opts: EngineCheckOptions): Promise<EngineCheckOutcome> {
    if (opts.mode !== "both") return runEngineView(opts, opts.mode);
    const preview = await runEngineView(opts, "preview");
    if (!preview.ok) return preview;
    const up = await runEngineView(opts, "up");
    if (!up.ok) return { ok: false, failure: { ...up.failure, message: `the up view (values known): ${up.failure.message}` } };
    return { ok: true, report: mergeViews(preview.report, up.report) };
}

async function runEngineView(opts: EngineCheckOptions, view: View): Promise<EngineCheckOutcome> {
    const { tool } = opts;
    const fail = (kind: string, message: string, extra: Partial<CheckFailure> = {}): EngineCheckOutcome => ({
        ok: false,
        failure: { tool, kind, message, ...extra },
    });
    let engine;
    try {
        engine = locateEngine();
    } catch (e) {
        if (e instanceof EngineNotFoundError) return fail("engine", e.message);
        throw e;
    }
    const programDir = path.resolve(opts.programDir);
    const projectFile = findProjectFile(programDir);
    if (!projectFile) return fail("program", `no Pulumi.yaml in ${programDir}: authguard check needs a Pulumi project directory`, { file: programDir });
    const project = YAML.parse(fs.readFileSync(projectFile, "utf8")) as { name?: string; main?: string; runtime?: unknown };
    if (typeof project?.name !== "string") return fail("program", `${projectFile} has no project name (name: ...)`, { file: projectFile });
    const stack = pickStack(programDir, opts.stack);

    const packDir = path.resolve(opts.policyPack ?? BUNDLED_PACK_DIR);
    const packDisplay = opts.policyPack ? path.normalize(opts.policyPack) : displayPath(BUNDLED_PACK_DIR);
    let info;
    try {
        ensureBundledPackBuilt(packDir);
        info = await packPolicies(packDir, project.name, stack);
    } catch (e) {
        return fail("pack", `policy pack ${packDisplay}: ${(e as Error).message}`, { file: packDir });
    }

    const ws = EngineWorkspace.create(engine.binDir, [offlineAwsBinDir()]);
    try {
        let staged;
        try {
            staged = await ws.stageStack(programDir, stack, opts.config);
        } catch (e) {
            return fail("program", (e as Error).message, { file: projectFile });
        }
        const result = await ws.operation(view, programDir, {
            stack: staged,
            policyPacks: [packDir],
            policyPackConfigs: opts.policyPackConfig ? [path.resolve(opts.policyPackConfig)] : [],
            // An update straight away: its findings see the deployed values, as --mode up does.
            args: view === "up" ? ["--skip-preview"] : [],
            timeoutMs: opts.timeoutMs,
        });
        const found = findingsOf(result.events, info.policies);
        const mandatory = found.violations.some((v) => v.enforcementLevel === "mandatory");
        // Errors besides the engine's own verdict on a mandatory violation mean the run is incomplete (the program
        // threw, a plugin is missing): a partial set of findings is never reported as the answer.
        const otherErrors = found.errors.filter((e) => !/^(preview|update) failed$/.test(e));
        if ((result.code !== 0 && !mandatory) || otherErrors.length > 0) {
            // The CLI failed for another reason than a policy: the program, a plugin, the config.
            const why = [...otherErrors, result.stderr.trim()].filter(Boolean).join("\n") || `exit code ${result.code}`;
            const kind = /policy pack config|policy-pack-config|validating policy config/i.test(why) ? "config" : "engine";
            return fail(kind, `${result.command.split(" --event-log")[0]} failed in ${displayPath(programDir)}: ${why}`, {
                file: kind === "config" ? opts.policyPackConfig : programDir,
                details: `${result.stdout}\n${result.stderr}`.trim() || undefined,
            });
        }
        const report: CheckReport = {
            tool,
            mode: view,
            program: {
                dir: programDir,
                project: project.name,
                stack,
                main: path.resolve(programDir, typeof project.main === "string" ? project.main : "."),
                pulumiSdkVersion: nodeSdkVersion(programDir),
            },
            policyPack: { name: info.name, version: info.version, path: packDisplay, policies: info.policies },
            resources: found.resources,
            violations: found.violations,
            remediations: found.remediations,
        };
        return { ok: true, report };
    } finally {
        ws.dispose();
    }
}
