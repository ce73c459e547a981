// Every violation message has the same shape: what is wrong, why it matters (one sentence), which resource (URN),
// and the Pulumi code that fixes it. The SDK prints the policy description above it.

export interface Finding {
    /** What is wrong, naming the endpoint or resource in words. */
    problem: string;
    /** One sentence: the consequence. */
    why: string;
    urn: string;
    /** Pulumi TypeScript that fixes it (indented by the formatter). */
    fix: string;
    /** An alternative fix, e.g. how to allowlist a deliberately public endpoint. */
    alternative?: string;
}

export function formatFinding(f: Finding): string {
    const lines = [`${f.problem} ${f.why}`, `resource: ${f.urn}`, "fix:", indent(f.fix, 4)];
    if (f.alternative) lines.push("or:", indent(f.alternative, 4));
    return lines.join("\n");
}

export function indent(text: string, spaces: number): string {
    const pad = " ".repeat(spaces);
    return text.split("\n").map((l) => (l ? pad + l : l)).join("\n");
}

/** The allowlist snippet for a deliberately public endpoint. */
export function allowlistHint(policyName: string, route: string): string {
    return (
        `if it is deliberately public, allowlist it in the policy pack config (--policy-pack-config):\n` +
        `{ "${policyName}": { "publicRoutes": [{ "route": "${route}", "reason": "<why it is public>" }] } }`
    );
}

/** A JavaScript string literal for a resource name in generated code. */
export function q(s: string): string {
    return JSON.stringify(s);
}
