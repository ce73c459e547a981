// The resource model shared by the program runner (which records registrations) and the analyzer driver
// (which replays them to a policy pack). Property values are kept in the engine's wire form, exactly as
// `pulumi preview` would marshal them for an analyzer (see shared/research/engine_fidelity.md §3):
// unknowns as the unknown sentinel string, secrets as secret-signature objects, resource references collapsed
// to an ID (or the unknown sentinel) or a URN, output values collapsed to their element.

/** The sentinel the engine (≥ 3.249) sends for every unknown value, whatever its type. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Key and value that mark an object as a special Pulumi value (secret, asset, archive, resource). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
export const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

export type PropertyValue = null | boolean | number | string | PropertyValue[] | { [key: string]: PropertyValue };
export type PropertyMap = { [key: string]: PropertyValue };

export function secret(value: PropertyValue): PropertyValue {
    return { [SIG_KEY]: SECRET_SIG, value };
}

export function isSecret(value: PropertyValue | undefined): value is { [key: string]: PropertyValue } {
    return typeof value === "object" && value !== null && !Array.isArray(value) && value[SIG_KEY] === SECRET_SIG;
}

/** Resource options as the engine forwards them in `AnalyzerResourceOptions`. */
export interface RecordedOptions {
    protect: boolean;
    ignoreChanges: string[];
    /** Only present when the program set it (the engine's `deleteBeforeReplaceDefined`). */
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs: string[];
    /** Alias URNs that matched an old resource: always empty for a first preview. */
    aliases: string[];
    /** Seconds; 0 when unset. */
    customTimeouts: { create: number; update: number; delete: number };
}

export interface ProviderReference {
    urn: string;
    type: string;
    name: string;
    /** The provider resource's inputs (e.g. `region`, `version`). */
    properties: PropertyMap;
}

/** Where the program registered a resource, for reports that point at code (SARIF). */
export interface SourcePosition {
    file: string;
    line: number;
    column?: number;
}

/** One registered resource, as the engine would hold it after step generation. */
export interface ResourceRecord {
    urn: string;
    /** Full type token, e.g. `aws:apigateway/method:Method`, `pulumi:providers:aws`, `pulumi:pulumi:Stack`. */
    type: string;
    name: string;
    /** A custom (provider-managed) resource, as opposed to a component or the stack. */
    custom: boolean;
    /** A multi-language (remote) component: its children live in a plugin and are not visible offline. */
    remote?: boolean;
    parent?: string;
    provider?: ProviderReference;
    /** Checked inputs: what `Remediate` and `Analyze` receive. */
    inputs: PropertyMap;
    /** Outputs: what `AnalyzeStack` receives (preview: inputs plus unknowns for computed outputs). */
    outputs: PropertyMap;
    dependencies: string[];
    /** Property name → URNs of the resources that property's value depends on (empty lists omitted). */
    propertyDependencies: Record<string, string[]>;
    options: RecordedOptions;
    source?: SourcePosition;
}

export function defaultOptions(): RecordedOptions {
    return {
        protect: false,
        ignoreChanges: [],
        additionalSecretOutputs: [],
        aliases: [],
        customTimeouts: { create: 0, update: 0, delete: 0 },
    };
}

export function stackUrn(project: string, stack: string): string {
    return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/** The qualified type of a URN (`parent$child` chain), the third `::` field. */
export function urnQualifiedType(urn: string): string {
    const parts = urn.split("::");
    return parts.length >= 4 ? parts[2] : "";
}

/** The resource's own type token in a URN: the last `$`-separated part of the qualified type. */
export function urnType(urn: string): string {
    return urnQualifiedType(urn).split("$").pop() ?? "";
}

/** The resource name of a URN: everything after the fourth `::` separator. */
export function urnName(urn: string): string {
    const parts = urn.split("::");
    return parts.length >= 4 ? parts.slice(3).join("::") : "";
}

/** Top-level keys starting with `__` (such as `__defaults`) are internal: the engine strips them for Analyze (SkipInternalKeys). */
export function withoutInternalKeys(map: PropertyMap): PropertyMap {
    const out: PropertyMap = {};
    for (const [k, v] of Object.entries(map)) {
        if (!k.startsWith("__")) {
            out[k] = v;
        }
    }
    return out;
}
