// What each policy says about itself, kept beside it in its module: the catalog row (docs/policies.md, written by
// `npm run docs`), its severity, the resource types it judges, how to fix a finding in Pulumi code, and where AWS
// documents the behaviour. `described` hands severity, remediation and the first reference to the SDK, which sends
// them with the policy in GetAnalyzerInfo: the Pulumi CLI and Pulumi Cloud show them, and `authguard check
// --format sarif` turns them into its rules. One source, so the catalog, the engine's view and SARIF cannot drift.
import { Policy, Severity } from "@pulumi/policy";
import { TypeToken } from "./types";

/** The catalog sections of docs/policies.md, in order. */
export const CATALOG_GROUPS = {
    "endpoint-authorization": "Endpoint authorization",
    components: "Pulumi's API components",
    "invoke-permissions": "Invoke permissions and authorizer wiring",
    "bodies-policies-exposure": "OpenAPI bodies, resource policies and exposure",
} as const;

export type CatalogGroup = keyof typeof CATALOG_GROUPS;

export interface Reference {
    title: string;
    url: string;
}

export interface PolicyMetadata {
    group: CatalogGroup;
    severity: Severity;
    /** The Pulumi types the policy judges. */
    resourceTypes: readonly (TypeToken | string)[];
    /** Catalog cells (Markdown): the resources as the catalog names them, what is checked, the config keys, the fix in short. */
    catalog: { resources: string; checks: string; config: string; fix: string };
    /** How to fix a finding: what to change, then the Pulumi TypeScript that does it. */
    remediation: { steps: string; code: string };
    /** AWS (or Pulumi) documentation of the behaviour the policy relies on; the first is the policy's `url`. */
    references: readonly Reference[];
}

/** `remediationSteps` as the SDK sends it: the steps, the code as a Markdown block, the references. */
export function remediationText(m: PolicyMetadata): string {
    const refs = m.references.map((r) => `- ${r.title}: ${r.url}`).join("\n");
    return `${m.remediation.steps}\n\n\`\`\`typescript\n${m.remediation.code}\n\`\`\`\n\nReferences:\n${refs}`;
}

/** The policy with its metadata attached, and the fields the Analyzer protocol carries filled from it. */
export function described<P extends Policy>(policy: P, metadata: PolicyMetadata): P & { metadata: PolicyMetadata } {
    return {
        ...policy,
        severity: metadata.severity,
        remediationSteps: remediationText(metadata),
        url: metadata.references[0].url,
        metadata,
    };
}
