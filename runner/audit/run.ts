// `authguard audit`: runs a policy pack over the resources recorded in stack state files, through the same Analyzer
// path as `authguard check`, without running a program or calling a provider.
//
// One pack process serves the whole run. Stacks go through it strictly one after another, each as one engine
// operation: ConfigureStack (the stack's project, name and organization) and Configure (the policy config), then
// Remediate (only when a policy is at level remediate; the result is reported, never applied) and Analyze for every
// resource with its recorded inputs, then one AnalyzeStack with the recorded outputs. A pack may keep state for the
// length of an operation (apigw-api-key-hygiene remembers, per URN, what Analyze saw until AnalyzeStack): running
// stacks one at a time and always ending a started operation with AnalyzeStack (an empty one after a failure) keeps
// one stack's state out of the next. The next file is read and parsed while the current stack is analyzed; at most
// two stacks are held in memory, whatever the number of files.
import {
    AnalyzerSession,
    PackPolicyInfo,
    PolicyConfigError,
    PolicyPackConfigFile,
    PolicyPackError,
    PolicyPackProcess,
    PolicyViolation,
    Remediation,
    loadPolicyPackConfig,
} from "../analyzer";
import { ResourceRecord } from "../resource-records";
import { ensureBundledPackBuilt } from "../pack-build";
import { isUndecidedInPreview } from "../report";
import { AuditInputError } from "./errors";
import { maskSecrets } from "./properties";
import { AuditStack, toAuditStack } from "./snapshot";
import { stackSources } from "./sources";
import { readStackFile } from "./state-file";

export interface AuditOptions {
    /** Files and folders, as given on the command line. */
    paths: string[];
    packDir: string;
    /** A `--policy-pack-config` file. */
    policyPackConfig?: string;
    /** Analyze calls in flight at once within a stack (default 8). */
    window?: number;
}

export interface PackInfo {
    name: string;
    version: string;
    policies: PackPolicyInfo[];
}

/**
 * What a stack would meet if the pack were enforced on its next deployment: `fails` (a mandatory violation),
 * `unverified` (no mandatory violation, but a mandatory policy could not verify something, e.g. an encrypted secret),
 * `passes`.
 */
export type Verdict = "fails" | "unverified" | "passes";

export interface AuditedStack {
    file: string;
    project: string;
    stack: string;
    organization?: string;
    pack: PackInfo;
    records: ResourceRecord[];
    violations: PolicyViolation[];
    remediations: Remediation[];
    /** Findings that say a policy could not verify a resource (values unknown or encrypted in the state). */
    unverified: number;
    verdict: Verdict;
    pendingDeletes: number;
    encryptedSecrets: number;
    ms: number;
}

export interface StackFailure {
    file: string;
    project?: string;
    stack?: string;
    /** An AuditInputError code, or PACK_RPC_FAILED when the pack failed on this stack. */
    code: string;
    message: string;
    urn?: string;
}

export type StackOutcome = { ok: true; stack: AuditedStack } | { ok: false; failure: StackFailure };

/** A failure that ends the whole run: the pack or its config. */
export class AuditRunError extends Error {
    constructor(
        readonly kind: "pack" | "config",
        message: string,
        readonly file?: string,
    ) {
        super(message);
    }
}

type Loaded = { ok: true; stack: AuditStack } | { ok: false; failure: StackFailure };

async function load(file: string): Promise<Loaded> {
    try {
        return { ok: true, stack: toAuditStack(await readStackFile(file)) };
    } catch (e) {
        if (e instanceof AuditInputError) return { ok: false, failure: { file, code: e.code, message: e.message, urn: e.urn } };
        throw e;
    }
}

/**
 * Audits every stack under `opts.paths`, handing each outcome to `onStack` as soon as it is known (and then letting it
 * go). Throws AuditRunError when the pack cannot start, its config is invalid, or it stops answering.
 */
