// `--policy-pack-config` through the real CLI, and what `remediate` does under `pulumi up`: levels, settings, the
// CLI's validation of each policy's configSchema and of unknown policy names, each compared with `authguard check`
// given the same file; a remediated route reaches the offline provider's Create already fixed.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCheck } from "../../runner/check";
import { findingsOf } from "../kit/runner";
import { engineErrors, engineFindings, useEngine } from "../kit/engine";

const PROGRAM = path.resolve(__dirname, "../fixtures/engine/open-routes");
const ORDERS = "urn:pulumi:dev::open-routes::aws:apigatewayv2/route:Route::orders";
const HEALTH = "urn:pulumi:dev::open-routes::aws:apigatewayv2/route:Route::health";
const POLICY = "apigw-route-requires-authorization";

describe("the real engine: --policy-pack-config and remediation", function () {
    this.timeout(300_000);
    const engine = useEngine();
    let tmp: string;
    before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-engine-config-"))));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const configFile = (name: string, content: object): string => {
        const file = path.join(tmp, `${name}.json`);
        fs.writeFileSync(file, JSON.stringify(content));
        return file;
    };

    /** Preview under the engine and `authguard check` with the same config file. */
    async function both(config: string) {
        const stack = await engine.stack(PROGRAM, "dev");
        // Independent processes: side by side.
        const [cli, ours] = await Promise.all([
            engine.run("preview", PROGRAM, stack, { policyPackConfig: config }),
            runCheck({ programDir: PROGRAM, mode: "preview", policyPackConfig: config }),
        ]);
        return { cli, ours };
    }

    it("levels and settings change the findings the same way in both", async () => {
        const cases: Array<[object, string[]]> = [
            [{}, [`mandatory ${POLICY} ${HEALTH}`, `mandatory ${POLICY} ${ORDERS}`]],
            [{ [POLICY]: "advisory" }, [`advisory ${POLICY} ${HEALTH}`, `advisory ${POLICY} ${ORDERS}`]],
            [{ all: "disabled" }, []],
            [{ [POLICY]: { publicRoutes: [{ route: "GET /health", reason: "load balancer probe" }] } }, [`mandatory ${POLICY} ${ORDERS}`]],
        ];
        for (const [i, [content, expected]] of cases.entries()) {
            const { cli, ours } = await both(configFile(`case-${i}`, content));
            assert.deepEqual(engineErrors(cli), [], JSON.stringify(content));
            assert.deepEqual(engineFindings(cli), expected, JSON.stringify(content));
            assert.deepEqual(findingsOf(ours), expected, JSON.stringify(content));
            assert.equal(cli.code, expected.some((f) => f.startsWith("mandatory")) ? 1 : 0);
        }
    });

    it("a setting that breaks the policy's configSchema fails both, naming the policy", async () => {
        const { cli, ours } = await both(configFile("bad-schema", { [POLICY]: { publicRoutes: "GET /health" } }));
        assert.notEqual(cli.code, 0);
        assert.match(cli.stderr + cli.stdout, new RegExp(`validating policy config: .*${POLICY}`));
        assert.ok(!ours.ok);
        assert.equal(ours.failure.kind, "config");
        assert.match(ours.failure.message, new RegExp(`validating policy config:[\\s\\S]*${POLICY}`));
    });

    it("an unknown policy name: the CLI ignores it when given a level, authguard check refuses it (exit 2) naming the closest policy", async () => {
        // A deliberate difference (docs/check.md, "Policy config names"): a misspelt policy name silently drops the
        // enforcement it meant to set, so authguard check refuses what the CLI lets through.
        const typo = "apigw-route-requires-authorisation";
        const level = await both(configFile("unknown-level", { [typo]: "advisory" }));
        assert.deepEqual(engineErrors(level.cli), []);
        assert.deepEqual(engineFindings(level.cli), [`mandatory ${POLICY} ${HEALTH}`, `mandatory ${POLICY} ${ORDERS}`]);
        assert.ok(!level.ours.ok);
        assert.equal(level.ours.failure.kind, "config");
        assert.match(level.ours.failure.message, new RegExp(`${typo}[\\s\\S]*did you mean ${POLICY}`));

        const settings = await both(configFile("unknown-settings", { "no-such-policy": { anything: true } }));
        assert.notEqual(settings.cli.code, 0);
        assert.match(settings.cli.stderr + settings.cli.stdout, /no-such-policy|invalid enforcement level/);
        assert.ok(!settings.ours.ok);
        assert.match(settings.ours.failure.message, /no-such-policy/);
    });

    it("remediate under pulumi up: the provider's Create receives the fixed route, as authguard check reports", async () => {
        const config = configFile("remediate", { [POLICY]: "remediate" });
        const record = path.join(tmp, "provider-record.jsonl");
        const stack = await engine.stack(PROGRAM, "dev");
        const [r, ours] = await Promise.all([
            engine.run("up", PROGRAM, stack, { policyPackConfig: config, env: { AUTHGUARD_OFFLINE_AWS_RECORD: record } }),
            runCheck({ programDir: PROGRAM, mode: "up", policyPackConfig: config }),
        ]);
        assert.equal(r.code, 0, `${r.command}\n${r.stdout}\n${r.stderr}`);
        const creates = fs
            .readFileSync(record, "utf8")
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as { op: string; urn?: string; preview?: boolean; properties?: Record<string, unknown> })
            .filter((e) => e.op === "create" && !e.preview && (e.urn === ORDERS || e.urn === HEALTH));
        assert.deepEqual(
            creates.map((e) => [e.urn, e.properties?.authorizationType]).sort(),
            [
                [ORDERS, "AWS_IAM"],
                [HEALTH, "AWS_IAM"],
            ].sort(),
        );
        const engineRemediated = r.events.flatMap((e) => (e.policyRemediationEvent ? [`${e.policyRemediationEvent.policyName} ${e.policyRemediationEvent.resourceUrn}`] : []));
        assert.ok(ours.ok);
        assert.deepEqual(
            [...new Set(engineRemediated)].sort(),
            ours.report.remediations.map((x) => `${x.policyName} ${x.urn}`).sort(),
        );
        assert.deepEqual(engineFindings(r), findingsOf(ours));
    });
});
