// A stack's state resources (apitype ResourceV3) turned into the records the analyzer driver replays, the way the
// engine's `pulumi policy analyze` does (pkg/resource/deploy/analyze_snapshot.go, v3.248.0):
//   - resources marked `delete` (pending deletion) are left out of Analyze and AnalyzeStack;
//   - Analyze gets the state's inputs, AnalyzeStack its outputs, with parent, dependencies and property dependencies
//     as recorded;
//   - the provider is the provider resource the `provider` reference (`<urn>::<id>`) names, with its inputs;
//   - the name is the URN's name; options carry protect, ignoreChanges, additionalSecretOutputs, customTimeouts, parent.
// Everything is checked on the way: a malformed URN, type token or reference is an error naming the resource, raised
// before the stack reaches the pack, so a stack is audited whole or not at all.
import { PropertyMap, ResourceRecord, RecordedOptions, defaultOptions, urnName, urnQualifiedType } from "../resource-records";
import { isProviderType } from "../program/wire";
import { AuditInputError } from "./errors";
import { PropertyError, SecretTally, convertMap } from "./properties";
import { StackFile } from "./state-file";

export interface AuditStack {
    file: string;
    project: string;
    stack: string;
    organization?: string;
    /** Resources to analyze, in state order (pending deletions left out). */
    records: ResourceRecord[];
    /** Resources marked for deletion, skipped as the engine skips them. */
    pendingDeletes: number;
    secrets: SecretTally;
}

/**
 * A type token the engine would accept: `package:module:Member` (`pulumi:pulumi:Stack`, `pulumi:providers:aws`,
 * `aws:apigateway/method:Method`). Anything else cannot have come from a provider schema or an SDK.
 */
const TYPE_TOKEN = /^[A-Za-z_][A-Za-z0-9_.-]*:[A-Za-z0-9_./-]*:[A-Za-z_$][A-Za-z0-9_.$-]*$/;
const URN_PREFIX = "urn:pulumi:";

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
    return Array.isArray(v) && v.every((e) => typeof e === "string");
}

/** Stack, project and organization from the checkpoint's `stack` (`organization/<project>/<stack>`), if any. */
function identityFromCheckpoint(name: string | undefined): { organization?: string; project?: string; stack?: string } {
    if (!name) return {};
    const parts = name.split("/");
    return parts.length === 3 ? { organization: parts[0], project: parts[1], stack: parts[2] } : { stack: name };
}