export async function runAudit(opts: AuditOptions, onStack: (outcome: StackOutcome) => void | Promise<void>): Promise<void> {
    let policyConfig: PolicyPackConfigFile | undefined;
    if (opts.policyPackConfig) {
        try {
            policyConfig = loadPolicyPackConfig(opts.policyPackConfig);
        } catch (e) {
            if (e instanceof PolicyConfigError) throw new AuditRunError("config", e.message, opts.policyPackConfig);
            throw e;
        }
    }
    try {
        ensureBundledPackBuilt(opts.packDir);
    } catch (e) {
        throw new AuditRunError("pack", (e as Error).message, opts.packDir);
    }
    let pack: PolicyPackProcess;
    try {
        // No project or stack in the pack's environment: the process serves many; ConfigureStack names each.
        pack = await PolicyPackProcess.start({ packDir: opts.packDir, project: "", stack: "", dryRun: false });
    } catch (e) {
        if (e instanceof PolicyPackError) throw new AuditRunError("pack", e.message, opts.packDir);
        throw e;
    }
    try {
        const sources = stackSources(opts.paths);
        const next = async (): Promise<Loaded | undefined> => {
            const item = await sources.next();
            if (item.done) return undefined;
            const src = item.value;
            if ("error" in src) return { ok: false, failure: { file: src.file, code: src.error.code, message: src.error.message } };
            return load(src.file);
        };
        let upcoming = next();
        for (;;) {
            const current = await upcoming;
            if (!current) break;
            upcoming = next();
            upcoming.catch(() => undefined); // surfaced when awaited
            if (!current.ok) {
                await onStack(current);
                continue;
            }
            await onStack(await auditStack(pack, current.stack, policyConfig, opts.window ?? 8));
        }
    } finally {
        await pack.close();
    }
}

async function auditStack(pack: PolicyPackProcess, st: AuditStack, policyConfig: PolicyPackConfigFile | undefined, window: number): Promise<StackOutcome> {
    const started = Date.now();
    let session: AnalyzerSession;
    try {
        session = await AnalyzerSession.open(pack, {
            project: st.project,
            stack: st.stack,
            organization: st.organization,
            dryRun: false,
            policyConfig,
        });
    } catch (e) {
        if (e instanceof PolicyConfigError) throw new AuditRunError("config", e.message);
        if (e instanceof PolicyPackError) throw new AuditRunError("pack", `policy pack: ${e.message}`);
        throw e;
    }
    const remediates = [...session.levels.values()].includes("remediate");
    const perResource: Array<{ violations: PolicyViolation[]; remediations: Remediation[] }> = new Array(st.records.length);
    let stackViolations: PolicyViolation[];
    try {
        await forEachWindowed(st.records, window, async (record, i) => {
            const violations: PolicyViolation[] = [];
            let remediations: Remediation[] = [];
            if (remediates) {
                // As `pulumi policy analyze` does: report what a remediation would change, analyze the state as it is.
                const r = await session.remediate(record);
                violations.push(...r.violations);
                remediations = r.remediations;
            }
            violations.push(...(await session.analyze(record)));
            perResource[i] = { violations, remediations };
        });
        stackViolations = st.records.length > 0 ? await session.analyzeStack(st.records) : [];
    } catch (e) {
        if (!(e instanceof PolicyPackError)) throw e;
        // End the operation so nothing the pack kept for this stack reaches the next one; if the pack cannot even
        // do that, it is gone and the run ends.
        try {
            await session.analyzeStack([]);
        } catch {
            throw new AuditRunError("pack", `policy pack stopped answering while auditing ${st.file}: ${e.message}`);
        }
        return { ok: false, failure: { file: st.file, project: st.project, stack: st.stack, code: e.code, message: `${st.file}: ${e.message}` } };
    }
    const mask = (v: PolicyViolation): PolicyViolation => ({
        ...v,
        message: maskSecrets(v.message, st.secrets.plaintexts),
        description: maskSecrets(v.description, st.secrets.plaintexts),
    });
    const violations = [...perResource.flatMap((r) => r.violations), ...stackViolations].map(mask);
    const undecided = violations.filter(isUndecidedInPreview);
    const enforcedLevel = (policy: string) => session.levels.get(policy);
    const verdict: Verdict = violations.some((v) => v.enforcementLevel === "mandatory")
        ? "fails"
        : undecided.some((v) => ["mandatory", "remediate"].includes(enforcedLevel(v.policyName) ?? ""))
          ? "unverified"
          : "passes";
    return {
        ok: true,
        stack: {
            file: st.file,
            project: st.project,
            stack: st.stack,
            organization: st.organization,
            pack: session.info,
            records: st.records,
            violations,
            remediations: perResource.flatMap((r) => r.remediations),
            unverified: undecided.length,
            verdict,
            pendingDeletes: st.pendingDeletes,
            encryptedSecrets: st.secrets.encrypted,
            ms: Date.now() - started,
        },
    };
}

/** Runs `fn` over `items` with at most `window` calls in flight; rejects with the first error after all settle. */
async function forEachWindowed<T>(items: T[], window: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
    let nextIndex = 0;
    let firstError: unknown;
    let failed = false;
    const worker = async () => {
        while (!failed && nextIndex < items.length) {
            const i = nextIndex++;
            try {
                await fn(items[i], i);
            } catch (e) {
                if (!failed) {
                    failed = true;
                    firstError = e;
                }
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(window, items.length) }, worker));
    if (failed) throw firstError;
}
