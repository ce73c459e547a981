// One engine operation's analysis (a preview, or the update of `pulumi up`), the single path every caller takes:
// `authguard check` pushes each registration as the program makes it, tests and benchmarks push a recorded stack
// (AnalyzerSession.analyzeAll). Each resource is handled as the engine's step generator handles it when it is
// registered (Remediate when a policy is at level remediate, the result applied in memory, then Analyze); once every
// resource is in, one AnalyzeStack sees the final records with the remediated inputs applied.
import { ResourceRecord } from "../resource-records";
import type { AnalysisResult, AnalyzerSession, PolicyViolation, Remediation } from "./session";

type ResourceFindings = { violations: PolicyViolation[]; remediations: Remediation[] };

/**
 * How many resources may be in flight at once. The pack answers each call independently (the engine, too, analyzes
 * every resource on its own), so a small window only hides the round-trip latency. AUTHGUARD_ANALYZE_WINDOW overrides
 * it for measurements.
 */
export function analyzeWindow(): number {
    return Number(process.env.AUTHGUARD_ANALYZE_WINDOW ?? "") || 4;
}

export class OperationAnalysis {
    private readonly slots: Array<ResourceFindings | undefined> = [];
    private readonly queue: Array<{ index: number; record: ResourceRecord }> = [];
    private running = 0;
    private error: unknown;
    private hasError = false;
    private idle: Array<() => void> = [];
    /** URN → the record after remediation, for the AnalyzeStack view. */
    private readonly remediated = new Map<string, ResourceRecord>();
    /** Wall time during which at least one Remediate/Analyze call was in flight. */
    private busyMs = 0;
    private busySince = 0;

    /**
     * @param session the configured session, or its opening: resources may be pushed while the pack still starts
     * (the engine loads policy packs while the program runs).
     */
    constructor(
        private readonly session: AnalyzerSession | Promise<AnalyzerSession>,
        private readonly window = analyzeWindow(),
    ) {}

    /** Queues one registration; results keep registration order whatever order the calls finish in. */
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
            this.analyzeOne(item.record)
                .then(
                    (result) => {
                        this.slots[item.index] = result;
                    },
                    (e: unknown) => {
                        if (!this.hasError) {
                            this.hasError = true;
                            this.error = e;
                        }
                    },
                )
                .finally(() => {
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

    private async analyzeOne(record: ResourceRecord): Promise<ResourceFindings> {
        const result = await (await this.session).processResource(record);
        if (result.record !== record) this.remediated.set(record.urn, result.record);
        return result;
    }

    /** Waits for every queued call, ignoring errors (before stopping the pack on a failure elsewhere). */
    async settle(): Promise<void> {
        if (this.running > 0 || (this.queue.length > 0 && !this.hasError)) {
            await new Promise<void>((resolve) => this.idle.push(resolve));
        }
    }

    /**
     * Ends the operation: waits for every queued call (throwing the first error), then AnalyzeStack once over
     * `records`, the final records in registration order (the program's outputs are only final once it has ended).
     */
    async complete(records: ResourceRecord[]): Promise<AnalysisResult> {
        await this.settle();
        if (this.hasError) {
            throw this.error;
        }
        const session = await this.session;
        const stackStarted = Date.now();
        const stackViolations = await session.analyzeStack(records.map((r) => this.remediated.get(r.urn) ?? r));
        const analyzeStackMs = Date.now() - stackStarted;
        const findings = this.slots.map((s) => s ?? { violations: [], remediations: [] });
        return {
            pack: session.info,
            violations: [...findings.flatMap((s) => s.violations), ...stackViolations],
            remediations: findings.flatMap((s) => s.remediations),
            logs: session.pack.logs,
            timings: { startMs: session.pack.startMs, configureMs: session.configureMs, analyzeMs: this.busyMs, analyzeStackMs },
        };
    }
}