export function toAuditStack(src: StackFile): AuditStack {
    const file = src.file;
    const fromCheckpoint = identityFromCheckpoint(src.checkpointStack);
    const secrets: SecretTally = { encrypted: 0, plaintexts: new Set() };
    const bad = (message: string, urn?: string) => new AuditInputError("BAD_RESOURCE", file, `${file}: ${message}`, urn);

    // First pass: URNs, types and which resources are providers, so references can be checked in one more pass.
    interface Raw {
        res: Obj;
        urn: string;
        type: string;
    }
    const raws: Raw[] = [];
    const providers = new Map<string, Obj>();
    const live = new Set<string>();
    const known = new Set<string>();
    let project: string | undefined;
    let stack: string | undefined;
    src.resources.forEach((res, i) => {
        if (!isObject(res)) throw bad(`resource #${i + 1} is not an object`);
        const urn = res.urn;
        if (typeof urn !== "string" || !urn.startsWith(URN_PREFIX) || urn.split("::").length < 4) {
            throw bad(`resource #${i + 1} has a malformed URN ${JSON.stringify(urn)} (expected urn:pulumi:<stack>::<project>::<type>::<name>)`);
        }
        const parts = urn.split("::");
        const urnStack = parts[0].slice(URN_PREFIX.length);
        const urnProject = parts[1];
        if (project === undefined) {
            project = urnProject;
            stack = urnStack;
        } else if (urnProject !== project || urnStack !== stack) {
            throw bad(`resource ${urn} belongs to stack ${urnProject}/${urnStack}, not ${project}/${stack} like the resources before it`, urn);
        }
        const type = res.type;
        if (typeof type !== "string" || !TYPE_TOKEN.test(type)) {
            throw bad(`resource ${urn} has a malformed type token ${JSON.stringify(type)} (expected <package>:<module>:<Type>)`, urn);
        }
        const urnType = urnQualifiedType(urn).split("$").pop();
        if (urnType !== type) throw bad(`resource ${urn} has type ${type}, but its URN says ${urnType}`, urn);
        if (typeof res.custom !== "boolean") throw bad(`resource ${urn} has no boolean "custom" field`, urn);
        if (isProviderType(type)) providers.set(urn, res);
        known.add(urn);
        if (res.delete !== true) {
            if (live.has(urn)) throw bad(`resource ${urn} appears twice`, urn);
            live.add(urn);
        }
        raws.push({ res, urn, type });
    });

    const records: ResourceRecord[] = [];
    let pendingDeletes = 0;
    for (const { res, urn, type } of raws) {
        if (res.delete === true) {
            pendingDeletes++;
            continue;
        }
        const field = (name: string) => `resource ${urn}: "${name}"`;
        let inputs: PropertyMap;
        let outputs: PropertyMap;
        try {
            inputs = convertMap(res.inputs, "inputs", secrets);
            outputs = convertMap(res.outputs, "outputs", secrets);
        } catch (e) {
            if (e instanceof PropertyError) throw bad(`resource ${urn}: ${e.message}`, urn);
            throw e;
        }
        const parent = res.parent;
        if (parent !== undefined && parent !== "" && (typeof parent !== "string" || !known.has(parent))) {
            throw bad(`${field("parent")} ${JSON.stringify(parent)} is not a resource of this stack`, urn);
        }
        const dependencies = res.dependencies ?? [];
        if (!isStringArray(dependencies)) throw bad(`${field("dependencies")} is not a list of URNs`, urn);
        const propertyDependencies: Record<string, string[]> = {};
        if (res.propertyDependencies !== undefined) {
            if (!isObject(res.propertyDependencies)) throw bad(`${field("propertyDependencies")} is not an object`, urn);
            for (const [key, urns] of Object.entries(res.propertyDependencies)) {
                if (!isStringArray(urns)) throw bad(`${field(`propertyDependencies.${key}`)} is not a list of URNs`, urn);
                if (urns.length > 0) propertyDependencies[key] = urns;
            }
        }
        const record: ResourceRecord = {
            urn,
            type,
            name: urnName(urn),
            custom: res.custom as boolean,
            inputs,
            outputs,
            dependencies,
            propertyDependencies,
            options: readOptions(res, urn, bad),
        };
        if (typeof parent === "string" && parent !== "") record.parent = parent;
        const providerRef = res.provider;
        if (providerRef !== undefined && providerRef !== "") {
            const cut = typeof providerRef === "string" ? providerRef.lastIndexOf("::") : -1;
            const provUrn = cut > 0 ? (providerRef as string).slice(0, cut) : "";
            const prov = providers.get(provUrn);
            if (!prov) {
                throw bad(`${field("provider")} ${JSON.stringify(providerRef)} does not name a provider resource of this stack (expected <provider urn>::<id>)`, urn);
            }
            let properties: PropertyMap;
            try {
                properties = convertMap(prov.inputs, "inputs", secrets);
            } catch (e) {
                if (e instanceof PropertyError) throw bad(`provider ${provUrn}: ${e.message}`, provUrn);
                throw e;
            }
            record.provider = { urn: provUrn, type: prov.type as string, name: urnName(provUrn), properties };
        }
        records.push(record);
    }
    return {
        file,
        project: project ?? fromCheckpoint.project ?? "",
        stack: stack ?? fromCheckpoint.stack ?? "",
        organization: fromCheckpoint.organization,
        records,
        pendingDeletes,
        secrets,
    };
}

function readOptions(res: Obj, urn: string, bad: (message: string, urn?: string) => AuditInputError): RecordedOptions {
    const options = defaultOptions();
    const list = (name: "ignoreChanges" | "additionalSecretOutputs"): string[] => {
        const v = res[name] ?? [];
        if (!isStringArray(v)) throw bad(`resource ${urn}: "${name}" is not a list of strings`, urn);
        return v;
    };
    options.protect = res.protect === true;
    options.ignoreChanges = list("ignoreChanges");
    options.additionalSecretOutputs = list("additionalSecretOutputs");
    const t = res.customTimeouts;
    if (t !== undefined && t !== null) {
        if (!isObject(t)) throw bad(`resource ${urn}: "customTimeouts" is not an object`, urn);
        const seconds = (k: "create" | "update" | "delete") => {
            const v = t[k] ?? 0;
            if (typeof v !== "number") throw bad(`resource ${urn}: "customTimeouts.${k}" is not a number of seconds`, urn);
            return v;
        };
        options.customTimeouts = { create: seconds("create"), update: seconds("update"), delete: seconds("delete") };
    }
    return options;
}
