// `--policy-pack-config` handling, following the engine (engine_fidelity.md §2.1): parse the file as
// `parsePolicyPackConfig` does, then reconcile it with the pack's policies (levels and schema defaults, the pack's
// initial config, then the file, with "all" applied first in each layer) and validate each policy's properties
// against its config schema, as the CLI does before it calls Configure. Unlike the CLI, a policy name the pack does
// not have and a setting a policy's schema does not declare are errors: a typo there would silently drop a
// restriction (an issuer allowlist, a cache rule) from the gate.
import * as fs from "fs";
import { closestName } from "authguard-shared/closest-name";
import { validateConfigs } from "./config-validation";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevelName = (typeof ENFORCEMENT_LEVELS)[number];

export interface PolicyConfigEntry {
    enforcementLevel?: EnforcementLevelName;
    properties: Record<string, unknown>;
}

/** A parsed `--policy-pack-config` file: policy name (or "all") → level and properties. */
export type PolicyPackConfigFile = Record<string, PolicyConfigEntry>;

export class PolicyConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

export function loadPolicyPackConfig(file: string): PolicyPackConfigFile {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new PolicyConfigError(`Cannot read the policy pack config file ${file}: ${(err as Error).message}`);
    }
    return parsePolicyPackConfig(text, file);
}

