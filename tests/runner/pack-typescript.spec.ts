// run-policy-pack's TypeScript set-up, deferred in the pack's process (runner/program/pack-typescript.js, handed out
// by deferred-sdk-modules.js, registration by ts-register.js), through the door `authguard check` uses: the pack
// started by PolicyPackProcess as its own process and driven over the Analyzer protocol. A pack built to JavaScript
// starts without TypeScript or ts-node once its registration is recorded and answers as with the deferral off; a
// pack written in TypeScript is still type-checked against the tsconfig.json it has now. Which modules the pack's
// process had loaded is written when it is stopped, by a probe given through AUTHGUARD_PACK_NODE_ARGS.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { AnalysisResult, PolicyPackError, runPolicyPack } from "../../runner/analyzer";
import { POLICYPACK_DIR } from "../kit/pack";
import { TempPrograms } from "../kit/runner";
import { PROJECT, STACK, StackBuilder, method, restApi } from "../kit/stack";

const PROBE = `"use strict";
const fs = require("fs");
process.on("SIGTERM", () => {
    const files = Object.keys(require.cache);
    const inPackage = (name) => files.some((f) => f.includes("/node_modules/" + name + "/"));
    fs.writeFileSync(process.env.PACK_PROBE_OUT, JSON.stringify({ typescript: inPackage("typescript"), tsNode: inPackage("ts-node") }));
    process.exit(0);
});
`;

interface Loaded {
    typescript: boolean;
    tsNode: boolean;
}

/** A TypeScript pack: one policy that reports every REST method, through a helper whose parameter has no type. */
const TS_PACK_INDEX = `import { PolicyPack } from "@pulumi/policy";

function describe(name) {
    return "method " + name;
}

new PolicyPack("ts-pack", {
    policies: [
        {
            name: "every-method",
            description: "Reports every REST method.",
            enforcementLevel: "mandatory",
            validateResource: (args, reportViolation) => {
                if (args.type === "aws:apigateway/method:Method") reportViolation(describe(args.name));
            },
        },
    ],
});
`;

const tsconfig = (strict: boolean) =>
    JSON.stringify({ compilerOptions: { strict, target: "ES2020", module: "commonjs", esModuleInterop: true, skipLibCheck: true, types: [] } }, null, 2);

describe("runner: the pack's TypeScript set-up, deferred (pack-typescript.js)", function () {
    this.timeout(300_000);
    const temp = new TempPrograms();
    const probe = path.join(temp.root, "probe.js");
    const saved: Record<string, string | undefined> = {};
    const NAMES = ["XDG_CACHE_HOME", "AUTHGUARD_PACK_NODE_ARGS", "PACK_PROBE_OUT", "AUTHGUARD_DEFER_SDK_MODULES"];

    before(() => {
        fs.writeFileSync(probe, PROBE);
        for (const name of NAMES) saved[name] = process.env[name];
        // The pack's process inherits these: its caches start empty under the temporary folder, the probe reports.
        process.env.XDG_CACHE_HOME = path.join(temp.root, "xdg");
        process.env.AUTHGUARD_PACK_NODE_ARGS = `--require ${probe}`;
        delete process.env.AUTHGUARD_DEFER_SDK_MODULES;
    });
    after(() => {
        for (const name of NAMES) {
            if (saved[name] === undefined) delete process.env[name];
            else process.env[name] = saved[name];
        }
        temp.cleanup();
    });

    let runs = 0;
    /** One whole analysis by the pack in `packDir`, with what its process had loaded when it was stopped. */
    async function analyze(packDir: string, opts: { deferral?: boolean } = {}): Promise<{ result: AnalysisResult; loaded: Loaded }> {
        const out = path.join(temp.root, `probe-${++runs}.json`);
        process.env.PACK_PROBE_OUT = out;
        if (opts.deferral === false) process.env.AUTHGUARD_DEFER_SDK_MODULES = "off";
        else delete process.env.AUTHGUARD_DEFER_SDK_MODULES;
        const s = new StackBuilder();
        const api = restApi(s);
        method(s, "open-get", api, undefined, "GET", "NONE");
        method(s, "iam-post", api, undefined, "POST", "AWS_IAM");
        const result = await runPolicyPack({ packDir, project: PROJECT, stack: STACK, dryRun: false, resources: s.resources });
        return { result, loaded: JSON.parse(fs.readFileSync(out, "utf8")) as Loaded };
    }

    const verdicts = (r: AnalysisResult) => r.violations.map((v) => [v.policyName, v.urn, v.enforcementLevel, v.message]);

    it("authguard's own pack, built to JavaScript, starts without TypeScript or ts-node once its registration is recorded, with the same verdicts", async () => {
        const cold = await analyze(POLICYPACK_DIR);
        assert.deepEqual(cold.loaded, { typescript: true, tsNode: true }, "the first start registers ts-node for real and records it");
        assert.ok(verdicts(cold.result).some(([policy]) => policy === "apigw-method-requires-authorization"), "the open method is reported");

        const warm = await analyze(POLICYPACK_DIR);
        assert.deepEqual(warm.loaded, { typescript: false, tsNode: false });
        assert.deepEqual(verdicts(warm.result), verdicts(cold.result));
        assert.deepEqual(warm.result.pack, cold.result.pack);

        const off = await analyze(POLICYPACK_DIR, { deferral: false });
        assert.deepEqual(off.loaded, { typescript: true, tsNode: true });
        assert.deepEqual(verdicts(off.result), verdicts(cold.result));
    });

    it("a pack written in TypeScript is type-checked against its tsconfig.json as it is now, with or without the deferral", async () => {
        const dir = temp.make("ts-pack", {
            "PulumiPolicy.yaml": "runtime: nodejs\n",
            "package.json": JSON.stringify({ name: "ts-pack", version: "1.0.0" }),
            "tsconfig.json": tsconfig(false),
            "index.ts": TS_PACK_INDEX,
        });

        const expected = [["every-method", "open-get"], ["every-method", "iam-post"]].map(([policy, name]) => [policy, `Reports every REST method.\nmethod ${name}`]);
        const lenient = async (deferral: boolean) => {
            const run = await analyze(dir, { deferral });
            assert.deepEqual(run.result.violations.map((v) => [v.policyName, v.message]).sort(), [...expected].sort());
            assert.deepEqual(run.loaded, { typescript: true, tsNode: true }, "compiling index.ts loads ts-node and TypeScript");
        };
        await lenient(true); // records the registration
        await lenient(true); // served from the record until index.ts compiles
        await lenient(false);

        // `strict` now rejects describe's untyped parameter: the recorded registration and the parsed tsconfig.json
        // must not stand in for the edited file.
        fs.writeFileSync(path.join(dir, "tsconfig.json"), tsconfig(true));
        const typeError = (err: unknown) => err instanceof PolicyPackError && err.code === "PACK_START_FAILED" && /TS7006/.test(err.message);
        await assert.rejects(analyze(dir), typeError);
        await assert.rejects(analyze(dir, { deferral: false }), typeError);

        // Back to the recorded configuration, with a type error in the pack itself: ts-node still checks it.
        fs.writeFileSync(path.join(dir, "tsconfig.json"), tsconfig(false));
        fs.writeFileSync(path.join(dir, "index.ts"), `${TS_PACK_INDEX}const count: number = "one";\n`);
        const assignError = (err: unknown) => err instanceof PolicyPackError && err.code === "PACK_START_FAILED" && /TS2322/.test(err.message);
        await assert.rejects(analyze(dir), assignError);
        await assert.rejects(analyze(dir, { deferral: false }), assignError);
    });
});
