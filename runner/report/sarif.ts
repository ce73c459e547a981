// `--format sarif`: a SARIF 2.1.0 log for code-scanning UIs (validated in tests against the official OASIS schema
// vendored in schemas/sarif-schema-2.1.0.json).
// - tool.driver.rules: one rule per policy of the pack, with its description, default level and severity;
// - one result per violation: level error (mandatory) or warning (advisory), the policy's message, and a location:
//   the program file and line that declared the resource when known (relative to the working directory, base id
//   %SRCROOT%), always with a logical location naming the resource URN;
// - in the default run (mode both), result property `shownBy`: `preview` or `up` (only `pulumi up` reports it);
// - partialFingerprints keyed by policy and URN, so code-scanning tracks a finding across runs;
// - a failed run (exit code 2) is a log with executionSuccessful false and the error as a notification.

import { createHash } from "crypto";
import * as path from "path";
import { pathToFileURL } from "url";
import { PackPolicyInfo, PolicyViolation } from "../analyzer";
import { CheckFailure, CheckReport, exitCodeOf, groupByResource, typeDisplayName } from "./check-report";

export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT = "%SRCROOT%";

/* A minimal typing of the SARIF objects this module writes. */
interface SarifMessage {
    text: string;
}
interface SarifLocation {
    physicalLocation?: {
        artifactLocation: { uri: string; uriBaseId?: string };
        region?: { startLine: number; startColumn?: number };
    };
    logicalLocations?: Array<{ name: string; fullyQualifiedName: string; kind: string }>;
}
interface SarifRule {
    id: string;
    name: string;
    shortDescription: SarifMessage;
    fullDescription: SarifMessage;
    help: SarifMessage;
    helpUri?: string;
    defaultConfiguration: { level: "none" | "note" | "warning" | "error"; enabled?: boolean };
    properties: Record<string, unknown>;
}
interface SarifResult {
    ruleId: string;
    ruleIndex: number;
    kind: "fail";
    level: "warning" | "error";
    message: SarifMessage;
    locations: SarifLocation[];
    partialFingerprints: Record<string, string>;
    properties: Record<string, unknown>;
}
export interface SarifLog {
    $schema: string;
    version: "2.1.0";
    runs: Array<Record<string, unknown>>;
}

function ruleLevel(level: string): SarifRule["defaultConfiguration"]["level"] {
    switch (level) {
        case "mandatory":
        case "remediate":
            return "error";
        case "advisory":
            return "warning";
        default:
            return "none";
    }
}

/** GitHub code scanning reads `security-severity` (0–10) from rule properties. */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

function pascal(name: string): string {
    return name
        .split(/[^A-Za-z0-9]+/)
        .filter((p) => p !== "")
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join("");
}

function isAbsoluteUri(s: string | undefined): s is string {
    return typeof s === "string" && /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
}

function toRule(p: PackPolicyInfo, packName: string): SarifRule {
    const description = p.description || p.name;
    const properties: Record<string, unknown> = { tags: ["security", "pulumi-policy", packName], enforcementLevel: p.enforcementLevel };
    if (p.severity) {
        properties.severity = p.severity;
        properties["security-severity"] = SECURITY_SEVERITY[p.severity];
    }
    const rule: SarifRule = {
        id: p.name,
        name: pascal(p.name),
        shortDescription: { text: description },
        fullDescription: { text: description },
        help: { text: p.remediationSteps ? `${description}\n\n${p.remediationSteps}` : description },
        defaultConfiguration: { level: ruleLevel(p.enforcementLevel) },
        properties,
    };
    if (p.enforcementLevel === "disabled") {
        rule.defaultConfiguration.enabled = false;
    }
    if (isAbsoluteUri(p.url)) {
        rule.helpUri = p.url;
    }
    return rule;
}

function artifactUri(file: string, cwd: string): { uri: string; uriBaseId?: string } {
    const rel = path.relative(cwd, file);
    if (rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel)) {
        return { uri: rel.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: SRCROOT };
    }
    return { uri: pathToFileURL(file).href };
}

