// The cache-first TypeScript loader (runner/program/ts-register.js), through the real processes: the CLI and its
// program hosts start without loading ts-node or TypeScript once their registrations are cached, record exactly
// what they record with ts-node (resources, source positions, a program error's position), never serve a
// registration whose inputs changed (the program, tsconfig.json, a tsconfig it extends, a tsconfig created where
// none was or where ts-node probed, a TS_NODE_* variable), and hand what they do not reproduce to ts-node (allowJs,
// .tsx). Which modules a process loaded is written at its exit by a `--require` probe.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ResourceRecord } from "../../runner/resource-records";
import { ProgramFailure } from "../../runner/program/protocol";
import { ProgramRunError, runProgram } from "../../runner/program";
import { TempPrograms, cli, lineOf, pulumiYaml } from "../kit/runner";

/** The modules one process had loaded when it exited (module.parent: the first module that required it). */
interface Loaded {
    main: string;
    modules: { file: string; parent: string | null }[];
}

const PROBE = `"use strict";
const fs = require("fs");
const path = require("path");
process.on("exit", () => {
    const modules = Object.values(require.cache).map((m) => ({ file: m.filename, parent: m.parent ? m.parent.filename : null }));
    fs.writeFileSync(path.join(process.env.TS_REGISTER_PROBE_DIR, process.pid + ".json"), JSON.stringify({ main: process.argv[1], modules }));
});
`;

const SDK_TYPESCRIPT_SHIM = `${path.sep}@pulumi${path.sep}pulumi${path.sep}typescript-shim.js`;

/**
 * The ts-node and TypeScript modules a process loaded to compile TypeScript: every ts-node module, and TypeScript
 * unless the SDK's own closure serialization loaded it (its typescript-shim, outside this loader's reach).
 */
