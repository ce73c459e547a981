// The recording resource monitor. `pulumi.runtime.setMocks` installs the SDK's own MockMonitor; the Recorder wraps
// that instance so every RegisterResource request the program sends is read field by field (type, name, parent,
// provider, object, dependencies, propertyDependencies, options, source position) and turned into a
// ResourceRecord as the engine would hold it. It then answers the SDK the way the engine would in the chosen mode:
// - preview: the inputs come back, every other output is unknown and IDs are unknown;
// - up: inputs plus realistic computed outputs and IDs (see cloud.ts).
// It also plays the engine's part of registering one default provider per package (and version) right before the
// first resource that needs it, with the package's config and version as its inputs.

import { ClassShape, emptyShape, parseClassShape } from "./sdk-shape";
import * as path from "path";
import { fileURLToPath } from "url";
import {
    PropertyMap,
    PropertyValue,
    ProviderReference,
    RecordedOptions,
    ResourceRecord,
    SourcePosition,
    UNKNOWN,
    defaultOptions,
    isSecret,
    secret,
    urnName,
    urnType,
    withoutInternalKeys,
} from "../resource-records";
import { AwsContext, autoName, awsContext, computeOutputs, regionOrDefault, uuidFrom } from "./cloud";
import { pickProgramPosition } from "./frames";
import {
    collapseMap,
    defaultProviderName,
    isProviderType,
    makeUrn,
    packageOf,
    parseGoDuration,
    providerType,
} from "./wire";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

export interface RecorderOptions {
    project: string;
    stack: string;
    dryRun: boolean;
    /** Absolute program directory: source positions inside it (and outside node_modules) are preferred. */
    programDir: string;
    /** `namespace:key` → value, as passed in PULUMI_CONFIG. */
    config: Record<string, string>;
    secretKeys: ReadonlySet<string>;
    /** The program's SDK copy of `proto/resource_pb` and `google-protobuf/.../struct_pb`. */
    resproto: Any;
    structproto: Any;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

export class Recorder {
    readonly records: ResourceRecord[] = [];
    private readonly byUrn = new Map<string, ResourceRecord>();
    private readonly shapes = new Map<string, ClassShape>();
    private readonly defaultProviders = new Map<string, ResourceRecord>();
    /** API Gateway REST resource ID → full path, for `Resource.path` in up mode. */
    private readonly restPaths = new Map<string, string>();
    /** Set when the program registers the same URN twice (the engine rejects that too). */
    readonly errors: string[] = [];

    /** Called with each record as it is registered (default providers before the resource that needs them). */
    onRecord?: (record: ResourceRecord) => void;

    constructor(private readonly opts: RecorderOptions) {}

    /**
     * Learns, once per type, the property names the SDK class declares: output-only ones (`resourceInputs["arn"] =
     * undefined /*out*\/`) and inputs (`resourceInputs["name"] = args?.name`). Generated SDK classes of every
     * provider follow this pattern; a class that does not simply yields empty sets.
     */
    learnShape(type: string, resource: unknown): void {
        if (this.shapes.has(type)) {
            return;
        }
        const ctor = (resource as { constructor?: unknown } | undefined)?.constructor;
        const shape = typeof ctor === "function" ? parseClassShape(Function.prototype.toString.call(ctor)) : emptyShape();
        this.shapes.set(type, shape);
    }

    /** Installs the recorder on the SDK's MockMonitor instance. */
    attach(monitor: Any): void {
        // URNs as the engine builds them (the MockMonitor prefixes the stack type and drops grandparents).
        monitor.newUrn = (parent: string, type: string, name: string) =>
            makeUrn(this.opts.stack, this.opts.project, parent || undefined, type, name);
        monitor.registerResource = (req: Any, callback: (err: unknown, resp?: unknown) => void) => {
            try {
                const resp = this.register(req, monitor);
                callback(null, resp);
            } catch (err) {
                callback(err, undefined);
            }
        };
        const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
        monitor.registerResourceOutputs = (req: Any, callback: (err: unknown, resp?: unknown) => void) => {
            const record = this.byUrn.get(req.getUrn());
            if (record && !record.custom) {
                const outs = req.getOutputs();
                record.outputs = collapseMap(outs ? outs.toJavaScript() : {});
            }
            originalOutputs(req, callback);
        };
    }

    private add(record: ResourceRecord): void {
        if (this.byUrn.has(record.urn)) {
            const msg = `Duplicate resource URN '${record.urn}'; try giving it a unique name`;
            this.errors.push(msg);
            throw new Error(msg);
        }
        this.byUrn.set(record.urn, record);
        this.records.push(record);
        this.onRecord?.(record);
    }

