// Parity between the real engine and `authguard check`: on every example and every real-project fixture the engine
// can run offline, `pulumi preview --policy-pack` and `pulumi up --yes --policy-pack` report the same set of
// (URN, policy, enforcement level) as `authguard check --mode preview|up` on the same program and config.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCheck } from "../../runner/check";
import { findingsOf, REPO } from "../kit/runner";
import { engineErrors, engineFindings, useEngine } from "../kit/engine";

interface Case {
    program: string;
    stack: string;
    config?: string;
}

const CASES: Case[] = [
    { program: "examples/secure-api", stack: "dev" },
    { program: "examples/insecure-api", stack: "dev" },
    { program: "examples/components-api", stack: "dev", config: "examples/components-api/policy-config.json" },
    { program: "tests/fixtures/projects/config-callback", stack: "dev" },
];

describe("the real engine: findings equal authguard check's", function () {
    this.timeout(300_000);
    const engine = useEngine();

    for (const c of CASES) {
        const dir = path.join(REPO, c.program);
        const config = c.config ? path.join(REPO, c.config) : undefined;

        it(`${c.program}: pulumi preview = authguard check --mode preview`, async () => {
            const stack = await engine.stack(dir, c.stack);
            // The CLI and authguard check are independent processes: run them side by side.
            const [r, outcome] = await Promise.all([
                engine.run("preview", dir, stack, { policyPackConfig: config }),
                runCheck({ programDir: dir, mode: "preview", stack: c.stack, policyPackConfig: config }),
            ]);
            const ours = findingsOf(outcome);
            assert.ok(r.events.some((e) => e.summaryEvent), `${r.command}\n${r.stdout}\n${r.stderr}`);
            assert.deepEqual(engineErrors(r), []);
            assert.deepEqual(engineFindings(r), ours);
            assert.equal(r.code, ours.some((f) => f.startsWith("mandatory ")) ? 1 : 0, r.stdout);
        });
    }

    for (const c of CASES) {
        const dir = path.join(REPO, c.program);
        const config = c.config ? path.join(REPO, c.config) : undefined;
        it(`${c.program}: pulumi up --yes = authguard check --mode up (or both stop on a mandatory violation)`, async () => {
            const stack = await engine.stack(dir, c.stack);
            const [r, outcome] = await Promise.all([
                engine.run("up", dir, stack, { policyPackConfig: config }),
                runCheck({ programDir: dir, mode: "up", stack: c.stack, policyPackConfig: config }),
            ]);
            const ours = findingsOf(outcome);
            assert.deepEqual(engineErrors(r), []);
            if (ours.some((f) => f.startsWith("mandatory "))) {
                // `pulumi up` previews first; a mandatory violation there ends it before anything is created.
                assert.equal(r.code, 1, r.stdout);
                assert.match(r.stdout, /error: preview failed/);
                assert.ok(!r.events.some((e) => e.summaryEvent && e.summaryEvent.isPreview === false), "no update ran");
                assert.ok(engineFindings(r).some((f) => f.startsWith("mandatory ")));
            } else {
                assert.equal(r.code, 0, `${r.command}\n${r.stdout}\n${r.stderr}`);
                assert.deepEqual(engineFindings(r), ours);
            }
        });
    }
});

describe("the real engine: programs with mandatory findings, every policy advisory, under pulumi up --skip-preview", function () {
    this.timeout(300_000);
    const engine = useEngine();
    let config: string;
    before(() => {
        config = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "authguard-parity-")), "all-advisory.json");
        fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
    });
    after(() => fs.rmSync(path.dirname(config), { recursive: true, force: true }));

    for (const c of [CASES[1], CASES[3]]) {
        it(`${c.program}: the update's findings = authguard check --mode up`, async () => {
            const dir = path.join(REPO, c.program);
            const stack = await engine.stack(dir, c.stack);
            const [r, outcome] = await Promise.all([
                engine.run("up", dir, stack, { policyPackConfig: config, args: ["--skip-preview"] }),
                runCheck({ programDir: dir, mode: "up", stack: c.stack, policyPackConfig: config }),
            ]);
            const ours = findingsOf(outcome);
            assert.equal(r.code, 0, `${r.command}\n${r.stdout}\n${r.stderr}`);
            assert.deepEqual(engineErrors(r), []);
            assert.ok(ours.length > 0);
            assert.deepEqual(engineFindings(r), ours);
        });
    }
});
