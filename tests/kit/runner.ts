// Test programs for the runner, written at test time into a temporary directory (so a deliberately broken program
// never reaches the workspace type-check). Each gets a node_modules symlink to the repository's, so it resolves
// @pulumi/pulumi, @pulumi/aws and ts-node exactly as a program with its own installed dependencies would.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { CheckOutcome } from "../../runner/check";

export const REPO = path.resolve(__dirname, "../..");
export const EXAMPLES = path.join(REPO, "examples");
/** A tiny one-policy JavaScript pack, not authguard's (tests/fixtures/minimal-pack), for tests whose verdicts do not
 * matter (it starts in a fraction of the time). */
export const MINIMAL_PACK = path.join(REPO, "tests", "fixtures", "minimal-pack");

export class TempPrograms {
    readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-runner-"));

    /** Creates `<root>/<name>` with the given files; `linkModules: false` leaves node_modules out. */
    make(name: string, files: Record<string, string>, opts: { linkModules?: boolean } = {}): string {
        const dir = path.join(this.root, name);
        fs.mkdirSync(dir, { recursive: true });
        for (const [file, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), text);
        }
        if (opts.linkModules !== false) {
            fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
        }
        return dir;
    }

    cleanup(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

export function pulumiYaml(name: string): string {
    return `name: ${name}\nruntime: nodejs\n`;
}

/** The 1-based line of the first occurrence of `needle` in `file`. */
export function lineOf(file: string, needle: string): number {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const i = lines.findIndex((l) => l.includes(needle));
    if (i < 0) {
        throw new Error(`${needle} not found in ${file}`);
    }
    return i + 1;
}

/** A check's findings as sorted `<level> <policy> <urn>` lines (asserts that the check ran). */
export function findingsOf(outcome: CheckOutcome): string[] {
    assert.ok(outcome.ok, outcome.ok ? "" : outcome.failure.message);
    return outcome.report.violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn}`).sort();
}

const BIN = path.join(REPO, "bin", "authguard.js");

/** Runs `bin/authguard.js` with `args` from the repository root; `env` adds to (or, undefined, removes from) ours. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: "utf8", timeout: 170_000, env: { ...process.env, NO_COLOR: "1", ...env } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
