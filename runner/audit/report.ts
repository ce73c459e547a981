// Output of `authguard audit`, written as stacks finish (nothing is kept per stack but one summary row):
//   text:  one block per stack in the `pulumi preview` Policies style of `authguard check`, then the summary table;
//   json:  one document, `{ schemaVersion, tool, command: "audit", stacks: [...], policyPack, summary, exitCode }`, whose
//          per-stack `violations` and `remediations` have exactly the shape of `authguard check --format json`;
//   sarif: one SARIF 2.1.0 log with one run per stack (as `authguard check` writes it, automation id
//          `authguard-audit/<project>/<stack>/`; a stack that could not be read is a run with executionSuccessful false),
//          and the summary in the log's properties (`authguardAudit`).
// Per-stack reports reuse runner/report: a stack becomes a CheckReport (mode `up`: state values are known) and goes
// through the same grouping, JSON and SARIF code.
import { CheckReport, countLevels, displayPath, groupByResource, resourceIndex, toJsonReport, toReportResources, toSarif, toSarifFailure, typeDisplayName } from "../report";
import { JsonViolation } from "../report/json";
import { AuditedStack, PackInfo, StackFailure, StackOutcome, Verdict } from "./run";

export type AuditFormat = "text" | "json" | "sarif";

export interface Tool {
    name: string;
    version: string;
}

export function stackLabel(s: { project?: string; stack?: string; file: string }): string {
    return s.project && s.stack ? `${s.project}/${s.stack}` : displayPath(s.file);
}

/** A stack as `authguard check` would report it, so the check reporters render it. */
export function toCheckReport(s: AuditedStack, tool: Tool, packPath: string): CheckReport {
    return {
        tool,
        mode: "up",
        program: { dir: s.file, project: s.project, stack: s.stack, main: s.file, pulumiSdkVersion: "" },
        policyPack: { name: s.pack.name, version: s.pack.version, path: packPath, policies: s.pack.policies },
        resources: toReportResources(s.records),
        violations: s.violations,
        remediations: s.remediations,
    };
}

interface Row {
    label: string;
    file: string;
    resources: number;
    mandatory: number;
    advisory: number;
    unverified: number;
    verdict: Verdict | "not audited";
    error?: string;
}

interface PolicyCount {
    policy: string;
    mandatory: number;
    advisory: number;
    stacks: number;
}

/** The run's summary: one small row per stack and one counter per policy. */
export class AuditSummary {
    readonly rows: Row[] = [];
    private readonly policies = new Map<string, PolicyCount>();
    pack?: PackInfo;
    /** Set when the run ended early (the pack stopped answering): the stacks after it were not audited. */
    aborted?: string;

    add(outcome: StackOutcome): void {
        if (!outcome.ok) {
            const f = outcome.failure;
            this.rows.push({ label: stackLabel(f), file: f.file, resources: 0, mandatory: 0, advisory: 0, unverified: 0, verdict: "not audited", error: f.message });
            return;
        }
        const s = outcome.stack;
        this.pack ??= s.pack;
        let mandatory = 0;
        let advisory = 0;
        const seen = new Set<string>();
        for (const v of s.violations) {
            let c = this.policies.get(v.policyName);
            if (!c) this.policies.set(v.policyName, (c = { policy: v.policyName, mandatory: 0, advisory: 0, stacks: 0 }));
            if (v.enforcementLevel === "mandatory") {
                mandatory++;
                c.mandatory++;
            } else {
                advisory++;
                c.advisory++;
            }
            if (!seen.has(v.policyName)) {
                seen.add(v.policyName);
                c.stacks++;
            }
        }
        this.rows.push({ label: stackLabel(s), file: s.file, resources: s.records.length, mandatory, advisory, unverified: s.unverified, verdict: s.verdict });
    }

    get exitCode(): number {
        if (this.aborted || this.rows.some((r) => r.verdict === "not audited")) return 2;
        return this.rows.some((r) => r.mandatory > 0) ? 1 : 0;
    }

