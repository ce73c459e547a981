// The resource lifecycle of the offline AWS provider, on plain property maps (the gRPC layer is provider.ts):
// Check fills what the real provider fills (autonames, schema defaults), Create/Update return the IDs and computed
// outputs of the runner's cloud model (runner/program/cloud.ts) in the provider's partition and region, and
// previews leave every computed output unknown, as the real provider's plan does.
import { PropertyMap, PropertyValue, SECRET_SIG, SIG_KEY, UNKNOWN, urnName } from "../../runner/resource-records";
import { autoName, awsContext, computeOutputs } from "../../runner/program/cloud";
import { CHECK_DEFAULTS, REPLACE_ON_CHANGE } from "./resource-rules";
import { shapeOf } from "./shapes";

export interface CheckFailure {
    property: string;
    reason: string;
}

export interface DiffResult {
    /** Top-level properties whose value changed. */
    diffs: string[];
    /** The changed properties that force a replacement. */
    replaces: string[];
}

export interface CreateResult {
    id: string;
    properties: PropertyMap;
}

/** The value inside secret wrappers (deeply), for computing names and ARNs from it. */
export function reveal(v: PropertyValue): PropertyValue {
    if (Array.isArray(v)) {
        return v.map(reveal);
    }
    if (v !== null && typeof v === "object") {
        if (v[SIG_KEY] === SECRET_SIG) {
            return reveal(v.value ?? null);
        }
        const out: PropertyMap = {};
        for (const [k, x] of Object.entries(v)) {
            out[k] = reveal(x);
        }
        return out;
    }
    return v;
}

function revealMap(m: PropertyMap): PropertyMap {
    return reveal(m) as PropertyMap;
}

function isAbsent(v: PropertyValue | undefined): boolean {
    return v === undefined || v === null;
}

/** Key-order-independent JSON, so equal maps compare equal. */
export function canonical(v: PropertyValue | undefined): string {
    if (v === undefined) {
        return "undefined";
    }
    if (Array.isArray(v)) {
        return `[${v.map(canonical).join(",")}]`;
    }
    if (v !== null && typeof v === "object") {
        return `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(v);
}

export class ResourceModel {
    /** API Gateway REST resource ID → full path, for `Resource.path` (filled as this process creates them). */
    private readonly restPaths = new Map<string, string>();

    /** `region` is the provider's configured region; a resource's own `region` input (aws v7) overrides it. */
    constructor(private readonly region: () => string) {}

    check(type: string, urn: string, news: PropertyMap, olds: PropertyMap): { inputs: PropertyMap; failures: CheckFailure[] } {
        const inputs: PropertyMap = { ...news };
        // pulumi-aws autonames `name` (`<logical name>-<7 hex>`); an earlier autoname is kept, as the real provider
        // keeps the old name while inputs do not change it.
        if (shapeOf(type).inputs.has("name") && isAbsent(inputs.name)) {
            inputs.name = typeof olds.name === "string" ? olds.name : autoName(urnName(urn), urn);
        }
        for (const [k, v] of Object.entries(CHECK_DEFAULTS[type] ?? {})) {
            if (isAbsent(inputs[k])) {
                inputs[k] = v;
            }
        }
        return { inputs, failures: [] };
    }

    diff(type: string, oldInputs: PropertyMap, news: PropertyMap, ignoreChanges: readonly string[]): DiffResult {
        const keys = new Set([...Object.keys(oldInputs), ...Object.keys(news)]);
        const forceNew = new Set(REPLACE_ON_CHANGE[type] ?? (shapeOf(type).inputs.has("name") ? ["name"] : []));
        const diffs: string[] = [];
        for (const k of [...keys].sort()) {
            if (k.startsWith("__") || ignoreChanges.includes(k)) {
                continue;
            }
            if (canonical(oldInputs[k] ?? null) !== canonical(news[k] ?? null)) {
                diffs.push(k);
            }
        }
        return { diffs, replaces: diffs.filter((k) => forceNew.has(k)) };
    }

    create(type: string, urn: string, inputs: PropertyMap, preview: boolean): CreateResult {
        if (preview) {
            return { id: "", properties: this.planned(type, inputs, { id: UNKNOWN }) };
        }
        const computed = this.compute(type, urn, inputs);
        this.notePaths(type, computed.values, computed.id);
        return { id: computed.id, properties: { ...inputs, ...computed.values, id: computed.id } };
    }

    update(type: string, urn: string, id: string, olds: PropertyMap, news: PropertyMap, preview: boolean): PropertyMap {
        const shape = shapeOf(type);
        if (preview) {
            const kept: PropertyMap = { id };
            for (const k of shape.outputOnly) {
                if (olds[k] !== undefined) {
                    kept[k] = olds[k];
                }
            }
            return this.planned(type, news, kept);
        }
        const computed = this.compute(type, urn, news);
        this.notePaths(type, computed.values, id);
        return { ...news, ...computed.values, id };
    }

    /** Offline there is no cloud to read: a resource is what its state says; a `get` of one gets its ID only. */
    read(id: string, properties: PropertyMap, inputs: PropertyMap): { id: string; properties: PropertyMap; inputs: PropertyMap } {
        return { id, properties: { ...properties, id }, inputs };
    }

    /** Inputs plus every output-only property of the type as unknown (those `known` fills excepted). */
    private planned(type: string, inputs: PropertyMap, known: PropertyMap): PropertyMap {
        const out: PropertyMap = { ...inputs };
        for (const k of shapeOf(type).outputOnly) {
            if (out[k] === undefined) {
                out[k] = known[k] ?? UNKNOWN;
            }
        }
        out.id = known.id ?? UNKNOWN;
        return out;
    }

    private compute(type: string, urn: string, inputs: PropertyMap) {
        const plain = revealMap(inputs);
        const region = typeof plain.region === "string" && plain.region !== "" ? plain.region : this.region();
        return computeOutputs({
            urn,
            type,
            name: urnName(urn),
            inputs: plain,
            aws: awsContext(region),
            outputKeys: shapeOf(type).outputOnly,
            restResourcePath: (rid) => this.restPaths.get(rid),
        });
    }

    private notePaths(type: string, values: PropertyMap, id: string): void {
        if (type === "aws:apigateway/restApi:RestApi" && typeof values.rootResourceId === "string") {
            this.restPaths.set(values.rootResourceId, "/");
        } else if (type === "aws:apigateway/resource:Resource" && typeof values.path === "string") {
            this.restPaths.set(id, values.path);
        }
    }
}