function fingerprint(v: PolicyViolation): string {
    return createHash("sha256").update(`${v.policyName}\u0000${v.urn}`).digest("hex").slice(0, 32);
}

function driver(report: { tool: { name: string; version: string } }, rules: SarifRule[]): Record<string, unknown> {
    return {
        name: report.tool.name,
        version: report.tool.version,
        semanticVersion: report.tool.version,
        rules,
    };
}

export function toSarif(report: CheckReport, cwd: string = process.cwd()): SarifLog {
    const rules = report.policyPack.policies.map((p) => toRule(p, report.policyPack.name));
    const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
    const results: SarifResult[] = [];
    for (const group of groupByResource(report)) {
        for (const v of group.violations) {
            let index = ruleIndex.get(v.policyName);
            if (index === undefined) {
                // A policy the pack did not list in GetAnalyzerInfo: describe it from the violation itself.
                rules.push(
                    toRule({ name: v.policyName, displayName: v.policyName, description: v.description, enforcementLevel: v.enforcementLevel }, v.packName),
                );
                index = rules.length - 1;
                ruleIndex.set(v.policyName, index);
            }
            const location: SarifLocation = {
                logicalLocations: [{ name: group.name || v.urn, fullyQualifiedName: v.urn, kind: "resource" }],
            };
            const src = group.resource?.source;
            if (src) {
                const region: { startLine: number; startColumn?: number } = { startLine: src.line };
                if (src.column) {
                    region.startColumn = src.column;
                }
                location.physicalLocation = { artifactLocation: artifactUri(src.file, cwd), region };
            }
            const properties: Record<string, unknown> = {
                urn: v.urn,
                resourceType: group.type,
                resourceTypeDisplay: typeDisplayName(group.type),
                resourceName: group.name,
                enforcementLevel: v.enforcementLevel,
                stage: v.stage,
                policyPack: `${v.packName}@${v.packVersion}`,
            };
            if (v.severity) {
                properties.severity = v.severity;
            }
            if (v.shownBy) {
                properties.shownBy = v.shownBy;
            }
            results.push({
                ruleId: v.policyName,
                ruleIndex: index,
                kind: "fail",
                level: v.enforcementLevel === "mandatory" ? "error" : "warning",
                message: { text: v.message.trim() || v.description || v.policyName },
                locations: [location],
                partialFingerprints: { "authguardPolicyResource/v1": fingerprint(v) },
                properties,
            });
        }
    }
    const exitCode = exitCodeOf(report);
    return {
        $schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: driver(report, rules),
                    extensions: [
                        { name: report.policyPack.name, version: report.policyPack.version, properties: { path: report.policyPack.path } },
                    ],
                },
                invocations: [{ executionSuccessful: true, exitCode }],
                originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(cwd + path.sep).href } },
                automationDetails: { id: `authguard-check/${report.program.project}/${report.program.stack}/` },
                columnKind: "utf16CodeUnits",
                results,
                properties: {
                    mode: report.mode,
                    project: report.program.project,
                    stack: report.program.stack,
                    pulumiSdkVersion: report.program.pulumiSdkVersion,
                },
            },
        ],
    };
}

export function toSarifFailure(failure: CheckFailure, cwd: string = process.cwd()): SarifLog {
    const notification: Record<string, unknown> = { level: "error", message: { text: failure.message } };
    if (failure.file) {
        const region: Record<string, number> = {};
        if (failure.line !== undefined) {
            region.startLine = failure.line;
            if (failure.column !== undefined) {
                region.startColumn = failure.column;
            }
        }
        notification.locations = [
            {
                physicalLocation: {
                    artifactLocation: artifactUri(failure.file, cwd),
                    ...(region.startLine !== undefined ? { region } : {}),
                },
            },
        ];
    }
    return {
        $schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: [
            {
                tool: { driver: driver(failure, []) },
                invocations: [{ executionSuccessful: false, exitCode: 2, toolExecutionNotifications: [notification] }],
                originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(cwd + path.sep).href } },
                results: [],
                properties: { errorKind: failure.kind },
            },
        ],
    };
}

export function renderSarif(log: SarifLog): string {
    return JSON.stringify(log, null, 2) + "\n";
}
