// Stable hashing of everything that changes an API's behaviour, for deployment `triggers`.
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** JSON with object keys sorted, so equal values always hash the same. */
function stableJson(value: unknown): string {
    if (value === undefined) return "null";
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
    const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
}

function sha256(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

/** A hash of plain configuration and resolved outputs (function ARNs, authorizer IDs, the policy document...). */
export function behaviourHash(parts: Record<string, pulumi.Input<unknown>>): pulumi.Output<string> {
    return pulumi.output(parts).apply((resolved) => sha256(stableJson(resolved)));
}
