// `npm start` (`authguard demo`): checks the bundled examples and ends by telling the user what to run on their own
// program; that command, pointed at the demo program (examples/demo), is one the command line accepts and passes.
import { strict as assert } from "assert";
import * as path from "path";
import { main } from "../../runner/cli";
import { NEXT_STEP } from "../../runner/demo";
import { EXAMPLES } from "../kit/runner";

async function run(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const status = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
    return { status, stdout, stderr };
}

/** `authguard check <your-program-dir>` from the demo's last line, as command-line arguments. */
function suggestedCheck(line: string): string[] {
    const command = /npx authguard (check <your-program-dir>)/.exec(line);
    assert.ok(command, `the line names the command to run: ${line}`);
    return command[1].split(" ");
}

describe("authguard demo (npm start)", function () {
    this.timeout(300_000);

    it("checks both examples, exits 0 and ends with the command that checks one's own program", async () => {
        const demo = await run(["demo"]);
        assert.equal(demo.status, 0, demo.stdout + demo.stderr);
        assert.match(demo.stdout, /^\$ authguard check examples\/insecure-api\n/m);
        assert.match(demo.stdout, /^\$ authguard check examples\/secure-api\n/m);
        const lines = demo.stdout.trimEnd().split("\n");
        assert.match(lines[lines.length - 2], /^demo OK: /);
        assert.equal(`${lines[lines.length - 1]}\n`, NEXT_STEP);
        assert.deepEqual(suggestedCheck(NEXT_STEP), ["check", "<your-program-dir>"]);
    });

    it("the command it names checks the demo program (examples/demo) with no violation", async () => {
        const argv = suggestedCheck(NEXT_STEP).map((word) => (word === "<your-program-dir>" ? path.join(EXAMPLES, "demo") : word));
        const check = await run([...argv, "--mode", "up"]);
        assert.equal(check.status, 0, check.stdout + check.stderr);
        assert.match(check.stdout, /^Summary: no policy violations on \d+ resources /m);
    });
});
