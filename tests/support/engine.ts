// The real Pulumi CLI for tests: the engine the project builds (built first when absent), a throw-away workspace per
// describe (temporary PULUMI_HOME, file backend, passphrase secrets), the offline AWS provider first on PATH, and the
// policy pack installed the way the CLI installs a published pack (its own folder, its own npm install).
import * as path from "path";
import { ensureEngine, engineBinDir, offlineAwsBinDir } from "../../runner/engine/locate";
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

/** One workspace for the enclosing describe, removed after it. */
export function useEngine(): EngineHarness {
    let ws: EngineWorkspace | undefined;
    before(function () {
        this.timeout(30 * 60_000); // a first build of the engine takes minutes
        const bin = ensureEngine();
        installedPolicyPack();
        ws = EngineWorkspace.create(bin, [offlineAwsBinDir()]);
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


/** The last operation's policy findings as sorted `<level> <policy> <urn>` lines, as tests/runner/helpers' findingsOf. */
export function engineFindings(r: OperationResult): string[] {
    return findingsOf(r.events, [])
        .violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn}`)
        .sort();
}

/** Error diagnostics of the last operation other than the engine's own "preview failed"/"update failed" verdict. */
export function engineErrors(r: OperationResult): string[] {
    return findingsOf(r.events, []).errors.filter((e) => !/^(preview|update) failed$/.test(e));
}
