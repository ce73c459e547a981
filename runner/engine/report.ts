// Turns the engine's event log into authguard's report model (runner/report), so `--engine pulumi` prints the same
// text, JSON and SARIF, with the same exit codes, as the default runner.
import { PackPolicyInfo, PolicyViolation, Remediation } from "../analyzer";
import { urnName } from "../resource-records";
import { ReportResource } from "../report";
import { EngineEvent } from "./events";

/** The CLI's message text carries colour directives (`<{%reset%}>`); the report wants plain text. */
export function plainText(s: string): string {
    return s.replace(/<\{%[^%]*%\}>/g, "").replace(/\s+$/, "");
}

/**
 * The events of the operation that ran last. `pulumi up` without --skip-preview logs its preview and then its update;
 * each starts with a prelude event. A preview that failed ends the log, so its events are the last ones.
 */
export function lastOperation(events: EngineEvent[]): EngineEvent[] {
    let start = 0;
    events.forEach((e, i) => {
        if (e.preludeEvent) start = i;
    });
    return events.slice(start);
}

export interface EngineFindings {
    violations: PolicyViolation[];
    remediations: Remediation[];
    resources: ReportResource[];
    /** Error diagnostics of the operation (e.g. "preview failed", a program error). */
    errors: string[];
    /** Pack name → version, as the engine's summary lists the packs that ran. */
    packs: Record<string, string>;
    /** Whether the operation's summary event arrived (the engine finished rather than crashed). */
    finished: boolean;
}

/**
 * Findings of one operation. `policies` (the pack's GetAnalyzerInfo) supplies each policy's description; the
 * engine's message is the SDK's `description + "\n" + detail`. The engine reports REMEDIATE diagnostics as
 * mandatory. The engine analyzes a resource before its step starts and runs AnalyzeStack after every step has
 * finished, so a policy event after the last resource event comes from AnalyzeStack.
 */
export function findingsOf(events: EngineEvent[], policies: PackPolicyInfo[]): EngineFindings {
    const op = lastOperation(events);
    let lastResourceEvent = -1;
    op.forEach((e, i) => {
        if (e.resourcePreEvent || e.resOutputsEvent || e.resOpFailedEvent) lastResourceEvent = i;
    });
    const describe = new Map(policies.map((p) => [p.name, p.description]));
    const resources: ReportResource[] = [];
    const seen = new Set<string>();
    for (const e of op) {
        const meta = e.resourcePreEvent?.metadata;
        if (!meta || seen.has(meta.urn) || meta.op === "delete" || meta.op === "read") continue;
        seen.add(meta.urn);
        const state = meta.new ?? meta.old;
        const r: ReportResource = { urn: meta.urn, type: meta.type, name: urnName(meta.urn), custom: state?.custom === true };
        if (state?.parent) r.parent = state.parent;
        resources.push(r);
    }
    const violations: PolicyViolation[] = [];
    const remediations: Remediation[] = [];
    const errors: string[] = [];
    let packs: Record<string, string> = {};
    let finished = false;
    for (const [i, e] of op.entries()) {
        const p = e.policyEvent;
        if (p) {
            const level = p.enforcementLevel === "mandatory" || p.enforcementLevel === "remediate" ? "mandatory" : "advisory";
            const v: PolicyViolation = {
                packName: p.policyPackName,
                packVersion: p.policyPackVersion,
                policyName: p.policyName,
                description: describe.get(p.policyName) ?? "",
                message: plainText(p.message),
                enforcementLevel: level,
                urn: p.resourceUrn ?? "",
                stage: i > lastResourceEvent ? "analyzeStack" : "analyze",
            };
            if (p.severity) v.severity = p.severity;
            violations.push(v);
        }
        const rem = e.policyRemediationEvent;
        if (rem) {
            remediations.push({ policyName: rem.policyName, urn: rem.resourceUrn ?? "", before: (rem.before ?? {}) as never, after: (rem.after ?? {}) as never });
        }
        const d = e.diagnosticEvent;
        if (d && d.severity === "error") errors.push(plainText(d.message));
        if (e.summaryEvent) {
            finished = true;
            packs = e.summaryEvent.PolicyPacks ?? {};
        }
    }
    return { violations, remediations, resources, errors, packs, finished };
}