    private register(req: Any, monitor: Any): Any {
        const o = this.opts;
        const type: string = req.getType();
        const name: string = req.getName();
        const parent: string | undefined = req.getParent() || undefined;
        const custom: boolean = req.getCustom();
        const remote: boolean = typeof req.getRemote === "function" ? req.getRemote() : false;
        const urn = makeUrn(o.stack, o.project, parent, type, name);
        const rawObject = req.getObject() ? req.getObject().toJavaScript() : {};
        const inputs = collapseMap(rawObject);
        const shape = this.shapes.get(type);

        // The AWS provider's Check autonames an input `name` the program left out (SetAutonaming(255, "-") in
        // pulumi-aws: `<logical name>-<7 random hex>`), in preview as well, so the name is known to later resources.
        if (custom && type.startsWith("aws:") && shape?.inputs.has("name") && (inputs.name === undefined || inputs.name === null)) {
            inputs.name = autoName(name, urn);
        }

        if (isProviderType(type)) {
            // The engine adds the requested plugin version (and download URL) to an explicit provider's inputs.
            const version: string = req.getVersion();
            if (version) {
                inputs.version = version;
            }
            const url: string = typeof req.getPlugindownloadurl === "function" ? req.getPlugindownloadurl() : "";
            if (url) {
                inputs.pluginDownloadURL = url;
            }
        }

        let provider: ProviderReference | undefined;
        if ((custom || remote) && !isProviderType(type)) {
            const ref: string = req.getProvider();
            if (ref) {
                provider = this.explicitProvider(ref);
            } else {
                const url: string = typeof req.getPlugindownloadurl === "function" ? req.getPlugindownloadurl() : "";
                provider = this.defaultProvider(packageOf(type), req.getVersion(), url);
            }
        }

        const propertyDependencies: Record<string, string[]> = {};
        const pdMap = req.getPropertydependenciesMap();
        if (pdMap) {
            for (const [key, deps] of pdMap.entries() as Iterable<[string, Any]>) {
                const urns: string[] = deps.getUrnsList();
                if (urns.length > 0) {
                    propertyDependencies[key] = [...urns];
                }
            }
        }

        const options = this.options(req, urn);
        const record: ResourceRecord = {
            urn,
            type,
            name,
            custom,
            parent,
            provider,
            inputs,
            outputs: {},
            dependencies: [...(req.getDependenciesList() as string[])],
            propertyDependencies,
            options,
        };
        if (remote) {
            record.remote = true;
        }
        const source = this.sourceOf(req);
        if (source) {
            record.source = source;
        }

        // What the engine answers the SDK with, and the outputs AnalyzeStack will see.
        let id = "";
        let state: PropertyMap = {};
        if (type === STACK_TYPE || (!custom && !remote)) {
            record.outputs = {};
        } else if (remote) {
            // Multi-language component: its provider (and children) do not run offline.
            record.outputs = {};
            state = inputs;
        } else if (isProviderType(type)) {
            record.outputs = { ...inputs };
            state = inputs;
            id = o.dryRun ? "" : uuidFrom(urn);
        } else {
            const outputKeys = shape?.outputOnly ?? new Set<string>();
            if (o.dryRun) {
                const outputs: PropertyMap = { ...inputs, id: UNKNOWN };
                for (const k of outputKeys) {
                    if (!Object.prototype.hasOwnProperty.call(inputs, k)) {
                        outputs[k] = UNKNOWN;
                    }
                }
                record.outputs = outputs;
                state = inputs;
            } else {
                const computed = computeOutputs({
                    urn,
                    type,
                    name,
                    inputs,
                    aws: this.awsFor(inputs, provider),
                    outputKeys,
                    restResourcePath: (rid) => this.restPaths.get(rid),
                });
                id = computed.id;
                record.outputs = { ...inputs, ...computed.values, id };
                state = { ...inputs, ...computed.values };
                this.notePaths(type, computed.values, id);
            }
            for (const key of options.additionalSecretOutputs) {
                const v = record.outputs[key];
                if (v !== undefined && !isSecret(v)) {
                    record.outputs[key] = secret(v);
                }
            }
        }

        this.add(record);
        const structState = this.opts.structproto.Struct.fromJavaScript(state);
        if (monitor.resources instanceof Map) {
            monitor.resources.set(urn, { urn, id: id || null, state });
        }
        const resp = new this.opts.resproto.RegisterResourceResponse();
        resp.setUrn(urn);
        resp.setId(id);
        resp.setObject(structState);
        return resp;
    }

    private notePaths(type: string, values: PropertyMap, id: string): void {
        if (type === "aws:apigateway/restApi:RestApi" && typeof values.rootResourceId === "string") {
            this.restPaths.set(values.rootResourceId, "/");
        } else if (type === "aws:apigateway/resource:Resource" && typeof values.path === "string") {
            this.restPaths.set(id, values.path);
        }
    }

    private awsFor(inputs: PropertyMap, provider: ProviderReference | undefined): AwsContext {
        const region = plainString(inputs.region) ?? plainString(provider?.properties.region) ?? this.configuredRegion();
        return awsContext(region);
    }

    /** The region the default AWS provider would use: `aws:region`, then the AWS environment, then us-east-1. */
    configuredRegion(): string {
        return regionOrDefault(this.opts.config["aws:region"]);
    }

