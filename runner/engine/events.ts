// The Pulumi CLI's engine event log (`--event-log <file>`): one JSON `apitype.EngineEvent` per line. It is the CLI's
// machine-readable record of an operation; `pulumi preview --json` leaves policy events out of its digest
// (pkg/backend/display/json.go), so policy findings are read from here. Only the fields authguard reads are typed.
import * as fs from "fs";

export interface StepMetadata {
    op: string;
    urn: string;
    type: string;
    provider?: string;
    old?: StepState | null;
    new?: StepState | null;
}

export interface StepState {
    type: string;
    urn: string;
    custom?: boolean;
    id?: string;
    parent?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    provider?: string;
}

export interface EngineEvent {
    sequence: number;
    timestamp: number;
    diagnosticEvent?: { urn?: string; prefix?: string; message: string; severity: string; ephemeral?: boolean };
    preludeEvent?: { config?: Record<string, unknown> };
    summaryEvent?: {
        maybeCorrupt: boolean;
        durationSeconds: number;
        resourceChanges: Record<string, number>;
        PolicyPacks?: Record<string, string>;
        isPreview?: boolean;
    };
    resourcePreEvent?: { metadata: StepMetadata; planning?: boolean };
    resOutputsEvent?: { metadata: StepMetadata; planning?: boolean };
    resOpFailedEvent?: { metadata: StepMetadata; status: number; steps: number };
    policyEvent?: {
        resourceUrn?: string;
        message: string;
        policyName: string;
        policyPackName: string;
        policyPackVersion: string;
        enforcementLevel: string;
        severity?: string;
    };
    policyRemediationEvent?: {
        resourceUrn?: string;
        policyName: string;
        policyPackName: string;
        policyPackVersion: string;
        before?: Record<string, unknown>;
        after?: Record<string, unknown>;
    };
    policyLoadEvent?: Record<string, never>;
    /** Per resource and pack: the policies that passed and failed Analyze. */
    policyAnalyzeSummaryEvent?: { resourceUrn: string; policyPackName: string; passed?: string[]; failed?: string[] };
    policyAnalyzeStackSummaryEvent?: { policyPackName: string; passed?: string[]; failed?: string[] };
    errorEvent?: { error: string };
    cancelEvent?: Record<string, never>;
}

/** The events of a log file; an absent file (the CLI stopped before the engine ran) is no events. */
export function readEventLog(file: string): EngineEvent[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch {
        return [];
    }
    const events: EngineEvent[] = [];
    for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        events.push(JSON.parse(line) as EngineEvent);
    }
    return events.sort((a, b) => a.sequence - b.sequence);
}
