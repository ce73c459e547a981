// The gate suite runs adversarial programs (tests/fixtures/gate/programs) and config files (tests/fixtures/gate/configs) through
// `authguard check` as the command line runs it: runner/cli.ts main() with the real program host (a child process
// per program) and the real policy pack (its own process, over the Analyzer gRPC protocol). In process rather than
// through bin/authguard.js only to save the runner's own start-up on a shared machine; tests/runner/check.spec.ts
// covers the binary itself.
import * as fs from "fs";
import * as path from "path";
import { main } from "../../runner/cli";

export const GATE = path.resolve(__dirname, "../fixtures/gate");

export function program(name: string): string {
    return path.join(GATE, "programs", name);
}

export function configFile(name: string): string {
    return path.join(GATE, "configs", name);
}

export interface CheckRun {
    status: number;
    stdout: string;
    stderr: string;
}

/** `authguard check <args>` with its exit code and everything it printed. */
export async function check(args: string[]): Promise<CheckRun> {
    let stdout = "";
    let stderr = "";
    const status = await main(["check", ...args], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
    return { status, stdout, stderr };
}

/** The 1-based line of the program file that carries the marker comment `// <marker>`. */
export function markedLine(programName: string, marker: string): number {
    const lines = fs.readFileSync(path.join(program(programName), "index.ts"), "utf8").split("\n");
    const i = lines.findIndex((l) => l.includes(`// ${marker}`));
    if (i < 0) {
        throw new Error(`no "// ${marker}" in ${programName}/index.ts`);
    }
    return i + 1;
}

/**
 * Runs the named checks, two at a time (each has its own program host and pack process; more at once starves a
 * shared two-core machine until a pack misses its start-up deadline), keyed by name.
 */
export async function checkAll(runs: Record<string, string[]>): Promise<Record<string, CheckRun>> {
    const queue = Object.keys(runs);
    const results: Record<string, CheckRun> = {};
    const worker = async () => {
        for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
            results[name] = await check(runs[name]);
        }
    };
    await Promise.all([worker(), worker()]);
    return results;
}
