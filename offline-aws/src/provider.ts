// The ResourceProvider gRPC service of the offline AWS provider: configuration (region and partition, no
// credentials), Check/Diff/Create/Read/Update/Delete over the resource model, Invoke over the runner's offline
// data sources, GetSchema and GetPluginInfo. Every call is answered locally; nothing touches the network.
import * as grpc from "@grpc/grpc-js";
import { PropertyMap, PropertyValue, UNKNOWN } from "../../runner/resource-records";
import { regionOrDefault } from "../../runner/program/cloud";
import { answerInvoke, defaultInvokeContext } from "../../runner/program/invokes";
import { RecordEntry } from "./record";
import { ResourceModel, canonical, reveal } from "./resources";
import { packageSchema } from "./schema";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const proto = require("@pulumi/pulumi/proto/provider_pb");
const pluginProto = require("@pulumi/pulumi/proto/plugin_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
type Any = any;
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */

export const ANSWERER = "the offline AWS provider (authguard offline-aws)";
const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export interface ProviderOptions {
    version: string;
    record: (entry: RecordEntry) => void;
    env?: NodeJS.ProcessEnv;
}

function mapOf(s: Any): PropertyMap {
    return s ? (s.toJavaScript() as PropertyMap) : {};
}

function struct(m: PropertyMap): Any {
    return Struct.fromJavaScript(m);
}

function plainString(v: PropertyValue | undefined): string | undefined {
    const r = v === undefined ? undefined : reveal(v);
    return typeof r === "string" && r !== UNKNOWN && r !== "" ? r : undefined;
}

function failure(property: string, reason: string): Any {
    const f = new proto.CheckFailure();
    f.setProperty(property);
    f.setReason(reason);
    return f;
}

/** Provider config checks: a `region` that is set must look like one (no network to ask AWS which exist). */
export function configFailures(news: PropertyMap): Array<{ property: string; reason: string }> {
    const region = plainString(news.region);
    if (region !== undefined && !REGION_SHAPE.test(region)) {
        return [{ property: "region", reason: `aws:region "${region}" is not an AWS region name (e.g. eu-west-1)` }];
    }
    return [];
}

export function createProviderService(opts: ProviderOptions): Record<string, grpc.UntypedHandleCall> {
    const env = opts.env ?? process.env;
    let configuredRegion: string | undefined;
    const region = () => regionOrDefault(configuredRegion, env);
    const model = new ResourceModel(region);
    const record = opts.record;

    // Wraps a handler: any thrown error becomes a gRPC error whose message the engine shows the user.
    function unary(fn: (req: Any) => Any): grpc.UntypedHandleCall {
        return ((call: Any, cb: Any) => {
            try {
                cb(null, fn(call.request));
            } catch (e) {
                cb({ code: grpc.status.INVALID_ARGUMENT, details: (e as Error).message });
            }
        }) as grpc.UntypedHandleCall;
    }

    function checkResponse(inputs: PropertyMap, failures: Array<{ property: string; reason: string }>): Any {
        const res = new proto.CheckResponse();
        res.setInputs(struct(inputs));
        res.setFailuresList(failures.map((f) => failure(f.property, f.reason)));
        return res;
    }

    function diffResponse(diffs: string[], replaces: string[]): Any {
        const res = new proto.DiffResponse();
        res.setChanges(diffs.length > 0 ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
        res.setDiffsList(diffs);
        res.setReplacesList(replaces);
        return res;
    }

    return {
        handshake: unary(() => {
            const res = new proto.ProviderHandshakeResponse();
            res.setAcceptSecrets(true);
            res.setAcceptResources(false);
            res.setAcceptOutputs(false);
            res.setSupportsAutonamingConfiguration(false);
            return res;
        }),
        getPluginInfo: unary(() => {
            const info = new pluginProto.PluginInfo();
            info.setVersion(opts.version);
            return info;
        }),
        getSchema: unary((req: Any) => {
            if (req.getSubpackageName()) {
                throw new Error(`the offline AWS provider has no subpackage "${req.getSubpackageName()}"`);
            }
            const res = new proto.GetSchemaResponse();
            res.setSchema(packageSchema(opts.version));
            return res;
        }),
        checkConfig: unary((req: Any) => {
            const news = mapOf(req.getNews());
            return checkResponse(news, configFailures(news));
        }),
        diffConfig: unary((req: Any) => {
            const olds = mapOf(req.getOldInputs() ?? req.getOlds());
            const news = mapOf(req.getNews());
            const diffs = [...new Set([...Object.keys(olds), ...Object.keys(news)])]
                .filter((k) => k !== "version" && !k.startsWith("__"))
                .filter((k) => canonical(olds[k] ?? null) !== canonical(news[k] ?? null))
                .sort();
            // Another region is another set of resources: the real provider replaces them too.
            return diffResponse(diffs, diffs.filter((k) => k === "region"));
        }),
        configure: unary((req: Any) => {
            const args = mapOf(req.getArgs());
            const variables: Record<string, string> = {};
            req.getVariablesMap().forEach((v: string, k: string) => (variables[k] = v));
            configuredRegion = plainString(args.region) ?? (variables["aws:config:region"] || undefined);
            record({ op: "configure", urn: req.getUrn() || undefined, properties: { ...args, region: region() } });
            const res = new proto.ConfigureResponse();
            res.setAcceptsecrets(true);
            res.setSupportspreview(true);
            res.setAcceptresources(false);
            res.setAcceptoutputs(false);
            return res;
        }),
        check: unary((req: Any) => {
            const { inputs, failures } = model.check(req.getType() || typeOfUrn(req.getUrn()), req.getUrn(), mapOf(req.getNews()), mapOf(req.getOlds()));
            return checkResponse(inputs, failures);
        }),
        diff: unary((req: Any) => {
            const news = mapOf(req.getNews());
            const oldInputs = req.getOldInputs() ? mapOf(req.getOldInputs()) : mapOf(req.getOlds());
            const d = model.diff(req.getType() || typeOfUrn(req.getUrn()), oldInputs, news, req.getIgnorechangesList());
            return diffResponse(d.diffs, d.replaces);
        }),
        create: unary((req: Any) => {
            const type = req.getType() || typeOfUrn(req.getUrn());
            const inputs = mapOf(req.getProperties());
            const out = model.create(type, req.getUrn(), inputs, req.getPreview());
            record({ op: "create", urn: req.getUrn(), type, preview: req.getPreview(), id: out.id, properties: inputs });
            const res = new proto.CreateResponse();
            res.setId(out.id);
            res.setProperties(struct(out.properties));
            return res;
        }),
        update: unary((req: Any) => {
            const type = req.getType() || typeOfUrn(req.getUrn());
            const news = mapOf(req.getNews());
            const props = model.update(type, req.getUrn(), req.getId(), mapOf(req.getOlds()), news, req.getPreview());
            record({ op: "update", urn: req.getUrn(), type, preview: req.getPreview(), id: req.getId(), properties: news });
            const res = new proto.UpdateResponse();
            res.setProperties(struct(props));
            return res;
        }),
        read: unary((req: Any) => {
            const out = model.read(req.getId(), mapOf(req.getProperties()), mapOf(req.getInputs()));
            record({ op: "read", urn: req.getUrn(), id: req.getId() });
            const res = new proto.ReadResponse();
            res.setId(out.id);
            res.setProperties(struct(out.properties));
            res.setInputs(struct(out.inputs));
            return res;
        }),
        delete: unary((req: Any) => {
            record({ op: "delete", urn: req.getUrn(), type: req.getType() || typeOfUrn(req.getUrn()), id: req.getId() });
            return new Empty();
        }),
        invoke: unary((req: Any) => {
            const token: string = req.getTok();
            const args = reveal(mapOf(req.getArgs())) as Record<string, unknown>;
            const ctx = defaultInvokeContext(typeof args.region === "string" ? args.region : region());
            const result = answerInvoke(token, args, ctx, ANSWERER);
            record({ op: "invoke", token });
            const res = new proto.InvokeResponse();
            res.setReturn(Struct.fromJavaScript(result));
            return res;
        }),
        attach: unary(() => new Empty()),
        cancel: unary(() => new Empty()),
        getMapping: unary(() => new proto.GetMappingResponse()),
        getMappings: unary(() => new proto.GetMappingsResponse()),
    };
}

/** `urn:pulumi:stack::project::parent$type::name` → `type` (older engines leave CheckRequest.type empty). */
function typeOfUrn(urn: string): string {
    const parts = urn.split("::");
    return parts.length >= 4 ? (parts[2].split("$").pop() ?? "") : "";
}

export function serviceDefinition(): grpc.ServiceDefinition {
    return providerGrpc.ResourceProviderService;
}
