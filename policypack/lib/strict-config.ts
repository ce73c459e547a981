// Every policy accepts only the settings its configSchema declares. The Analyzer protocol carries a policy's schema
// as `properties` and `required` only (PolicyConfigSchema in analyzer.proto; the CLI validates config against
// {type: object, properties, required}), so `additionalProperties: false` at the top of a policy's config cannot
// reach the Pulumi CLI: a typo such as `publicRoute` or `allowedIssuer` would pass its validation and silently switch
// a restriction off. The pack therefore checks the keys itself, before a policy runs, and fails the run with a
// typed error naming the policy, the key and the closest valid name. (Nested objects, such as publicRoutes entries,
// carry `additionalProperties: false` inside `properties`, which the CLI does enforce.)
//
// Keys are compared as plain names over the config object's own properties: `constructor`, `toString` or
// `__proto__` are unknown settings like any other, never looked up on Object.prototype.
import { Policy, PolicyConfigSchema } from "@pulumi/policy";
import { closestName } from "authguard-shared/closest-name";

export class UnknownPolicySettingError extends Error {
    readonly code = "AUTHGUARD_UNKNOWN_POLICY_SETTING";
    constructor(
        readonly policy: string,
        readonly keys: string[],
        readonly valid: string[],
    ) {
        super(
            `policy "${policy}" has no setting ${keys.map((k) => `"${k}"${suggestion(k, valid)}`).join(", ")}; ` +
                `its settings are ${valid.length > 0 ? valid.map((v) => `"${v}"`).join(", ") : "none"} (and enforcementLevel). ` +
                `Fix the key in the policy pack config: an unknown setting would otherwise be ignored and weaken the check.`,
        );
        this.name = "UnknownPolicySettingError";
    }
}

/** The config keys `schema` does not declare (own keys only). */
export function unknownSettings(schema: PolicyConfigSchema | undefined, config: object): string[] {
    const declared = schema?.properties ?? {};
    return Object.keys(config).filter((k) => !Object.hasOwn(declared, k));
}

/**
 * The policy with every validation and remediation function first checking the policy's config keys. The type tag
 * `forType` sets (lib/types.ts) is carried over, so the SDK still skips the policy for other resource types.
 */
export function withStrictConfig<P extends Policy>(policy: P): P {
    const valid = Object.keys(policy.configSchema?.properties ?? {});
    // The config is set once per Configure and handed to every call as the same object: check it once, not on
    // every resource's Analyze.
    const checked = new WeakSet<object>();
    const check = (args: { getConfig: <T extends object>() => T }) => {
        const config = args.getConfig<object>();
        if (checked.has(config)) return;
        const unknown = unknownSettings(policy.configSchema, config);
        if (unknown.length > 0) throw new UnknownPolicySettingError(policy.name, unknown, valid);
        checked.add(config);
    };
    const wrapped = { ...policy } as unknown as Record<string, unknown>;
    for (const key of ["validateResource", "validateStack", "remediateResource"] as const) {
        const fn = (policy as unknown as Record<string, unknown>)[key];
        if (typeof fn !== "function") continue;
        const guarded = function (this: unknown, args: { getConfig: <T extends object>() => T }, ...rest: unknown[]) {
            check(args);
            return (fn as (...a: unknown[]) => unknown).call(this, args, ...rest);
        };
        const tag = (fn as { __pulumiType?: string }).__pulumiType;
        if (tag !== undefined) (guarded as unknown as { __pulumiType: string }).__pulumiType = tag;
        wrapped[key] = guarded;
    }
    return wrapped as unknown as P;
}

/** ` (did you mean "publicRoutes"?)` when a declared name is within a small edit distance. */
function suggestion(key: string, valid: readonly string[]): string {
    const best = closestName(key, valid);
    return best !== undefined ? ` (did you mean "${best}"?)` : "";
}