export function parsePolicyPackConfig(text: string, source = "policy pack config"): PolicyPackConfigFile {
    if (text.trim() === "") return {};
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (err) {
        throw new PolicyConfigError(`${source} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new PolicyConfigError(`${source} must hold a JSON object keyed by policy name.`);
    }
    const result: PolicyPackConfigFile = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (key === "environments") continue; // ESC environments: not policy settings
        let entry: PolicyConfigEntry;
        if (typeof value === "string") {
            entry = { enforcementLevel: checkLevel(value, key, source), properties: {} };
        } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            entry = { properties };
            if (enforcementLevel !== undefined) {
                if (typeof enforcementLevel !== "string") {
                    throw new PolicyConfigError(`${source}: "${key}".enforcementLevel must be a string.`);
                }
                entry.enforcementLevel = checkLevel(enforcementLevel, key, source);
            }
        } else {
            throw new PolicyConfigError(`${source}: "${key}" must be an enforcement level string or an object.`);
        }
        if (entry.enforcementLevel === undefined && Object.keys(entry.properties).length === 0) continue;
        setOwn(result, key, entry);
    }
    return result;
}

/**
 * `obj[key] = value` as a plain own property whatever the key: JSON keys such as `__proto__` or `constructor` are
 * names like any other, not the object's prototype or inherited members.
 */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function getOwn<T>(obj: Record<string, T>, key: string): T | undefined {
    return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function checkLevel(level: string, key: string, source: string): EnforcementLevelName {
    if (!(ENFORCEMENT_LEVELS as readonly string[]).includes(level)) {
        throw new PolicyConfigError(
            `${source}: "${key}" has enforcement level "${level}"; expected one of ${ENFORCEMENT_LEVELS.join(", ")}.`,
        );
    }
    return level as EnforcementLevelName;
}

export interface PolicyDescriptor {
    name: string;
    enforcementLevel: EnforcementLevelName;
    configSchema?: { properties?: Record<string, unknown>; required?: string[] };
}

/**
 * The config map the engine sends in `Configure`: every policy with its level and schema defaults, then the pack's
 * initial config, then the file. Keys that are not policies ("all", unknown names) are carried along as the engine does.
 */
export function reconcilePolicyPackConfig(
    packLabel: string,
    policies: PolicyDescriptor[],
    initialConfig: PolicyPackConfigFile,
    fileConfig: PolicyPackConfigFile,
): PolicyPackConfigFile {
    checkNames(packLabel, policies, fileConfig);
    const result: PolicyPackConfigFile = {};
    for (const policy of policies) {
        const defaults: Record<string, unknown> = {};
        for (const [prop, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            const dflt = (schema as { default?: unknown }).default;
            if (dflt !== undefined) setOwn(defaults, prop, structuredClone(dflt));
        }
        setOwn<PolicyConfigEntry>(result, policy.name, { enforcementLevel: policy.enforcementLevel, properties: defaults });
    }
    for (const layer of [initialConfig, fileConfig]) {
        const all = getOwn(layer, "all")?.enforcementLevel;
        if (all) for (const entry of Object.values(result)) entry.enforcementLevel = all;
        for (const [key, entry] of Object.entries(layer)) {
            let target = getOwn(result, key);
            if (!target) {
                target = { properties: {} };
                setOwn(result, key, target);
            }
            if (entry.enforcementLevel) target.enforcementLevel = entry.enforcementLevel;
            for (const [prop, value] of Object.entries(entry.properties)) setOwn(target.properties, prop, value);
        }
    }
    const errors: string[] = [];
    const verdicts = validateConfigs(
        policies.map((policy) => {
            const entry = getOwn(result, policy.name)!;
            return {
                schema: {
                    type: "object",
                    properties: { ...(policy.configSchema?.properties ?? {}), enforcementLevel: { type: "string", enum: ENFORCEMENT_LEVELS } },
                    required: policy.configSchema?.required ?? [],
                },
                value: { ...entry.properties, enforcementLevel: entry.enforcementLevel },
            };
        }),
    );
    policies.forEach((policy, i) => {
        for (const e of verdicts[i]) {
            errors.push(`${packLabel}  ${policy.name}: ${e.instancePath || "(root)"} ${e.message}`);
        }
    });
    if (errors.length > 0) {
        throw new PolicyConfigError(`validating policy config:\n${errors.join("\n")}`);
    }
    for (const [key, entry] of Object.entries(result)) {
        if (!entry.enforcementLevel) {
            throw new PolicyConfigError(`policy config "${key}" sets properties but no enforcement level, and "${key}" is not a policy of ${packLabel}.`);
        }
    }
    return result;
}

/**
 * Every key of the file must name one of the pack's policies (or be "all", which takes only a level), and every
 * setting must be one the policy's config schema declares (as the pack reports it over GetAnalyzerInfo). All the
 * unknown names are reported at once, each with the closest valid name.
 */
function checkNames(packLabel: string, policies: PolicyDescriptor[], fileConfig: PolicyPackConfigFile): void {
    const byName = new Map(policies.map((p) => [p.name, p]));
    const problems: string[] = [];
    for (const [key, entry] of Object.entries(fileConfig)) {
        const settings = Object.keys(entry.properties);
        if (key === "all") {
            if (settings.length > 0) {
                problems.push(`"all" takes only an enforcement level; its ${plural(settings.length, "setting")} ${settings.map((s) => `"${s}"`).join(", ")} would apply to no policy: move ${settings.length === 1 ? "it" : "them"} under a policy name`);
            }
            continue;
        }
        const policy = byName.get(key);
        if (!policy) {
            problems.push(`"${key}" is not a policy of ${packLabel}; ${suggest(key, byName.keys(), "policies")}`);
            continue;
        }
        const declared = Object.keys(policy.configSchema?.properties ?? {});
        for (const setting of settings) {
            if (!declared.includes(setting)) {
                const hint = declared.length === 0 ? `${key} takes no settings` : suggest(setting, declared, "settings");
                problems.push(`"${key}" has no setting "${setting}"; ${hint}`);
            }
        }
    }
    if (problems.length === 1) {
        throw new PolicyConfigError(problems[0].endsWith("?") ? problems[0] : `${problems[0]}.`);
    }
    if (problems.length > 1) {
        throw new PolicyConfigError(`${problems.length} unknown names:\n  - ${problems.join("\n  - ")}`);
    }
}

function suggest(name: string, valid: Iterable<string>, what: string): string {
    const names = [...valid];
    const close = closestName(name, names);
    return close ? `did you mean ${close}?` : `the ${what} are ${names.join(", ")}`;
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}
