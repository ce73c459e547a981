// The package schema GetSchema returns. The engine asks for it only when a program or tool needs the `aws` package's
// types: a YAML program, or SDK generation for a package whose schema references aws resources (the components'
// `handlers` are `aws:lambda/function:Function` references). A Node.js or Python program never asks.
//
// No offline package ships pulumi-aws's schema, so it is derived from the @pulumi/aws SDK this repository installs:
// every resource class (its token, its properties, its required inputs, read from the class file the same way as
// shapes.ts) and the functions this provider answers (inputs from the SDK's invoke call, outputs from its
// `...Result` interface). Property types are `pulumi.json#/Any`: the SDK's compiled JavaScript does not say them, and
// an Any accepts what the real type accepts, so programs the real schema admits are admitted here too.
import * as fs from "fs";
import * as path from "path";
import { SUPPORTED_INVOKES } from "../../runner/program/invokes";
import { parseClassShape } from "../../runner/program/sdk-shape";
import { awsSdkDir } from "./shapes";

const ANY = { $ref: "pulumi.json#/Any" };
type Props = Record<string, typeof ANY>;

interface ResourceSpec {
    inputProperties: Props;
    properties: Props;
    requiredInputs: string[];
}

interface FunctionSpec {
    inputs: { properties: Props };
    outputs: { properties: Props };
}

function props(names: Iterable<string>): Props {
    const out: Props = {};
    for (const n of [...names].sort()) out[n] = ANY;
    return out;
}

function matches(text: string, re: RegExp): string[] {
    return [...text.matchAll(re)].map((m) => m[1]);
}

/** The resource spec of one SDK class file, or undefined when the file holds no resource class. */
export function resourceFromClassSource(source: string): { token: string; spec: ResourceSpec } | undefined {
    const token = /static __pulumiType = '([^']+)'/.exec(source)?.[1];
    if (!token || !token.includes(":")) return undefined;
    const shape = parseClassShape(source);
    const state = matches(source, /resourceInputs\["([^"]+)"\]\s*=\s*state\?\.\w+/g);
    return {
        token,
        spec: {
            inputProperties: props(shape.inputs),
            properties: props(new Set([...state, ...shape.inputs, ...shape.outputOnly])),
            requiredInputs: [...new Set(matches(source, /Missing required property '([^']+)'/g))].sort(),
        },
    };
}

/** The function spec of one SDK function module (its .js and .d.ts), for the tokens this provider answers. */
export function functionFromSources(js: string, dts: string): { token: string; spec: FunctionSpec } | undefined {
    const call = /pulumi\.runtime\.invoke\("([^"]+)",\s*\{([^}]*)\}/.exec(js);
    if (!call || !SUPPORTED_INVOKES.includes(call[1])) return undefined;
    const result = /export interface \w+Result \{([\s\S]*?)\n\}/.exec(dts)?.[1] ?? "";
    return {
        token: call[1],
        spec: {
            inputs: { properties: props(matches(call[2], /"([^"]+)":/g)) },
            outputs: { properties: props(matches(result, /^\s+readonly (\w+)\??:/gm)) },
        },
    };
}

function sdkFiles(dir: string): string[] {
    const out: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) {
            if (entry.name !== "node_modules" && entry.name !== "types" && entry.name !== "config") {
                for (const f of fs.readdirSync(path.join(dir, entry.name))) {
                    if (f.endsWith(".js")) out.push(path.join(dir, entry.name, f));
                }
            }
        } else if (entry.name.endsWith(".js")) {
            out.push(path.join(dir, entry.name));
        }
    }
    return out;
}

let cached: { version: string; json: string } | undefined;

/**
 * Deriving reads every SDK file (seconds), so the compiled provider keeps the result beside its code, keyed by the
 * SDK's version; a rebuild of the provider replaces its dist folder and so drops it.
 */
function diskCacheFile(dir: string): string | undefined {
    if (!__filename.endsWith(".js")) return undefined;
    try {
        const sdkVersion = (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
        return path.join(__dirname, `aws-schema-${sdkVersion}.json`);
    } catch {
        return undefined;
    }
}

export function packageSchema(version: string): string {
    if (cached?.version === version) return cached.json;
    const dir = awsSdkDir();
    const cacheFile = dir ? diskCacheFile(dir) : undefined;
    if (cacheFile && fs.existsSync(cacheFile)) {
        const schema = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as Record<string, unknown>;
        cached = { version, json: JSON.stringify({ ...schema, version }) };
        return cached.json;
    }
    const resources: Record<string, ResourceSpec> = {};
    const functions: Record<string, FunctionSpec> = {};
    let provider: ResourceSpec = { inputProperties: {}, properties: {}, requiredInputs: [] };
    if (dir) {
        for (const file of sdkFiles(dir)) {
            const js = fs.readFileSync(file, "utf8");
            if (js.includes("extends pulumi.ProviderResource")) {
                provider = { ...provider, inputProperties: props(parseClassShape(js).inputs) };
                continue;
            }
            const resource = js.includes("static __pulumiType") ? resourceFromClassSource(js) : undefined;
            if (resource) {
                resources[resource.token] = resource.spec;
                continue;
            }
            if (js.includes("pulumi.runtime.invoke(")) {
                const dts = file.replace(/\.js$/, ".d.ts");
                const fn = functionFromSources(js, fs.existsSync(dts) ? fs.readFileSync(dts, "utf8") : "");
                if (fn) functions[fn.token] = fn.spec;
            }
        }
    }
    const schema = {
        name: "aws",
        displayName: "AWS",
        version,
        description: "authguard's offline stand-in for the Pulumi AWS provider (no credentials, no network).",
        meta: { moduleFormat: "(.*)(?:/[^/]*)" },
        language: {
            nodejs: { packageName: "@pulumi/aws" },
            python: { packageName: "pulumi_aws" },
        },
        config: { variables: props(Object.keys(provider.inputProperties)) },
        provider,
        resources,
        functions,
    };
    cached = { version, json: JSON.stringify(schema) };
    if (cacheFile) {
        const partial = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(partial, cached.json);
        fs.renameSync(partial, cacheFile);
    }
    return cached.json;
}
