// The data every reporter renders: one `authguard check` run (program, pack, violations), or its failure.

import * as path from "path";
import { PackPolicyInfo, PolicyViolation, Remediation } from "../analyzer";
import { ResourceRecord, SourcePosition, urnName, urnType } from "../resource-records";

/** A single view (`preview`, `up`) or the default run that reports both (`both`). */
export type CheckMode = "preview" | "up" | "both";

/** Which view shows a finding: a first `pulumi preview` (values of new resources unknown), or only `pulumi up`. */
export type View = "preview" | "up";

/** A violation as reported: in the default run (mode `both`) it says which view shows it first. */
export interface ReportViolation extends PolicyViolation {
    /** `preview`: a first `pulumi preview` already shows it; `up`: only `pulumi up` stops on it. Only in mode `both`. */
    shownBy?: View;
}

export interface ReportResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    custom: boolean;
    remote?: boolean;
    source?: SourcePosition;
}

export interface CheckReport {
    tool: { name: string; version: string };
    mode: CheckMode;
    program: {
        /** Absolute program directory. */
        dir: string;
        project: string;
        stack: string;
        /** Absolute entry file. */
        main: string;
        pulumiSdkVersion: string;
    };
    policyPack: {
        name: string;
        version: string;
        /** The --policy-pack argument as given (or the default pack's path relative to the working directory). */
        path: string;
        policies: PackPolicyInfo[];
    };
    resources: ReportResource[];
    violations: ReportViolation[];
    remediations: Remediation[];
    /** Mode `both`: how many resources each view registered (a resource created inside an `apply` exists only in up). */
    viewResources?: Record<View, number>;
    timings?: {
        programMs: number;
        packStartMs: number;
        configureMs: number;
        analyzeMs: number;
        analyzeStackMs: number;
        totalMs: number;
    };
}

/** What went wrong when the program or the pack could not be run (exit code 2). */
export interface CheckFailure {
    tool: { name: string; version: string };
    kind: string;
    /** One paragraph for humans: what failed, where, what to do. */
    message: string;
    file?: string;
    line?: number;
    column?: number;
    /** Raw details (stack) for --verbose only. */
    details?: string;
}

export const EXIT_CLEAN = 0;
export const EXIT_MANDATORY = 1;
export const EXIT_FAILURE = 2;

export function exitCodeOf(report: CheckReport): number {
    return report.violations.some((v) => v.enforcementLevel === "mandatory") ? EXIT_MANDATORY : EXIT_CLEAN;
}

export function toReportResources(records: ResourceRecord[]): ReportResource[] {
    return records.map((r) => {
        const out: ReportResource = { urn: r.urn, type: r.type, name: r.name, custom: r.custom };
        if (r.parent) {
            out.parent = r.parent;
        }
        if (r.remote) {
            out.remote = true;
        }
        if (r.source) {
            out.source = r.source;
        }
        return out;
    });
}

/**
 * The engine's display name of a type token (`tokens.Type.DisplayName`, v3.249+): `pkg:module:Name`, with the module's
 * `/file` part dropped when it is the camel-cased member name (`aws:apigateway/method:Method` → `aws:apigateway:Method`).
 */
export function typeDisplayName(type: string): string {
    const parts = type.split(":");
    if (parts.length !== 3) {
        return type;
    }
    const [pkg, mod, member] = parts;
    const slash = mod.lastIndexOf("/");
    if (slash >= 0) {
        const file = mod.slice(slash + 1);
        const camel = member.charAt(0).toLowerCase() + member.slice(1);
        if (file === camel) {
            return `${pkg}:${mod.slice(0, slash)}:${member}`;
        }
    }
    return type;
}

/** A path relative to `base` with forward slashes when it lies inside `base`, else the absolute path. */
export function displayPath(file: string, base: string = process.cwd()): string {
    const rel = path.relative(base, file);
    if (rel === "") {
        return ".";
    }
    if (rel.startsWith("..") || path.isAbsolute(rel)) {
        return file;
    }
    return rel.split(path.sep).join("/");
}

const LEVEL_ORDER: Record<string, number> = { remediate: 0, mandatory: 1, advisory: 2, disabled: 3 };
const SEVERITY_ORDER: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** The engine's order within a group: enforcement, then severity (critical first, unspecified last), then policy name. */
export function compareViolations(a: PolicyViolation, b: PolicyViolation): number {
    return (
        (LEVEL_ORDER[a.enforcementLevel] ?? 9) - (LEVEL_ORDER[b.enforcementLevel] ?? 9) ||
        (SEVERITY_ORDER[a.severity ?? ""] ?? 4) - (SEVERITY_ORDER[b.severity ?? ""] ?? 4) ||
        a.policyName.localeCompare(b.policyName) ||
        a.urn.localeCompare(b.urn) ||
        a.message.localeCompare(b.message)
    );
}

const INDEXES = new WeakMap<ReportResource[], Map<string, ReportResource>>();

/** URN → resource, built once per report. */
export function resourceIndex(report: CheckReport): Map<string, ReportResource> {
    let index = INDEXES.get(report.resources);
    if (!index) {
        index = new Map(report.resources.map((r) => [r.urn, r]));
        INDEXES.set(report.resources, index);
    }
    return index;
}

export interface ResourceGroup {
    urn: string;
    type: string;
    name: string;
    resource?: ReportResource;
    violations: ReportViolation[];
}

/** Violations grouped by resource, resources in registration order (unknown URNs last, by URN). */
export function groupByResource(report: CheckReport): ResourceGroup[] {
    const order = new Map(report.resources.map((r, i) => [r.urn, i]));
    const resources = resourceIndex(report);
    const byUrn = new Map<string, ResourceGroup>();
    for (const v of report.violations) {
        let g = byUrn.get(v.urn);
        if (!g) {
            const resource = resources.get(v.urn);
            g = {
                urn: v.urn,
                type: resource?.type ?? urnType(v.urn),
                name: resource?.name ?? urnName(v.urn),
                resource,
                violations: [],
            };
            byUrn.set(v.urn, g);
        }
        g.violations.push(v);
    }
    const groups = [...byUrn.values()];
    for (const g of groups) {
        g.violations.sort(compareViolations);
    }
    groups.sort((a, b) => {
        const ia = order.get(a.urn);
        const ib = order.get(b.urn);
        if (ia !== undefined && ib !== undefined) {
            return ia - ib;
        }
        if (ia !== undefined) {
            return -1;
        }
        if (ib !== undefined) {
            return 1;
        }
        return a.urn.localeCompare(b.urn);
    });
    return groups;
}

export function countLevels(report: CheckReport): { mandatory: number; advisory: number } {
    let mandatory = 0;
    let advisory = 0;
    for (const v of report.violations) {
        if (v.enforcementLevel === "mandatory") {
            mandatory++;
        } else {
            advisory++;
        }
    }
    return { mandatory, advisory };
}

/**
 * True for the advisory the policy SDK reports when a policy read a value unknown during preview
 * ("can't run policy '<name>' from policy pack '<pack>' during preview: ..."), or a remediation could not run.
 */
export function isUndecidedInPreview(v: PolicyViolation): boolean {
    return v.enforcementLevel === "advisory" && /^can't run (policy|remediation) '[^']+' from policy pack '[^']+' during preview/.test(v.message);
}
