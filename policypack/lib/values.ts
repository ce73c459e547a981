// Reading resource properties without tripping over unknowns.
//
// The policy SDK hands policies a proxy that throws `UnknownValueError` on the first read of a value that is unknown
// during preview. In a resource policy that is what we want (the SDK turns it into the engine's advisory
// "can't run policy … during preview"). In a stack policy one unknown would abort the whole policy for every
// resource, so stack policies read through `raw()` and decide per value with `isUnknown()`.
import * as policySdk from "@pulumi/policy";

// The SDK exports UnknownValueError at run time (it is how it recognises unknown reads), but its typings omit it.
const UnknownValueError = (policySdk as unknown as { UnknownValueError: new (sentinel: string, path: string[]) => Error })
    .UnknownValueError;

const PROXY_TARGET = "__getSpecialProxyTarget";
const IS_PROXY = "__isSpecialProxy";

/** Every sentinel the engine or the SDK uses for a value that is unknown during preview. */
const UNKNOWN_SENTINELS = new Set<unknown>([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (and, from engine 3.249, every type)
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** The plain object behind the SDK's unknown-checking proxy (the same object when it is not proxied). */
export function raw<T>(value: T): T {
    if (value !== null && typeof value === "object" && (value as Record<string, unknown>)[IS_PROXY] === true) {
        return (value as Record<string, unknown>)[PROXY_TARGET] as T;
    }
    return value;
}

/** True when the value, or anything inside it, is unknown. */
export function containsUnknown(value: unknown): boolean {
    if (isUnknown(value)) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** Whether a property is given at all: not absent, null or the empty string (an unknown value counts as given). */
export function isSet(value: unknown): boolean {
    return value !== undefined && value !== null && value !== "";
}

export function asString(value: unknown): string | undefined {
    return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/**
 * Thrown by a stack policy after it has reported every certain violation, to add one advisory diagnostic that lists
 * what it could not verify during preview. The SDK turns any `UnknownValueError` into exactly that advisory
 * ("can't run policy … during preview: <message>"), the engine's own way of saying a check could not be completed.
 */
export class CouldNotVerify extends UnknownValueError {
    constructor(items: string[]) {
        super("04da6b54-80e4-46f7-96ec-b56ff0331ba9", []);
        this.message = `could not verify ${items.length} resource${items.length === 1 ? "" : "s"}:\n${items.map((i) => `  - ${i}`).join("\n")}`;
        this.name = "CouldNotVerify";
    }
}
