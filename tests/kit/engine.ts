// The real Pulumi CLI for tests: the engine the project builds (built first when absent), a throw-away workspace per
// describe (temporary PULUMI_HOME, file backend, passphrase secrets), the offline AWS provider first on PATH, and the
// policy pack installed the way the CLI installs a published pack (its own folder, its own npm install).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT, ensureEngine, engineBinDir, offlineAwsBinDir } from "../../runner/engine/locate";
import { installPolicyPack } from "../../runner/engine/pack-install";
import { findingsOf } from "../../runner/engine/report";
import { EngineWorkspace, OperationResult, StagedStack } from "../../runner/engine/workspace";
import { POLICYPACK_DIR } from "./pack";

let installedPack: string | undefined;

/** The pack as `pulumi policy publish` ships it, installed once per test process (cached by its sources' hash). */
export function installedPolicyPack(): string {
    installedPack ??= installPolicyPack(POLICYPACK_DIR, path.join(path.dirname(path.dirname(engineBinDir())), "packs"));
    return installedPack;
}

/**
 * The folder of Pulumi YAML's language host, which `npm run engine:build` builds beside the engine (engine/build.sh,
 * run now when the host is absent, e.g. in a cache filled before the script built it).
 */
export function ensureYamlHost(): string {
    const script = path.join(REPO_ROOT, "engine", "build.sh");
    const dir = execFileSync("bash", [script, "--print-yaml-host-dir"], { encoding: "utf8" }).trim();
    if (!fs.existsSync(path.join(dir, "pulumi-language-yaml"))) {
        execFileSync("bash", [script], { stdio: ["ignore", process.stderr, process.stderr] });
    }
    return dir;
}

export interface EngineHarness {
    readonly workspace: EngineWorkspace;
    /** Creates a stack for programDir (config staged, never written into programDir). */
    stack(programDir: string, stack: string, config?: Record<string, string>): Promise<StagedStack>;
    /** `pulumi preview` / `pulumi up --yes` with the installed pack (unless `policyPacks` says otherwise). */
    run(
        kind: "preview" | "up",
        programDir: string,
        stack: StagedStack,
        opts?: { policyPackConfig?: string; args?: string[]; policyPacks?: string[]; env?: Record<string, string> },
    ): Promise<OperationResult>;
}

export interface EngineOptions {
    /** More plugin folders on PATH, after the offline AWS provider's and ahead of the engine's (providers, language hosts). */
    pluginDirs?: string[];
    /** More environment for every run. */
    env?: Record<string, string>;
}

/**
 * One workspace for the enclosing describe, removed after it. `options` may be a function, called in the before hook,
 * for plugin folders that are built on demand.
 */
export function useEngine(options: EngineOptions | (() => EngineOptions) = {}): EngineHarness {
    let ws: EngineWorkspace | undefined;
    before(function () {
        this.timeout(30 * 60_000); // a first build of the engine takes minutes
        const bin = ensureEngine();
        installedPolicyPack();
        const { pluginDirs = [], env = {} } = typeof options === "function" ? options() : options;
        // Node.js programs run transpile-only, as under `authguard check` (runner/program/host.ts): the specs compare
        // findings, `npm run typecheck` checks the examples' types, and type-checking @pulumi/aws again in every
        // operation was half of each operation's CPU time.
        ws = EngineWorkspace.create(bin, [offlineAwsBinDir(), ...pluginDirs], { PULUMI_NODEJS_TRANSPILE_ONLY: "true", ...env });
    });
    after(() => ws?.dispose());
    const workspace = (): EngineWorkspace => {
        if (!ws) throw new Error("the engine workspace was not created (see the before hook's error)");
        return ws;
    };
    return {
        get workspace() {
            return workspace();
        },
        stack: (programDir, stack, config) => workspace().stageStack(programDir, stack, config),
        run: (kind, programDir, stack, opts = {}) =>
            workspace().operation(kind, programDir, {
                stack,
                policyPacks: opts.policyPacks ?? [installedPolicyPack()],
                policyPackConfigs: opts.policyPackConfig ? [opts.policyPackConfig] : [],
                args: opts.args,
                env: opts.env,
            }),
    };
}

/**
 * A copy of `programDir` (a folder of this repository) at the same place in a mirror of the repository inside the
 * workspace, whose other top-level entries link to the repository's: relative paths the program uses
 * (`../../components`) and its node_modules resolve as in place, while stack config and generated SDKs are never
 * written into the repository.
 */
export function copyProgram(ws: EngineWorkspace, programDir: string): string {
    const rel = path.relative(REPO_ROOT, programDir);
    const top = rel.split(path.sep)[0];
    const mirror = fs.mkdtempSync(path.join(ws.dir, "repo-"));
    for (const entry of fs.readdirSync(REPO_ROOT)) {
        if (entry !== top && entry !== ".git") fs.symlinkSync(path.join(REPO_ROOT, entry), path.join(mirror, entry));
    }
    const target = path.join(mirror, rel);
    fs.cpSync(programDir, target, {
        recursive: true,
        filter: (src) => {
            if (path.basename(src) === "node_modules") {
                // A program's own dependencies (a fixture pinning older SDKs) are linked, not copied.
                const link = path.join(target, path.relative(programDir, src));
                fs.mkdirSync(path.dirname(link), { recursive: true });
                fs.symlinkSync(src, link);
                return false;
            }
            return !/\/(venv|sdks|__pycache__)$/.test(src);
        },
    });
    return target;
}

/** The Policies section of each operation in a CLI output (`pulumi up` prints one for its preview and one for its update). */
export function policiesSections(out: string): string[] {
    return out
        .split(/\nPolicies:\n/)
        .slice(1)
        .map((s) => s.split(/\n(?:Diagnostics|Outputs|Resources|Duration):/)[0]);
}

export interface StateResource {
    urn: string;
    type: string;
    outputs?: Record<string, unknown>;
}

/** The resources of the stack's state (`pulumi stack export`). */
export async function stateResources(ws: EngineWorkspace, program: string): Promise<StateResource[]> {
    const state = JSON.parse((await ws.ok(["stack", "export"], program)).stdout) as { deployment: { resources: StateResource[] } };
    return state.deployment.resources;
}

/** The last operation's policy findings as sorted `<level> <policy> <urn>` lines, as tests/kit/runner.ts' findingsOf. */
export function engineFindings(r: OperationResult): string[] {
    return findingsOf(r.events, [])
        .violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn}`)
        .sort();
}

/** Error diagnostics of the last operation other than the engine's own "preview failed"/"update failed" verdict. */
export function engineErrors(r: OperationResult): string[] {
    return findingsOf(r.events, []).errors.filter((e) => !/^(preview|update) failed$/.test(e));
}
