// `--policy-pack-config` handling, following the engine (engine_fidelity.md §2.1): parse the file as
// `parsePolicyPackConfig` does, then reconcile it with the pack's policies (levels and schema defaults, the pack's
// initial config, then the file, with "all" applied first in each layer) and validate each policy's properties
// against its config schema, as the CLI does before it calls Configure.
import * as fs from "fs";
import Ajv from "ajv";

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
        result[key] = entry;
    }
    return result;
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
    const result: PolicyPackConfigFile = {};
    for (const policy of policies) {
        const defaults: Record<string, unknown> = {};
        for (const [prop, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            const dflt = (schema as { default?: unknown }).default;
            if (dflt !== undefined) defaults[prop] = structuredClone(dflt);
        }
        result[policy.name] = { enforcementLevel: policy.enforcementLevel, properties: defaults };
    }
    for (const layer of [initialConfig, fileConfig]) {
        const all = layer.all?.enforcementLevel;
        if (all) for (const entry of Object.values(result)) entry.enforcementLevel = all;
        for (const [key, entry] of Object.entries(layer)) {
            const target = (result[key] ??= { properties: {} });
            if (entry.enforcementLevel) target.enforcementLevel = entry.enforcementLevel;
            Object.assign(target.properties, entry.properties);
        }
    }
    const ajv = new Ajv({ allErrors: true, strict: false });
    const errors: string[] = [];
    for (const policy of policies) {
        const schema = {
            type: "object",
            properties: { ...(policy.configSchema?.properties ?? {}), enforcementLevel: { type: "string", enum: ENFORCEMENT_LEVELS } },
            required: policy.configSchema?.required ?? [],
        };
        const validate = ajv.compile(schema);
        const entry = result[policy.name];
        if (!validate({ ...entry.properties, enforcementLevel: entry.enforcementLevel })) {
            for (const e of validate.errors ?? []) {
                errors.push(`${packLabel}  ${policy.name}: ${e.instancePath || "(root)"} ${e.message}`);
            }
        }
    }
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