    /** Region for an invoke running against the given provider reference (`urn::id`, or "" for the default). */
    regionForProviderRef(ref: string | undefined): string {
        if (ref) {
            const rec = this.byUrn.get(ref.slice(0, ref.lastIndexOf("::")));
            const r = plainString(rec?.inputs.region);
            if (r) {
                return r;
            }
        }
        return this.configuredRegion();
    }

    private explicitProvider(ref: string): ProviderReference {
        const cut = ref.lastIndexOf("::");
        const provUrn = cut > 0 ? ref.slice(0, cut) : ref;
        const rec = this.byUrn.get(provUrn);
        return {
            urn: provUrn,
            type: rec?.type ?? urnType(provUrn),
            name: rec?.name ?? urnName(provUrn),
            properties: withoutInternalKeys(rec?.inputs ?? {}),
        };
    }

    private defaultProvider(pkg: string, version: string, pluginDownloadURL: string): ProviderReference {
        const key = `${pkg}@${version}@${pluginDownloadURL}`;
        let rec = this.defaultProviders.get(key);
        if (!rec) {
            const type = providerType(pkg);
            const name = defaultProviderName(version, pluginDownloadURL);
            const inputs: PropertyMap = {};
            const prefix = `${pkg}:`;
            for (const [k, v] of Object.entries(this.opts.config)) {
                if (k.startsWith(prefix)) {
                    inputs[k.slice(prefix.length)] = this.opts.secretKeys.has(k) ? secret(v) : v;
                }
            }
            if (version) {
                inputs.version = version;
            }
            if (pluginDownloadURL) {
                inputs.pluginDownloadURL = pluginDownloadURL;
            }
            rec = {
                urn: makeUrn(this.opts.stack, this.opts.project, undefined, type, name),
                type,
                name,
                custom: true,
                inputs,
                outputs: { ...inputs },
                dependencies: [],
                propertyDependencies: {},
                options: defaultOptions(),
            };
            this.defaultProviders.set(key, rec);
            this.add(rec);
        }
        return { urn: rec.urn, type: rec.type, name: rec.name, properties: withoutInternalKeys(rec.inputs) };
    }

    private options(req: Any, urn: string): RecordedOptions {
        const options = defaultOptions();
        options.protect = req.getProtect() === true;
        options.ignoreChanges = [...(req.getIgnorechangesList() as string[])];
        if (req.getDeletebeforereplacedefined()) {
            options.deleteBeforeReplace = req.getDeletebeforereplace() === true;
        }
        options.additionalSecretOutputs = [...(req.getAdditionalsecretoutputsList() as string[])];
        const ct = req.getCustomtimeouts();
        if (ct) {
            const parse = (label: string, s: string) => {
                try {
                    return parseGoDuration(s || "");
                } catch (e) {
                    throw new Error(`${urn}: customTimeouts.${label}: ${(e as Error).message}`);
                }
            };
            options.customTimeouts = {
                create: parse("create", ct.getCreate()),
                update: parse("update", ct.getUpdate()),
                delete: parse("delete", ct.getDelete()),
            };
        }
        return options;
    }

    /**
     * The request's source position when it points into the program (not node_modules); otherwise the first frame
     * of the request's stack trace that does, so a resource created by a library component points at the program
     * line that created the component (see pickProgramPosition).
     */
    private sourceOf(req: Any): SourcePosition | undefined {
        return pickProgramPosition(requestPositions(req), this.opts.programDir);
    }
}

/** The request's source position, then its stack trace's frames, as SourcePositions with absolute paths. */
function* requestPositions(req: Any): Generator<SourcePosition> {
    const candidates: Any[] = [];
    const sp = typeof req.getSourceposition === "function" ? req.getSourceposition() : undefined;
    if (sp) {
        candidates.push(sp);
    }
    const st = typeof req.getStacktrace === "function" ? req.getStacktrace() : undefined;
    if (st) {
        for (const frame of st.getFramesList() as Any[]) {
            const pc = frame.getPc();
            if (pc) {
                candidates.push(pc);
            }
        }
    }
    for (const pos of candidates) {
        const file = toPath(pos.getUri());
        if (!file) {
            continue;
        }
        const position: SourcePosition = { file, line: pos.getLine() };
        const column = pos.getColumn();
        if (column) {
            position.column = column;
        }
        yield position;
    }
}

function toPath(uri: string): string | undefined {
    if (!uri) {
        return undefined;
    }
    if (uri.startsWith("file:")) {
        try {
            return fileURLToPath(uri);
        } catch {
            return undefined;
        }
    }
    return path.isAbsolute(uri) ? uri : undefined;
}

function plainString(v: PropertyValue | undefined): string | undefined {
    if (typeof v === "string" && v !== UNKNOWN) {
        return v;
    }
    if (isSecret(v)) {
        return plainString(v.value);
    }
    return undefined;
}
