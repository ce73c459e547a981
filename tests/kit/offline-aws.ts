// Starts the offline AWS provider the way the Pulumi engine starts a resource plugin (the executable, with the
// engine's address as its argument, in the project directory), reads the port it prints and calls it over the
// provider gRPC protocol, as the engine does.
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { PropertyMap } from "../../runner/resource-records";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
export const proto = require("@pulumi/pulumi/proto/provider_pb");
export const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
type Any = any;
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */

export const PLUGIN = path.resolve(__dirname, "../../offline-aws/bin/pulumi-resource-aws");

export interface StartOptions {
    cwd?: string;
    env?: Record<string, string>;
}

export class Plugin {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: Any,
        readonly stderr: () => string,
    ) {}

    static async start(opts: StartOptions = {}): Promise<Plugin> {
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(process.env)) {
            if (v !== undefined && !k.startsWith("TS_NODE_") && !k.startsWith("AUTHGUARD_OFFLINE_AWS_") && !k.startsWith("AWS_")) env[k] = v;
        }
        // The engine address: never dialled by this provider, so any address will do.
        const child = spawn(PLUGIN, ["127.0.0.1:1"], { cwd: opts.cwd ?? process.cwd(), env: { ...env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
        let err = "";
        child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
        const port = await new Promise<number>((resolve, reject) => {
            let out = "";
            child.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                const m = /^(\d+)\n/.exec(out);
                if (m) resolve(Number(m[1]));
            });
            child.on("exit", (code) => reject(new Error(`pulumi-resource-aws exited (${code}) before printing a port:\n${err}`)));
        });
        const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new Plugin(child, client, () => err);
    }

    call<T = Any>(method: string, req: Any): Promise<T> {
        return new Promise((resolve, reject) => this.client[method](req, (e: Error | null, res: T) => (e ? reject(e) : resolve(res))));
    }

    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null && this.child.signalCode === null) {
            const exited = new Promise((r) => this.child.once("exit", r));
            this.child.kill("SIGTERM");
            await exited;
        }
    }

    // ---- typed wrappers for the calls the engine makes -------------------------------------------------------

    async pluginVersion(): Promise<string> {
        return (await this.call("getPluginInfo", new Empty())).getVersion();
    }

    async checkConfig(news: PropertyMap): Promise<{ inputs: PropertyMap; failures: Array<{ property: string; reason: string }> }> {
        const req = new proto.CheckRequest();
        req.setUrn("urn:pulumi:dev::proj::pulumi:providers:aws::default");
        req.setNews(Struct.fromJavaScript(news));
        req.setOlds(Struct.fromJavaScript({}));
        return checkResult(await this.call("checkConfig", req));
    }

    async configure(args: PropertyMap): Promise<Any> {
        const req = new proto.ConfigureRequest();
        req.setArgs(Struct.fromJavaScript(args));
        const vars = req.getVariablesMap();
        for (const [k, v] of Object.entries(args)) if (typeof v === "string") vars.set(`aws:config:${k}`, v);
        req.setAcceptsecrets(true);
        return this.call("configure", req);
    }

    async check(urn: string, news: PropertyMap, olds: PropertyMap = {}) {
        const req = new proto.CheckRequest();
        req.setUrn(urn);
        req.setType(typeOf(urn));
        req.setName(urn.split("::").pop());
        req.setNews(Struct.fromJavaScript(news));
        req.setOlds(Struct.fromJavaScript(olds));
        return checkResult(await this.call("check", req));
    }

    async create(urn: string, properties: PropertyMap, preview = false): Promise<{ id: string; properties: PropertyMap }> {
        const req = new proto.CreateRequest();
        req.setUrn(urn);
        req.setType(typeOf(urn));
        req.setName(urn.split("::").pop());
        req.setProperties(Struct.fromJavaScript(properties));
        req.setPreview(preview);
        const res = await this.call("create", req);
        return { id: res.getId(), properties: res.getProperties().toJavaScript() };
    }

    async diff(urn: string, oldInputs: PropertyMap, news: PropertyMap): Promise<{ changes: number; diffs: string[]; replaces: string[] }> {
        const req = new proto.DiffRequest();
        req.setUrn(urn);
        req.setType(typeOf(urn));
        req.setId("x");
        req.setOlds(Struct.fromJavaScript(oldInputs));
        req.setOldInputs(Struct.fromJavaScript(oldInputs));
        req.setNews(Struct.fromJavaScript(news));
        const res = await this.call("diff", req);
        return { changes: res.getChanges(), diffs: res.getDiffsList(), replaces: res.getReplacesList() };
    }

    async update(urn: string, id: string, olds: PropertyMap, news: PropertyMap, preview = false): Promise<PropertyMap> {
        const req = new proto.UpdateRequest();
        req.setUrn(urn);
        req.setType(typeOf(urn));
        req.setId(id);
        req.setOlds(Struct.fromJavaScript(olds));
        req.setNews(Struct.fromJavaScript(news));
        req.setPreview(preview);
        return (await this.call("update", req)).getProperties().toJavaScript();
    }

    async invoke(token: string, args: PropertyMap): Promise<PropertyMap> {
        const req = new proto.InvokeRequest();
        req.setTok(token);
        req.setArgs(Struct.fromJavaScript(args));
        return (await this.call("invoke", req)).getReturn().toJavaScript();
    }
}

function checkResult(res: Any) {
    return {
        inputs: res.getInputs().toJavaScript() as PropertyMap,
        failures: res.getFailuresList().map((f: Any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
}

export function urnOf(type: string, name: string, stack = "dev", project = "proj"): string {
    return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

function typeOf(urn: string): string {
    return urn.split("::")[2].split("$").pop()!;
}
