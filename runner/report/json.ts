// `--format json`: a stable, documented document (schemas/authguard-check-report.schema.json, schemaVersion 1).
// Mode `both` (the default run) adds `shownBy` to each violation; single-mode documents are unchanged.
// Paths are relative to the working directory (forward slashes) when inside it. Property values are never
// included (remediations list the changed property names only), so secrets cannot leak into CI logs.

import { PropertyMap } from "../resource-records";
import { CheckFailure, CheckMode, CheckReport, View, countLevels, displayPath, exitCodeOf, groupByResource, resourceIndex, typeDisplayName } from "./check-report";

export const JSON_SCHEMA_VERSION = 1;

export interface JsonLocation {
    file: string;
    line: number;
    column?: number;
}

export interface JsonViolation {
    policy: string;
    enforcementLevel: "advisory" | "mandatory";
    severity?: string;
    message: string;
    description: string;
    urn: string;
    resourceType: string;
    resourceTypeDisplay: string;
    resourceName: string;
    stage: "analyze" | "analyzeStack" | "remediate";
    location?: JsonLocation;
    /** Mode `both` only: `preview` when a first `pulumi preview` shows it, `up` when only `pulumi up` does. */
    shownBy?: View;
}

export interface JsonReport {
    schemaVersion: 1;
    tool: { name: string; version: string };
    mode: CheckMode;
    exitCode: number;
    program: { dir: string; project: string; stack: string; main: string; pulumiSdkVersion: string };
    policyPack: {
        name: string;
        version: string;
        path: string;
        policies: Array<{ name: string; description: string; enforcementLevel: string; severity?: string }>;
    };
    summary: {
        resources: number;
        resourcesWithViolations: number;
        violations: number;
        mandatory: number;
        advisory: number;
        remediations: number;
    };
    violations: JsonViolation[];
    remediations: Array<{ policy: string; urn: string; changedProperties: string[] }>;
    resources: Array<{ urn: string; type: string; name: string; custom: boolean; parent?: string; remote?: boolean; location?: JsonLocation }>;
}

export interface JsonFailure {
    schemaVersion: 1;
    tool: { name: string; version: string };
    exitCode: 2;
    error: { kind: string; message: string; file?: string; line?: number; column?: number };
}

function changedKeys(before: PropertyMap, after: PropertyMap): string[] {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

export function toJsonReport(report: CheckReport, cwd: string = process.cwd()): JsonReport {
    const { mandatory, advisory } = countLevels(report);
    const resources = resourceIndex(report);
    const location = (urn: string): JsonLocation | undefined => {
        const src = resources.get(urn)?.source;
        if (!src) {
            return undefined;
        }
        const loc: JsonLocation = { file: displayPath(src.file, cwd), line: src.line };
        if (src.column) {
            loc.column = src.column;
        }
        return loc;
    };
    const violations: JsonViolation[] = [];
    const groups = groupByResource(report);
    for (const group of groups) {
        for (const v of group.violations) {
            const out: JsonViolation = {
                policy: v.policyName,
                enforcementLevel: v.enforcementLevel,
                message: v.message,
                description: v.description,
                urn: v.urn,
                resourceType: group.type,
                resourceTypeDisplay: typeDisplayName(group.type),
                resourceName: group.name,
                stage: v.stage,
            };
            if (v.severity) {
                out.severity = v.severity;
            }
            const loc = location(v.urn);
            if (loc) {
                out.location = loc;
            }
            if (v.shownBy) {
                out.shownBy = v.shownBy;
            }
            violations.push(out);
        }
    }
    return {
        schemaVersion: JSON_SCHEMA_VERSION,
        tool: report.tool,
        mode: report.mode,
        exitCode: exitCodeOf(report),
        program: {
            dir: displayPath(report.program.dir, cwd),
            project: report.program.project,
            stack: report.program.stack,
            main: displayPath(report.program.main, cwd),
            pulumiSdkVersion: report.program.pulumiSdkVersion,
        },
        policyPack: {
            name: report.policyPack.name,
            version: report.policyPack.version,
            path: report.policyPack.path,
            policies: report.policyPack.policies.map((p) => {
                const out: { name: string; description: string; enforcementLevel: string; severity?: string } = {
                    name: p.name,
                    description: p.description,
                    enforcementLevel: p.enforcementLevel,
                };
                if (p.severity) {
                    out.severity = p.severity;
                }
                return out;
            }),
        },
        summary: {
            resources: report.resources.length,
            resourcesWithViolations: groups.length,
            violations: report.violations.length,
            mandatory,
            advisory,
            remediations: report.remediations.length,
        },
        violations,
        remediations: report.remediations.map((r) => ({ policy: r.policyName, urn: r.urn, changedProperties: changedKeys(r.before, r.after) })),
        resources: report.resources.map((r) => {
            const out: JsonReport["resources"][number] = { urn: r.urn, type: r.type, name: r.name, custom: r.custom };
            if (r.parent) {
                out.parent = r.parent;
            }
            if (r.remote) {
                out.remote = true;
            }
            const loc = location(r.urn);
            if (loc) {
                out.location = loc;
            }
            return out;
        }),
    };
}

export function toJsonFailure(failure: CheckFailure, cwd: string = process.cwd()): JsonFailure {
    const error: JsonFailure["error"] = { kind: failure.kind, message: failure.message };
    if (failure.file) {
        error.file = displayPath(failure.file, cwd);
    }
    if (failure.line !== undefined) {
        error.line = failure.line;
    }
    if (failure.column !== undefined) {
        error.column = failure.column;
    }
    return { schemaVersion: JSON_SCHEMA_VERSION, tool: failure.tool, exitCode: 2, error };
}

export function renderJson(doc: JsonReport | JsonFailure): string {
    return JSON.stringify(doc, null, 2) + "\n";
}
