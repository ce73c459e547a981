// Checks of the arguments every component shares (the args object, plain values, handlers, stage name, tags).
// They record problems on the component's Problems; the component throws once all are collected.
import * as pulumi from "@pulumi/pulumi";
import { Problems, q, requireObject } from "./errors";
import { checkHandlerValues } from "./handlers";

/** Stops at once when the args are not an object (nothing else can be checked); `needs` names the required fields. */
export function requireArgs(problems: Problems, args: unknown, needs: string): void {
    if (!args || typeof args !== "object") {
        problems.add(undefined, `needs args with ${needs}`);
        problems.throwIfAny();
    }
}

/**
 * Inputs that must be plain (known at preview). Through the multi-language provider a value that carries a secret
 * or a resource reference arrives wrapped in an Output; say so instead of failing obscurely.
 */
export function requirePlain(problems: Problems, values: Record<string, unknown>): void {
    for (const [field, value] of Object.entries(values)) {
        if (pulumi.Output.isInstance(value)) {
            problems.add(field, "must be a plain value known at preview (no secrets or resource references; functions go in `handlers`)");
        }
    }
}

/** `handlers` is a map, or an Output of one (resource references inside a map arrive wrapped through the provider). */
export function requireHandlers(problems: Problems, value: unknown): void {
    if (pulumi.Output.isInstance(value)) return;
    if (requireObject(problems, "handlers", value, true)) checkHandlerValues(value, problems);
}

/** The stage name, `fallback` when not given; records a problem when it is not one API Gateway accepts. */
export function checkStageName(problems: Problems, stageName: string | undefined, fallback: string): string {
    const name = stageName ?? fallback;
    if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(name)) problems.add("stageName", "must be 1-128 letters, digits, - or _");
    return name;
}

export function checkTags(problems: Problems, tags: unknown): void {
    if (tags === undefined) return;
    if (!tags || typeof tags !== "object" || Array.isArray(tags)) {
        problems.add("tags", "must be a map of strings");
        return;
    }
    for (const [k, v] of Object.entries(tags)) if (typeof v !== "string") problems.add("tags", `tag ${q(k)} must be a string`);
}
