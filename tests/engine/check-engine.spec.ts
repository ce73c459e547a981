// `authguard check --engine pulumi`: the program under the real CLI, reported in the same formats with the same exit
// codes as the built-in runner; without a CLI it says how to get one; a Python program given to the built-in runner
// is pointed at --engine pulumi.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureEngine } from "../../runner/engine/locate";
import { REPO } from "../kit/runner";

const PROGRAM = "tests/fixtures/engine/open-routes";

/** `bin/authguard.js <args>` from the repository root, asynchronously so that independent runs overlap. */
function run(args: string[], env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" }): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(REPO, "bin", "authguard.js"), ...args], { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill("SIGINT"), 250_000);
        child.on("error", (e) => {
            clearTimeout(timer);
            reject(e);
        });
        child.on("close", (status) => {
            clearTimeout(timer);
            resolve({ status, stdout, stderr });
        });
    });
}

const findings = (json: string): string[] =>
    (JSON.parse(json) as { violations: Array<{ enforcementLevel: string; policy: string; urn: string }> }).violations
        .map((v) => `${v.enforcementLevel} ${v.policy} ${v.urn}`)
        .sort();

describe("authguard check --engine pulumi", function () {
    this.timeout(300_000);
    before(function () {
        this.timeout(30 * 60_000);
        ensureEngine();
    });

    for (const mode of ["preview", "up"]) {
        it(`--mode ${mode}: the same JSON findings and exit code as the built-in runner`, async () => {
            const [engine, builtin] = await Promise.all([
                run(["check", PROGRAM, "--engine", "pulumi", "--mode", mode, "--format", "json"]),
                run(["check", PROGRAM, "--mode", mode, "--format", "json"]),
            ]);
            assert.equal(engine.status, 1, engine.stderr);
            assert.equal(builtin.status, 1, builtin.stderr);
            assert.deepEqual(findings(engine.stdout), findings(builtin.stdout));
            assert.ok(findings(engine.stdout).length > 0);
        });
    }

    it("SARIF and text come from the same report", async () => {
        const [sarif, text] = await Promise.all([
            run(["check", PROGRAM, "--engine", "pulumi", "--format", "sarif"]),
            run(["check", PROGRAM, "--engine", "pulumi"]),
        ]);
        assert.equal(sarif.status, 1, sarif.stderr);
        const log = JSON.parse(sarif.stdout) as { runs: Array<{ results: Array<{ ruleId: string }> }> };
        assert.deepEqual(log.runs[0].results.map((r) => r.ruleId), ["apigw-route-requires-authorization", "apigw-route-requires-authorization"]);
        assert.equal(text.status, 1);
        assert.match(text.stdout, /❌ authguard@v0\.1\.0/);
        assert.match(text.stdout, /Summary: 2 mandatory, 0 advisory violations/);
    });

    it("a remote component whose plugin does not exist offline: exit 2 and the CLI's reason, no partial findings", async () => {
        const r = await run(["check", "tests/fixtures/projects/gallery-apis", "--engine", "pulumi", "--format", "json"]);
        assert.equal(r.status, 2, r.stdout);
        const failure = JSON.parse(r.stdout) as { error: { kind: string; message: string } };
        assert.equal(failure.error.kind, "engine");
        assert.match(failure.error.message, /no resource plugin 'pulumi-resource-aws-apigateway' found/);
    });

    it("without a Pulumi CLI it says how to get one", async () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-no-engine-"));
        try {
            const nodeDir = path.dirname(process.execPath);
            const r = await run(["check", PROGRAM, "--engine", "pulumi"], { ...process.env, AUTHGUARD_ENGINE_DIR: empty, PATH: nodeDir });
            assert.equal(r.status, 2);
            assert.match(r.stderr, /no Pulumi CLI found: build one with `npm run engine:build`.*or put a `pulumi` executable on PATH/s);
        } finally {
            fs.rmSync(empty, { recursive: true, force: true });
        }
    });

    it("a Python program given to the built-in runner is pointed at --engine pulumi", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-python-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: py\nruntime: python\n");
            fs.writeFileSync(path.join(dir, "__main__.py"), "import pulumi\n");
            const r = await run(["check", dir]);
            assert.equal(r.status, 2);
            assert.match(r.stderr, /declares runtime "python".*authguard check --engine pulumi <dir>/s);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
