// The deferral of what @pulumi/pulumi loads at start-up but rarely uses (runner/program/deferred-sdk-modules.js),
// installed by runner/program/preload.js in the pack process and the program host: the SDK loads without TypeScript,
// arborist, the Automation API and gRPC, and whatever needs them (serializing a function, computing a function's
// code paths, a gRPC client) loads them then and gives exactly what it gives with the deferral off. The deferral
// patches Node's loader for the whole process, so each case runs in its own Node.js process started as the pack is
// (`node --require preload.js`).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { runProgram } from "../../runner/program";
import { REPO, TempPrograms, pulumiYaml } from "../kit/runner";

const PRELOAD = path.join(REPO, "runner", "program", "preload.js");
const SDK = path.join(REPO, "node_modules", "@pulumi", "pulumi");

interface Probe<T> {
    result: T;
    /** Whether TypeScript and arborist were loaded before and after the work. */
    before: Loaded;
    after: Loaded;
}
interface Loaded {
    typescript: boolean;
    arborist: boolean;
    normalize: boolean;
    automation: boolean;
    grpc: boolean;
    /** semver, js-yaml and the OpenTelemetry API, each read only inside the SDK function that needs it. */
    semver: boolean;
    yaml: boolean;
    opentelemetry: boolean;
}

const LOADED = `() => {
    const files = Object.keys(require.cache);
    return {
        typescript: files.some((f) => f.includes("/node_modules/typescript/")),
        arborist: files.some((f) => f.includes("/node_modules/@npmcli/arborist/")),
        normalize: files.some((f) => f.includes("/node_modules/normalize-package-data/")),
        automation: files.some((f) => f.includes("/@pulumi/pulumi/automation/")),
        grpc: files.some((f) => f.includes("/@grpc/grpc-js/")),
        semver: files.some((f) => f.includes("/node_modules/semver/")),
        yaml: files.some((f) => f.includes("/node_modules/js-yaml/")),
        opentelemetry: files.some((f) => f.includes("/@opentelemetry/api/")),
    };
}`;