    /** Policies by the number of stacks they fire in, then by findings. */
    mostCommon(limit = 10): PolicyCount[] {
        return [...this.policies.values()]
            .sort((a, b) => b.stacks - a.stacks || b.mandatory + b.advisory - (a.mandatory + a.advisory) || a.policy.localeCompare(b.policy))
            .slice(0, limit);
    }

    labels(verdict: Row["verdict"]): string[] {
        return this.rows.filter((r) => r.verdict === verdict).map((r) => r.label);
    }

    toJson(): Record<string, unknown> {
        const audited = this.rows.filter((r) => r.verdict !== "not audited");
        return {
            stacks: this.rows.length,
            audited: audited.length,
            notAudited: this.rows.length - audited.length,
            mandatory: audited.reduce((n, r) => n + r.mandatory, 0),
            advisory: audited.reduce((n, r) => n + r.advisory, 0),
            wouldFail: this.labels("fails"),
            unverified: this.labels("unverified"),
            notAuditedFiles: this.rows.filter((r) => r.verdict === "not audited").map((r) => ({ file: displayPath(r.file), message: r.error })),
            mostCommon: this.mostCommon(),
            ...(this.aborted ? { aborted: this.aborted } : {}),
            table: this.rows.map((r) => ({ stack: r.label, file: displayPath(r.file), resources: r.resources, mandatory: r.mandatory, advisory: r.advisory, unverified: r.unverified, verdict: r.verdict })),
        };
    }
}

/** Writes one format incrementally: `begin`, one `stack` per outcome, `end`. */
export interface AuditWriter {
    begin(): string;
    stack(outcome: StackOutcome): string;
    end(summary: AuditSummary): string;
}

