// Drives the real policy pack process over gRPC for tests. One process per spec file (start-up costs seconds);
// each `analyze` call opens a fresh session (ConfigureStack, GetPluginInfo, GetAnalyzerInfo, Configure with the
// given config reconciled over every policy, exactly as the CLI sends it) and then Remediate/Analyze/AnalyzeStack.
import * as path from "path";
import { AnalysisResult, AnalyzerSession, parsePolicyPackConfig, PolicyPackProcess, PolicyViolation } from "../../runner/analyzer";
import { ResourceRecord } from "../../runner/resource-records";
import { ensureBundledPackBuilt } from "../../runner/pack-build";
import { PROJECT, STACK, StackBuilder } from "./stack";

export const POLICYPACK_DIR = path.resolve(__dirname, "../../policypack");

export class PackHarness {
    private constructor(readonly process: PolicyPackProcess) {}

    static async start(packDir = POLICYPACK_DIR): Promise<PackHarness> {
        ensureBundledPackBuilt(packDir);
        return new PackHarness(await PolicyPackProcess.start({ packDir, project: PROJECT, stack: STACK, dryRun: true }));
    }

    /** `config` is the content of a --policy-pack-config file. */
    async analyze(stack: StackBuilder | ResourceRecord[], opts: { config?: object; dryRun?: boolean } = {}): Promise<AnalysisResult> {
        const resources = stack instanceof StackBuilder ? stack.resources : stack;
        const session = await AnalyzerSession.open(this.process, {
            project: PROJECT,
            stack: STACK,
            dryRun: opts.dryRun ?? true,
            policyConfig: parsePolicyPackConfig(JSON.stringify(opts.config ?? {})),
        });
        return session.analyzeAll(resources);
    }

    async close(): Promise<void> {
        await this.process.close();
    }
}

/** `policy resource-name` pairs for compact assertions, sorted; optionally only one policy or level. */
export function findings(result: AnalysisResult, filter: { policy?: string; level?: PolicyViolation["enforcementLevel"] } = {}): string[] {
    return result.violations
        .filter((v) => (!filter.policy || v.policyName === filter.policy) && (!filter.level || v.enforcementLevel === filter.level))
        .map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn.split("::").pop()}`)
        .sort();
}

export function violationsOf(result: AnalysisResult, policy: string): PolicyViolation[] {
    return result.violations.filter((v) => v.policyName === policy);
}

/**
 * Starts the pack once for the enclosing `describe` (before/after hooks) and returns an `analyze` bound to it, so a
 * spec file needs no start/stop scaffolding of its own.
 */
export function usePack(packDir = POLICYPACK_DIR): Pick<PackHarness, "analyze"> {
    let harness: PackHarness | undefined;
    before(async () => {
        harness = await PackHarness.start(packDir);
    });
    after(async () => harness?.close());
    return {
        analyze: (stack, opts) => {
            if (!harness) throw new Error("the policy pack did not start (see the before hook's error)");
            return harness.analyze(stack, opts);
        },
    };
}

/** Shorthands for specs of one policy: run a stack in its mode, that policy's findings, a resource's message. */
export function policyHelpers(pack: Pick<PackHarness, "analyze">, policy: string) {
    return {
        run: (w: { s: StackBuilder; mode: "preview" | "up" }, config?: object): Promise<AnalysisResult> =>
            pack.analyze(w.s, { dryRun: w.mode === "preview", config }),
        mine: (r: AnalysisResult): string[] => findings(r, { policy }),
        message: (r: AnalysisResult, name: string): string => {
            const v = violationsOf(r, policy).find((x) => x.urn.endsWith(`::${name}`));
            if (!v) throw new Error(`no ${policy} violation on a resource named ${name}`);
            return v.message;
        },
    };
}
