import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    AnalyzerSession,
    loadPolicyPackConfig,
    parsePolicyPackConfig,
    PolicyPackError,
    PolicyPackProcess,
    reconcilePolicyPackConfig,
    runPolicyPack,
} from "../../../runner/analyzer";
import { POLICYPACK_DIR } from "../../kit/pack";
import { PROJECT, STACK, StackBuilder } from "../../kit/stack";

const LOGGING_PACK = path.resolve(__dirname, "../../fixtures/logging-pack");

function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

describe("analyzer driver", () => {
    describe("policy pack config files (the CLI's --policy-pack-config format)", () => {
        it("parses levels as strings or objects, drops `environments` and empty entries", () => {
            const cfg = parsePolicyPackConfig(
                JSON.stringify({
                    all: "advisory",
                    a: { enforcementLevel: "mandatory", x: 1 },
                    b: { y: [1] },
                    c: {},
                    environments: ["prod"],
                }),
            );
            assert.deepEqual(cfg, {
                all: { enforcementLevel: "advisory", properties: {} },
                a: { enforcementLevel: "mandatory", properties: { x: 1 } },
                b: { properties: { y: [1] } },
            });
            assert.deepEqual(parsePolicyPackConfig("  \n"), {});
        });

        it("rejects bad levels, bad shapes and bad JSON with the file name", () => {
            assert.throws(() => parsePolicyPackConfig('{"a": "strict"}', "cfg.json"), /cfg\.json: "a" has enforcement level "strict"; expected one of advisory, mandatory, remediate, disabled/);
            assert.throws(() => parsePolicyPackConfig('{"a": 3}', "cfg.json"), /cfg\.json: "a" must be an enforcement level string or an object/);
            assert.throws(() => parsePolicyPackConfig("[1]", "cfg.json"), /cfg\.json must hold a JSON object/);
            assert.throws(() => parsePolicyPackConfig("{", "cfg.json"), /cfg\.json is not valid JSON/);
            assert.throws(() => loadPolicyPackConfig("/nonexistent/policy.json"), /Cannot read the policy pack config file \/nonexistent\/policy\.json/);
        });

        it("reconciles like the engine: defaults, then initial config, then the file, `all` first in each layer", () => {
            const policies = [
                { name: "p1", enforcementLevel: "mandatory" as const, configSchema: { properties: { flag: { type: "boolean", default: true } } } },
                { name: "p2", enforcementLevel: "advisory" as const },
            ];
            const out = reconcilePolicyPackConfig("pack 1.0.0", policies, { p2: { enforcementLevel: "mandatory", properties: {} } }, {
                all: { enforcementLevel: "disabled", properties: {} },
                p1: { enforcementLevel: "advisory", properties: { flag: false } },
            });
            assert.deepEqual(out, {
                p1: { enforcementLevel: "advisory", properties: { flag: false } },
                p2: { enforcementLevel: "disabled", properties: {} },
                all: { enforcementLevel: "disabled", properties: {} },
            });
            assert.throws(
                () => reconcilePolicyPackConfig("pack 1.0.0", policies, {}, { p1: { properties: { flag: "yes" } } }),
                /validating policy config:\npack 1\.0\.0  p1: \/flag must be boolean/,
            );
            assert.throws(
                () => reconcilePolicyPackConfig("pack 1.0.0", policies, {}, { typo: { properties: { x: 1 } } }),
                /^PolicyConfigError: "typo" is not a policy of pack 1\.0\.0; the policies are p1, p2\.$/,
            );
        });
        it("validates each policy against its own schema, however many packs and views reconcile in one process", () => {
            // One policy name, two schemas (sharing a nested `$id`): each pack's settings meet their own schema.
            const pack = (type: string) => [
                { name: "p1", enforcementLevel: "mandatory" as const, configSchema: { properties: { limit: { $id: "limit", type, default: type === "string" ? "10" : 10 } } } },
            ];
            for (let view = 0; view < 2; view++) {
                assert.deepEqual(reconcilePolicyPackConfig("numbers 1.0.0", pack("number"), {}, { p1: { properties: { limit: 5 } } }).p1.properties, { limit: 5 });
                assert.throws(() => reconcilePolicyPackConfig("numbers 1.0.0", pack("number"), {}, { p1: { properties: { limit: "5" } } }), /numbers 1\.0\.0  p1: \/limit must be number/);
                assert.deepEqual(reconcilePolicyPackConfig("strings 1.0.0", pack("string"), {}, { p1: { properties: { limit: "5" } } }).p1.properties, { limit: "5" });
                assert.throws(() => reconcilePolicyPackConfig("strings 1.0.0", pack("string"), {}, { p1: { properties: { limit: 5 } } }), /strings 1\.0\.0  p1: \/limit must be string/);
            }
        });
    });

    describe("the pack process", () => {
        it("refuses a directory that is not a policy pack", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-notapack-"));
            try {
                await assert.rejects(PolicyPackProcess.start({ packDir: dir, project: PROJECT, stack: STACK, dryRun: true }), (err: unknown) => {
                    assert.ok(err instanceof PolicyPackError);
                    assert.equal(err.code, "PACK_NOT_FOUND");
                    assert.match(err.message, /has no PulumiPolicy\.yaml/);
                    return true;
                });
            } finally {
                fs.rmSync(dir, { recursive: true });
            }
        });

        it("reports a pack that crashes at start-up with its error output", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-badpack-"));
            try {
                fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
                fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "bad", version: "1.0.0", main: "index.js" }));
                fs.writeFileSync(path.join(dir, "index.js"), 'throw new Error("boom at load");\n');
                // Resolve @pulumi/pulumi from this repository, as a pack with installed dependencies would.
                fs.symlinkSync(path.resolve(__dirname, "../../../node_modules"), path.join(dir, "node_modules"));
                await assert.rejects(
                    PolicyPackProcess.start({ packDir: dir, project: PROJECT, stack: STACK, dryRun: true }),
                    (err: unknown) => err instanceof PolicyPackError && err.code === "PACK_START_FAILED" && /boom at load/.test(err.message),
                );
            } finally {
                fs.rmSync(dir, { recursive: true });
            }
        });

        it("runs any JavaScript pack, captures what it logs, and leaves no process behind", async () => {
            const pack = await PolicyPackProcess.start({ packDir: LOGGING_PACK, project: PROJECT, stack: STACK, dryRun: true });
            const pid = (pack as unknown as { child: { pid: number } }).child.pid;
            try {
                const session = await AnalyzerSession.open(pack, { project: PROJECT, stack: STACK, dryRun: true });
                assert.equal(session.info.name, "logging-pack");
                assert.equal(session.info.version, "1.2.3");
                const s = new StackBuilder();
                const bucket = s.add("aws:s3/bucket:Bucket", "logs");
                const result = await session.analyzeAll(s.resources);
                assert.deepEqual(result.violations.map((v) => [v.policyName, v.urn, v.enforcementLevel]), [["no-buckets", bucket.urn, "advisory"]]);
                assert.equal(result.violations[0].message, "Buckets are not allowed in this test.\nbucket logs");
                await new Promise((r) => setTimeout(r, 200));
                assert.ok(pack.logs.some((l) => l.message === `analyzing ${bucket.urn}`), "stderr lines are captured");
                assert.ok(isRunning(pid));
            } finally {
                await pack.close();
            }
            assert.equal(isRunning(pid), false, "the pack process is gone after close()");
        });

        it("runs the authguard pack end to end with runPolicyPack and reports timings", async () => {
            const s = new StackBuilder();
            const api = s.add("aws:apigatewayv2/api:Api", "shop", { protocolType: "HTTP" });
            s.add("aws:apigatewayv2/route:Route", "open", { routeKey: "GET /x", authorizationType: "NONE" }, { apiId: api });
            const result = await runPolicyPack({ packDir: POLICYPACK_DIR, resources: s.resources, project: PROJECT, stack: STACK, dryRun: true });
            assert.equal(result.pack.name, "authguard");
            assert.ok(result.pack.policies.some((p) => p.name === "apigw-route-requires-authorization"));
            assert.deepEqual(result.violations.map((v) => v.policyName), ["apigw-route-requires-authorization"]);
            assert.ok(result.timings.startMs > 0);
        });
    });
});