/** Runs `work` (an async function body given the SDK as `pulumi`) in a process started with the preload. */
function probe<T>(work: string, opts: { deferral: boolean; cwd?: string; env?: NodeJS.ProcessEnv }): Probe<T> {
    const script = `const loaded = ${LOADED};
const pulumi = require(${JSON.stringify(SDK)});
const before = loaded();
(async () => { ${work} })().then((result) => process.stdout.write(JSON.stringify({ result, before, after: loaded() })));`;
    const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, AUTHGUARD_CODE_CACHE: "off" };
    if (opts.deferral) delete env.AUTHGUARD_DEFER_SDK_MODULES;
    else env.AUTHGUARD_DEFER_SDK_MODULES = "off";
    const r = spawnSync(process.execPath, ["--require", PRELOAD, "-e", script], { encoding: "utf8", env, cwd: opts.cwd, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Probe<T>;
}

describe("runner: deferred SDK modules", function () {
    this.timeout(120_000);
    const temp = new TempPrograms();
    after(() => temp.cleanup());

    it("the SDK loads without TypeScript, arborist, normalize-package-data, the Automation API, gRPC, semver, js-yaml and OpenTelemetry; with the deferral off it loads them all", () => {
        const deferred = probe<null>("return null;", { deferral: true });
        assert.ok(Object.values(deferred.before).every((loaded) => !loaded), JSON.stringify(deferred.before));
        const eager = probe<null>("return null;", { deferral: false });
        assert.ok(Object.values(eager.before).every((loaded) => loaded), JSON.stringify(eager.before));
    });

    it("semver and js-yaml load when the SDK first compares a version or reads a YAML package manifest, with the same answers", () => {
        const project = temp.make("yaml-manifest", { "package.yaml": "name: yaml-manifest\nversion: 1.2.3\nkeywords: [a, b]\n" }, { linkModules: false });
        const work = `const rpc = require(${JSON.stringify(path.join(SDK, "runtime", "rpc"))});
const manifest = require(${JSON.stringify(path.join(SDK, "runtime", "manifest"))});
const module = { version: "4.5.6", construct: () => undefined };
rpc.registerResourceModule("probe", "mod/a", module);
const found = ["4.5.0", "4.6.0", "5.0.0"].map((v) => rpc.getResourceModule("probe", "mod/a", v) === module);
return { found, manifest: manifest.readPackageManifest(${JSON.stringify(project)}).data };`;
        type Result = { found: boolean[]; manifest: unknown };
        const deferred = probe<Result>(work, { deferral: true });
        const eager = probe<Result>(work, { deferral: false });
        assert.deepEqual([deferred.before.semver, deferred.before.yaml], [false, false]);
        assert.deepEqual([deferred.after.semver, deferred.after.yaml], [true, true]);
        assert.deepEqual(deferred.result, eager.result);
        assert.deepEqual(deferred.result, { found: [true, false, false], manifest: { name: "yaml-manifest", version: "1.2.3", keywords: ["a", "b"] } });
    });

    it("gRPC and OpenTelemetry load when the SDK first uses them: a monitor call fails with the same gRPC error as without the deferral", () => {
        // PULUMI_NODEJS_MONITOR: getMonitor() builds the ResourceMonitor client; nothing listens on port 1, so the
        // call goes through the SDK's trace-context interceptor (OpenTelemetry) and fails as unavailable.
        const work = `const settings = require(${JSON.stringify(path.join(SDK, "runtime", "settings"))});
const errors = require(${JSON.stringify(path.join(SDK, "errors"))});
const resproto = require(${JSON.stringify(path.join(SDK, "proto", "resource_pb"))});
const monitor = settings.getMonitor();
const methods = Object.keys(Object.getPrototypeOf(monitor)).sort();
const req = new resproto.SupportsFeatureRequest();
req.setId("resourceReferences");
const error = await new Promise((resolve) => monitor.supportsFeature(req, { deadline: Date.now() + 5000 }, (err) => resolve(err)));
monitor.close();
return { methods, code: error && error.code, isGrpcError: errors.isGrpcError(error), invalidArgument: errors.isGrpcError({ code: 3 }) };`;
        type Result = { methods: string[]; code: number; isGrpcError: boolean; invalidArgument: boolean };
        const env = { PULUMI_NODEJS_MONITOR: "127.0.0.1:1" };
        const deferred = probe<Result>(work, { deferral: true, env });
        const eager = probe<Result>(work, { deferral: false, env });
        assert.deepEqual([deferred.before.grpc, deferred.before.opentelemetry], [false, false]);
        assert.deepEqual([deferred.after.grpc, deferred.after.opentelemetry], [true, true]);
        assert.deepEqual(deferred.result, eager.result);
        assert.ok(deferred.result.methods.includes("registerResource"), deferred.result.methods.join(", "));
        assert.deepEqual([deferred.result.code, deferred.result.isGrpcError, deferred.result.invalidArgument], [14, true, false]);
    });

    it("the Automation API loads when first read, and is the module itself", () => {
        const work = `const a = pulumi.automation;
return { keys: Object.keys(a).sort(), createsWorkspaces: typeof a.LocalWorkspace.create, same: a.LocalWorkspace === require(${JSON.stringify(path.join(SDK, "automation"))}).LocalWorkspace };`;
        const deferred = probe<{ keys: string[]; createsWorkspaces: string; same: boolean }>(work, { deferral: true });
        const eager = probe<{ keys: string[]; createsWorkspaces: string; same: boolean }>(work, { deferral: false });
        assert.equal(deferred.before.automation, false);
        assert.equal(deferred.after.automation, true);
        assert.deepEqual(deferred.result, eager.result);
        assert.ok(deferred.result.keys.includes("LocalWorkspace") && deferred.result.same);
        assert.equal(deferred.result.createsWorkspaces, "function");
    });

    it("serializing a function loads TypeScript then and gives the same code as without the deferral", () => {
        const work = `const prefix = "order-";
const sf = await pulumi.runtime.serializeFunction(class Handler { constructor() { this.id = prefix + 1; } });
return sf.text;`;
        const deferred = probe<string>(work, { deferral: true });
        const eager = probe<string>(work, { deferral: false });
        assert.equal(deferred.before.typescript, false);
        assert.equal(deferred.after.typescript, true, "the class constructor is parsed with TypeScript");
        assert.match(deferred.result, /order-/);
        assert.equal(deferred.result, eager.result);
    });

    it("a function's code paths are read through arborist then, as without the deferral", () => {
        const project = temp.make(
            "code-paths",
            {
                "package.json": JSON.stringify({ name: "code-paths", version: "1.0.0", dependencies: { "dep-a": "1.0.0" } }),
                "index.js": "module.exports = 1;\n",
                "node_modules/dep-a/package.json": JSON.stringify({ name: "dep-a", version: "1.0.0", dependencies: { "dep-b": "1.0.0" } }),
                "node_modules/dep-a/index.js": "module.exports = 'a';\n",
                "node_modules/dep-b/package.json": JSON.stringify({ name: "dep-b", version: "1.0.0" }),
                "node_modules/dep-b/index.js": "module.exports = 'b';\n",
                "node_modules/dev-only/package.json": JSON.stringify({ name: "dev-only", version: "1.0.0" }),
            },
            { linkModules: false },
        );
        const work = "return [...(await pulumi.runtime.computeCodePaths()).keys()].sort();";
        const deferred = probe<string[]>(work, { deferral: true, cwd: project });
        const eager = probe<string[]>(work, { deferral: false, cwd: project });
        assert.equal(deferred.before.arborist, false);
        assert.equal(deferred.after.arborist, true);
        assert.equal(deferred.before.normalize, false);
        assert.equal(deferred.after.normalize, true, "package.json files are normalized");
        assert.deepEqual(deferred.result, eager.result);
        assert.ok(deferred.result.some((p) => p.endsWith("dep-b")), `dep-a's dependency is included: ${deferred.result.join(", ")}`);
        assert.ok(!deferred.result.some((p) => p.includes("dev-only")));
    });

    it("the program host runs a program without loading arborist or gRPC", async () => {
        const programDir = temp.make("host", { "Pulumi.yaml": pulumiYaml("host"), "index.ts": `import * as aws from "@pulumi/aws";\nnew aws.apigatewayv2.Api("http", { protocolType: "HTTP" });\n` });
        const listing = path.join(temp.root, "host-modules.json");
        const probeFile = path.join(temp.root, "host-probe.js");
        fs.writeFileSync(probeFile, `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(listing)}, JSON.stringify(Object.keys(require.cache))));\n`);
        const previous = process.env.AUTHGUARD_HOST_NODE_ARGS;
        process.env.AUTHGUARD_HOST_NODE_ARGS = `--require ${probeFile}`;
        try {
            const run = await runProgram({ programDir, mode: "preview" });
            assert.ok(run.records.some((r) => r.type === "aws:apigatewayv2/api:Api"));
        } finally {
            if (previous === undefined) delete process.env.AUTHGUARD_HOST_NODE_ARGS;
            else process.env.AUTHGUARD_HOST_NODE_ARGS = previous;
        }
        const files = JSON.parse(fs.readFileSync(listing, "utf8")) as string[];
        assert.ok(files.some((f) => f.includes("/@pulumi/pulumi/")), "the probe saw the host's modules");
        assert.deepEqual(files.filter((f) => f.includes("/@npmcli/") || f.includes("/@grpc/grpc-js/")), []);
    });
});