function typeScriptLoads(loaded: Loaded): string[] {
    const inPackage = (file: string, name: string) => file.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`);
    return loaded.modules
        .filter((m) => inPackage(m.file, "ts-node") || (inPackage(m.file, "typescript") && !(m.parent ?? "").endsWith(SDK_TYPESCRIPT_SHIM)))
        .map((m) => m.file);
}

const TS_MARKER_PROGRAM = `import * as aws from "@pulumi/aws";

// What the compiler emitted for a class: "class" for ES2015 and later targets, "function" for ES5.
class Marker {}
const emitted = String(Marker).startsWith("class") ? "class" : "function";
new aws.apigatewayv2.Api(\`api-\${emitted}\`, { protocolType: "HTTP" });
`;

const tsconfig = (compilerOptions: object, extra: object = {}) => JSON.stringify({ ...extra, compilerOptions }, null, 2);

describe("runner: cache-first TypeScript loader (ts-register.js)", function () {
    this.timeout(300_000);
    const temp = new TempPrograms();
    const probe = path.join(temp.root, "probe.js");
    const cacheHome = path.join(temp.root, "xdg");
    let probeRuns = 0;

    /** A fresh folder for the probe's reports of one run. */
    function probeDir(): string {
        const dir = path.join(temp.root, "probe", String(++probeRuns));
        fs.mkdirSync(dir, { recursive: true });
        return dir;
    }

    function reports(dir: string): Loaded[] {
        return fs.readdirSync(dir).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Loaded);
    }

    const saved: Record<string, string | undefined> = {};
    const setEnv = (name: string, value: string | undefined) => {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    };
    before(() => {
        fs.writeFileSync(probe, PROBE);
        for (const name of ["XDG_CACHE_HOME", "AUTHGUARD_HOST_NODE_ARGS", "TS_REGISTER_PROBE_DIR", "AUTHGUARD_TRANSPILE_CACHE", "PULUMI_NODEJS_TRANSPILE_ONLY"]) {
            saved[name] = process.env[name];
        }
        // The program hosts runProgram starts inherit these: their caches live under cacheHome, the probe reports.
        process.env.XDG_CACHE_HOME = cacheHome;
        process.env.AUTHGUARD_HOST_NODE_ARGS = `--require ${probe}`;
        delete process.env.AUTHGUARD_TRANSPILE_CACHE;
        delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    });
    after(() => {
        for (const [name, value] of Object.entries(saved)) setEnv(name, value);
        temp.cleanup();
    });

    interface HostRun {
        records: ResourceRecord[];
        failure?: ProgramFailure;
        /** What the program host loaded. */
        loaded: Loaded;
    }

    /** Runs the program in `dir` in a program host (preview), with the probe. */
    async function host(dir: string): Promise<HostRun> {
        const reportDir = probeDir();
        process.env.TS_REGISTER_PROBE_DIR = reportDir;
        let records: ResourceRecord[] = [];
        let failure: ProgramFailure | undefined;
        try {
            records = (await runProgram({ programDir: dir, mode: "preview" })).records;
        } catch (e) {
            if (!(e instanceof ProgramRunError)) throw e;
            failure = e.failure;
        }
        const loaded = reports(reportDir);
        assert.equal(loaded.length, 1, "one program host, one probe report");
        return { records, failure, loaded: loaded[0] };
    }

    /** Runs the program and asserts that it started without ts-node or TypeScript (a warm run). */
    async function warmHost(dir: string): Promise<HostRun> {
        const run = await host(dir);
        assert.deepEqual(typeScriptLoads(run.loaded), [], "a warm program host must not load ts-node or TypeScript");
        return run;
    }

    const apiNames = (run: HostRun) => {
        assert.equal(run.failure, undefined, run.failure?.message);
        return run.records.filter((r) => r.type === "aws:apigatewayv2/api:Api").map((r) => r.name);
    };

    const program = (name: string, files: Record<string, string>) =>
        temp.make(name, { "Pulumi.yaml": pulumiYaml(name), "Pulumi.dev.yaml": "config:\n  aws:region: us-east-1\n", ...files });

    describe("the CLI and its program hosts", function () {
        /** `authguard <args>` as a user runs it, with the probe in every Node.js process it starts. */
        function run(args: string[], env: NodeJS.ProcessEnv = {}) {
            const reportDir = probeDir();
            const r = cli(args, {
                XDG_CACHE_HOME: cacheHome,
                NODE_OPTIONS: `--require ${probe}`,
                AUTHGUARD_HOST_NODE_ARGS: undefined,
                TS_REGISTER_PROBE_DIR: reportDir,
                ...env,
            });
            const loaded = reports(reportDir);
            const cliProcess = loaded.filter((l) => l.main.endsWith(path.join("bin", "authguard.js")));
            const hosts = loaded.filter((l) => l.main.endsWith(path.join("program", "host-entry.js")));
            assert.equal(cliProcess.length, 1, `the CLI's probe report is missing: ${r.stderr}`);
            return { ...r, cli: cliProcess[0], hosts };
        }
        const check = (env: NodeJS.ProcessEnv = {}) => run(["check", "examples/secure-api"], env);

        it("a warm check loads neither ts-node nor TypeScript in the CLI or its program hosts, and reports what the cold one did", () => {
            const cold = check();
            assert.equal(cold.status, 0, cold.stderr);
            assert.equal(cold.hosts.length, 2, "the default run starts two program hosts (preview and up)");
            for (const p of [cold.cli, ...cold.hosts]) assert.ok(typeScriptLoads(p).length > 0, `the cold ${p.main} registers ts-node`);

            const warm = check();
            assert.equal(warm.status, 0, warm.stderr);
            assert.equal(warm.hosts.length, 2);
            for (const p of [warm.cli, ...warm.hosts]) assert.deepEqual(typeScriptLoads(p), [], `the warm ${p.main} must not load ts-node or TypeScript`);
            assert.equal(warm.stdout, cold.stdout);

            // AUTHGUARD_TRANSPILE_CACHE=off turns the loader's cache off too: ts-node registers as without it.
            const off = check({ AUTHGUARD_TRANSPILE_CACHE: "off" });
            assert.equal(off.status, 0, off.stderr);
            for (const p of [off.cli, ...off.hosts]) assert.ok(typeScriptLoads(p).length > 0, `with the cache off ${p.main} registers ts-node`);
            assert.equal(off.stdout, cold.stdout);
        });

        it("a TS_NODE_* variable is part of the registration: ts-node's behaviour under it, cold and warm", () => {
            // Ignoring the runner's report folder makes ts-node hand those files to Node.js uncompiled: the CLI
            // cannot start. A registration cached without the variable would start it.
            const env = { TS_NODE_IGNORE: "(?:^|/)runner/report/" };
            const without = run(["--version"]);
            assert.equal(without.status, 0, without.stderr);
            assert.deepEqual(typeScriptLoads(run(["--version"]).cli), [], "the registration without the variable is cached");
            const cold = check(env);
            assert.notEqual(cold.status, 0);
            assert.match(cold.stderr, /runner\/report\//);
            assert.ok(typeScriptLoads(cold.cli).length > 0, "a new variable is a new registration: ts-node registers");
            const warm = check(env);
            assert.equal(warm.status, cold.status);
            assert.equal(warm.stderr, cold.stderr);
            assert.deepEqual(typeScriptLoads(warm.cli), [], "the registration under the variable is cached in turn");
        });
    });

    describe("the program host", function () {
        it("records the same resources, source positions and program error position cold and warm", async () => {
            const dir = program("positions", {
                "index.ts": `import * as aws from "@pulumi/aws";
import { route } from "./routes";

const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" }); // API
route(api, "GET /a");
route(api, "GET /b");
`,
                "routes.ts": `import * as aws from "@pulumi/aws";

export function route(api: aws.apigatewayv2.Api, key: string): aws.apigatewayv2.Route {
    const name: string = key.replace(/[^a-z]/gi, "").toLowerCase();
    return new aws.apigatewayv2.Route(name, { apiId: api.id, routeKey: key, authorizationType: "NONE" }); // ROUTE
}
`,
            });
            const failing = program("throws", {
                "index.ts": `import * as aws from "@pulumi/aws";

interface Shape {
    n: number;
}
const shape: Shape = { n: 1 };
new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });
if (shape.n > 0) {
    throw new Error("boom from the program"); // THROW
}
`,
            });
            const positions = (run: HostRun) => run.records.map((r) => `${r.urn} ${r.source?.file}:${r.source?.line}:${r.source?.column}`);

            const cold = await host(dir);
            assert.ok(typeScriptLoads(cold.loaded).length > 0, "the cold host registers ts-node");
            const warm = await warmHost(dir);
            assert.deepEqual(positions(warm), positions(cold));
            const routes = warm.records.filter((r) => r.type === "aws:apigatewayv2/route:Route");
            assert.equal(routes.length, 2);
            for (const r of routes) {
                assert.equal(r.source?.file, path.join(dir, "routes.ts"));
                assert.equal(r.source?.line, lineOf(path.join(dir, "routes.ts"), "// ROUTE"));
            }
            assert.equal(warm.records.find((r) => r.name === "api")?.source?.line, lineOf(path.join(dir, "index.ts"), "// API"));

            const coldFailure = (await host(failing)).failure;
            const warmRun = await warmHost(failing);
            assert.ok(coldFailure && warmRun.failure, "the program's error fails the run");
            assert.equal(warmRun.failure.line, lineOf(path.join(failing, "index.ts"), "// THROW"));
            assert.deepEqual(
                { file: warmRun.failure.file, line: warmRun.failure.line, column: warmRun.failure.column, message: warmRun.failure.message },
                { file: coldFailure.file, line: coldFailure.line, column: coldFailure.column, message: coldFailure.message },
            );
            const programFrame = (stack: string | undefined) => stack?.split("\n").find((l) => l.includes(failing));
            assert.ok(programFrame(warmRun.failure.stack)?.includes(`index.ts:${warmRun.failure.line}:`), warmRun.failure.stack);
            assert.equal(programFrame(warmRun.failure.stack), programFrame(coldFailure.stack));
        });

        it("an edited program file runs as edited", async () => {
            const dir = program("edit-program", { "index.ts": TS_MARKER_PROGRAM });
            assert.deepEqual(apiNames(await host(dir)), ["api-class"]);
            assert.deepEqual(apiNames(await warmHost(dir)), ["api-class"]);
            fs.writeFileSync(path.join(dir, "index.ts"), TS_MARKER_PROGRAM.replace("api-", "edited-"));
            assert.deepEqual(apiNames(await host(dir)), ["edited-class"]);
        });

        it("an edited tsconfig.json compiles with the edited options", async () => {
            const dir = program("edit-tsconfig", { "index.ts": TS_MARKER_PROGRAM, "tsconfig.json": tsconfig({ target: "ES2020", module: "commonjs" }) });
            assert.deepEqual(apiNames(await host(dir)), ["api-class"]);
            assert.deepEqual(apiNames(await warmHost(dir)), ["api-class"]);
            fs.writeFileSync(path.join(dir, "tsconfig.json"), tsconfig({ target: "ES5", module: "commonjs" }));
            assert.deepEqual(apiNames(await host(dir)), ["api-function"]);
        });

        it("an edited tsconfig that tsconfig.json extends, and one created where ts-node probed, are read", async () => {
            const dir = program("edit-extends", {
                "index.ts": TS_MARKER_PROGRAM,
                // "./base": TypeScript probes a file named "base" first, then reads base.json.
                "tsconfig.json": tsconfig({ module: "commonjs" }, { extends: "./base" }),
                "base.json": tsconfig({ target: "ES2020" }),
            });
            assert.deepEqual(apiNames(await host(dir)), ["api-class"]);
            assert.deepEqual(apiNames(await warmHost(dir)), ["api-class"]);
            fs.writeFileSync(path.join(dir, "base.json"), tsconfig({ target: "ES5" }));
            assert.deepEqual(apiNames(await host(dir)), ["api-function"]);
            assert.deepEqual(apiNames(await warmHost(dir)), ["api-function"]);
            fs.writeFileSync(path.join(dir, "base"), tsconfig({ target: "ES2020" }));
            assert.deepEqual(apiNames(await host(dir)), ["api-class"]);
        });

        it("a tsconfig.json created where there was none is used", async () => {
            // Without a tsconfig.json the host compiles for ES2020.
            const dir = program("create-tsconfig", { "index.ts": TS_MARKER_PROGRAM });
            assert.deepEqual(apiNames(await host(dir)), ["api-class"]);
            assert.deepEqual(apiNames(await warmHost(dir)), ["api-class"]);
            fs.writeFileSync(path.join(dir, "tsconfig.json"), tsconfig({ target: "ES5", module: "commonjs" }));
            assert.deepEqual(apiNames(await host(dir)), ["api-function"]);
        });

        it("type-checks every run with PULUMI_NODEJS_TRANSPILE_ONLY=false (a type from another file can break an unchanged one)", async () => {
            const dir = program("type-check", {
                "index.ts": `import { Key } from "./lib";\n\nconst key: Key = "GET /typed";\nexport const routeKey = key;\n`,
                "lib.ts": "export type Key = string;\n",
            });
            const loadsTsNode = (run: HostRun) => run.loaded.modules.some((m) => m.file.includes(`${path.sep}node_modules${path.sep}ts-node${path.sep}`));
            process.env.PULUMI_NODEJS_TRANSPILE_ONLY = "false";
            try {
                for (let i = 0; i < 2; i++) {
                    const run = await host(dir);
                    assert.equal(run.failure, undefined, run.failure?.message);
                    assert.ok(loadsTsNode(run), "a type-checked run registers ts-node");
                }
                // index.ts is unchanged, but no longer type-checks: ts-node must see it again.
                fs.writeFileSync(path.join(dir, "lib.ts"), "export type Key = number;\n");
                const broken = await host(dir);
                assert.match(broken.failure?.message ?? "", /TS2322|not assignable/);
            } finally {
                delete process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
            }
        });

        it("hands allowJs's JavaScript and .tsx files to ts-node, warm as cold", async () => {
            const routeKeys = (run: HostRun) => {
                assert.equal(run.failure, undefined, run.failure?.message);
                return run.records.filter((r) => r.type === "aws:apigatewayv2/route:Route").map((r) => r.inputs.routeKey);
            };
            const routeProgram = (from: string) => `import * as aws from "@pulumi/aws";
import { routeKey } from "${from}";

const api = new aws.apigatewayv2.Api("api", { protocolType: "HTTP" });
new aws.apigatewayv2.Route("route", { apiId: api.id, routeKey, authorizationType: "NONE" });
`;
            // ES module syntax in a .js file: Node.js alone cannot load it, ts-node with allowJs compiles it.
            const allowJs = program("allow-js", {
                "index.ts": routeProgram("./keys"),
                "keys.js": `export const routeKey = "GET /from-js";\n`,
                "tsconfig.json": tsconfig({ target: "ES2020", module: "commonjs", allowJs: true }),
            });
            const tsx = program("tsx", {
                "index.ts": routeProgram("./view"),
                "view.tsx": `function h(tag: string, props: { path: string }): { tag: string; path: string } {
    return { tag, path: props.path };
}
export const routeKey = (<route path="GET /from-tsx" />).path;
`,
                "tsconfig.json": tsconfig({ target: "ES2020", module: "commonjs", jsx: "react", jsxFactory: "h" }),
            });
            for (const [dir, key] of [
                [allowJs, "GET /from-js"],
                [tsx, "GET /from-tsx"],
            ]) {
                assert.deepEqual(routeKeys(await host(dir)), [key]);
                const warm = await host(dir);
                assert.deepEqual(routeKeys(warm), [key]);
                assert.ok(
                    warm.loaded.modules.some((m) => m.file.includes(`${path.sep}node_modules${path.sep}ts-node${path.sep}`)),
                    "the warm run hands the file to ts-node",
                );
            }
        });
    });
});