export function writerFor(format: AuditFormat, tool: Tool, packPath: string): AuditWriter {
    switch (format) {
        case "json":
            return new JsonWriter(tool, packPath);
        case "sarif":
            return new SarifWriter(tool, packPath);
        default:
            return new TextWriter(tool, packPath);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// text

const INDENT_ITEM = "        ";
const INDENT_MSG = "          ";

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

const VERDICT_TEXT: Record<Row["verdict"], string> = {
    fails: "would fail",
    unverified: "could not verify",
    passes: "passes",
    "not audited": "not audited",
};

class TextWriter implements AuditWriter {
    constructor(
        private readonly tool: Tool,
        private readonly packPath: string,
    ) {}

    begin(): string {
        return "";
    }

    stack(outcome: StackOutcome): string {
        if (!outcome.ok) return `✗ ${stackLabel(outcome.failure)}: not audited: ${outcome.failure.message}\n\n`;
        const s = outcome.stack;
        const report = toCheckReport(s, this.tool, this.packPath);
        const { mandatory, advisory } = countLevels(report);
        const mark = mandatory > 0 ? "❌" : advisory > 0 ? "⚠️" : "✅";
        const counts = s.violations.length === 0 ? "no policy violations" : `${mandatory} mandatory, ${advisory} advisory`;
        const notes = [
            s.pendingDeletes > 0 ? `${plural(s.pendingDeletes, "resource")} pending deletion skipped` : "",
            s.encryptedSecrets > 0 ? `${plural(s.encryptedSecrets, "encrypted secret")} not readable offline` : "",
        ].filter(Boolean);
        const lines = [`${mark} ${stackLabel(s)} (${displayPath(s.file)}): ${plural(s.records.length, "resource")}, ${counts}${notes.length ? `; ${notes.join(", ")}` : ""}`];
        const index = resourceIndex(report);
        const clause = (urn: string) => {
            const r = index.get(urn);
            return r ? `  (${typeDisplayName(r.type)}: ${r.name})` : "";
        };
        for (const r of toJsonReport(report).remediations) {
            lines.push(`${INDENT_ITEM}- [remediate]  ${r.policy}  would change ${r.changedProperties.join(", ") || "nothing"}${clause(r.urn)}`);
        }
        for (const group of groupByResource(report)) {
            for (const v of group.violations) {
                const severity = v.severity ? ` [severity: ${v.severity}]` : "";
                lines.push(`${INDENT_ITEM}- [${v.enforcementLevel}]${severity}  ${v.policyName}${clause(group.urn)}`);
                for (const line of v.message.replace(/\s+$/, "").split("\n")) lines.push(line === "" ? "" : `${INDENT_MSG}${line}`);
            }
        }
        return lines.join("\n") + "\n\n";
    }

    end(summary: AuditSummary): string {
        const lines: string[] = [];
        const rows = summary.rows;
        const audited = rows.filter((r) => r.verdict !== "not audited");
        const pack = summary.pack ? `${summary.pack.name}@v${summary.pack.version} (local: ${this.packPath})` : `the pack at ${this.packPath}`;
        lines.push(`Summary: ${plural(rows.length, "stack")}, ${audited.length} audited${rows.length > audited.length ? `, ${rows.length - audited.length} not audited` : ""}, with ${pack}.`);
        if (rows.length > 0) {
            const order: Record<Row["verdict"], number> = { fails: 0, unverified: 1, "not audited": 2, passes: 3 };
            const sorted = [...rows].sort((a, b) => order[a.verdict] - order[b.verdict] || b.mandatory - a.mandatory || b.advisory - a.advisory || a.label.localeCompare(b.label));
            const table = [["STACK", "RESOURCES", "MANDATORY", "ADVISORY", "UNVERIFIED", "IF ENFORCED TODAY", "FILE"]];
            for (const r of sorted) {
                table.push([r.label, String(r.resources), String(r.mandatory), String(r.advisory), String(r.unverified), VERDICT_TEXT[r.verdict], displayPath(r.file)]);
            }
            lines.push(...formatTable(table, [false, true, true, true, true, false, false]));
        }
        const common = summary.mostCommon();
        if (common.length > 0) {
            lines.push("", "Most common violations:");
            const table = [["POLICY", "MANDATORY", "ADVISORY", "STACKS"]];
            for (const c of common) table.push([c.policy, String(c.mandatory), String(c.advisory), String(c.stacks)]);
            lines.push(...formatTable(table, [false, true, true, true]));
        }
        const fails = summary.labels("fails");
        lines.push("");
        lines.push(
            fails.length > 0
                ? `Would fail if the pack were enforced today: ${fails.length} of ${plural(audited.length, "audited stack")}: ${fails.join(", ")}.`
                : `No audited stack has a mandatory violation: enforcing the pack today would fail none of ${plural(audited.length, "audited stack")}.`,
        );
        const unverified = summary.labels("unverified");
        if (unverified.length > 0) {
            lines.push(
                `Could not verify ${plural(unverified.length, "stack")} (a mandatory policy read a value the state holds encrypted or unknown; ` +
                    `audit an export made with \`pulumi stack export --show-secrets\` to decide): ${unverified.join(", ")}.`,
            );
        }
        if (summary.aborted) lines.push(`The audit stopped early: ${summary.aborted}`);
        const bad = rows.filter((r) => r.verdict === "not audited");
        if (bad.length > 0) {
            lines.push(`Not audited (${plural(bad.length, "file")}):`);
            for (const r of bad) lines.push(`  - ${r.error}`);
        }
        return lines.join("\n") + "\n";
    }
}

function formatTable(rows: string[][], rightAligned: boolean[]): string[] {
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    return rows.map((r) => "  " + r.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd());
}

// ---------------------------------------------------------------------------------------------------------------
// json

export interface JsonAuditedStack {
    file: string;
    project: string;
    stack: string;
    organization?: string;
    status: "audited";
    verdict: Verdict;
    exitCode: number;
    summary: {
        resources: number;
        resourcesWithViolations: number;
        violations: number;
        mandatory: number;
        advisory: number;
        unverified: number;
        remediations: number;
        pendingDeletes: number;
        encryptedSecrets: number;
    };
    violations: JsonViolation[];
    remediations: Array<{ policy: string; urn: string; changedProperties: string[] }>;
}

export interface JsonFailedStack {
    file: string;
    project?: string;
    stack?: string;
    status: "error";
    exitCode: 2;
    error: { code: string; message: string; urn?: string };
}

export function toJsonStack(outcome: StackOutcome, tool: Tool, packPath: string): JsonAuditedStack | JsonFailedStack {
    if (!outcome.ok) return jsonFailure(outcome.failure);
    const s = outcome.stack;
    const doc = toJsonReport(toCheckReport(s, tool, packPath));
    const out: JsonAuditedStack = {
        file: displayPath(s.file),
        project: s.project,
        stack: s.stack,
        status: "audited",
        verdict: s.verdict,
        exitCode: doc.exitCode,
        summary: {
            ...doc.summary,
            unverified: s.unverified,
            pendingDeletes: s.pendingDeletes,
            encryptedSecrets: s.encryptedSecrets,
        },
        violations: doc.violations,
        remediations: doc.remediations,
    };
    if (s.organization) out.organization = s.organization;
    return out;
}

function jsonFailure(f: StackFailure): JsonFailedStack {
    const out: JsonFailedStack = { file: displayPath(f.file), status: "error", exitCode: 2, error: { code: f.code, message: f.message } };
    if (f.project) out.project = f.project;
    if (f.stack) out.stack = f.stack;
    if (f.urn) out.error.urn = f.urn;
    return out;
}

function indent(json: string, by: string): string {
    return json.replace(/\n/g, `\n${by}`);
}

class JsonWriter implements AuditWriter {
    private count = 0;

    constructor(
        private readonly tool: Tool,
        private readonly packPath: string,
    ) {}

    begin(): string {
        return `{\n  "schemaVersion": 1,\n  "tool": ${JSON.stringify(this.tool)},\n  "command": "audit",\n  "stacks": [`;
    }

    stack(outcome: StackOutcome): string {
        const doc = JSON.stringify(toJsonStack(outcome, this.tool, this.packPath), null, 2);
        return `${this.count++ === 0 ? "\n" : ",\n"}    ${indent(doc, "    ")}`;
    }

    end(summary: AuditSummary): string {
        const pack = summary.pack
            ? { name: summary.pack.name, version: summary.pack.version, path: this.packPath, policies: summary.pack.policies.map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel })) }
            : { path: this.packPath };
        const field = (name: string, value: unknown) => `  ${JSON.stringify(name)}: ${indent(JSON.stringify(value, null, 2), "  ")}`;
        const tail = [field("policyPack", pack), field("summary", summary.toJson()), field("exitCode", summary.exitCode)].join(",\n");
        return `${this.count > 0 ? "\n  " : ""}],\n${tail}\n}\n`;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// sarif

class SarifWriter implements AuditWriter {
    private count = 0;

    constructor(
        private readonly tool: Tool,
        private readonly packPath: string,
    ) {}

    begin(): string {
        return `{\n  "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",\n  "version": "2.1.0",\n  "runs": [`;
    }

    stack(outcome: StackOutcome): string {
        let run: Record<string, unknown>;
        if (outcome.ok) {
            const s = outcome.stack;
            run = toSarif(toCheckReport(s, this.tool, this.packPath)).runs[0];
            run.automationDetails = { id: `authguard-audit/${s.project}/${s.stack}/` };
            run.properties = { file: displayPath(s.file), project: s.project, stack: s.stack, verdict: s.verdict, unverified: s.unverified };
        } else {
            const f = outcome.failure;
            run = toSarifFailure({ tool: this.tool, kind: f.code, message: f.message, file: f.file }).runs[0];
        }
        const doc = JSON.stringify(run, null, 2);
        return `${this.count++ === 0 ? "\n" : ",\n"}    ${indent(doc, "    ")}`;
    }

    end(summary: AuditSummary): string {
        return `${this.count > 0 ? "\n  " : ""}],\n  "properties": {\n    "authguardAudit": ${indent(JSON.stringify({ exitCode: summary.exitCode, ...summary.toJson() }, null, 2), "    ")}\n  }\n}\n`;
    }
}
