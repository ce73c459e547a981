// Pack start-up against a one-policy pack on the same @pulumi/policy and @pulumi/pulumi: what authguard's 18
// policies and their helpers add to the start-up every Analyzer process pays (the SDK, run-policy-pack's ts-node
// registration, @pulumi/policy itself). The baseline is written to a temporary directory that links this
// repository's node_modules, so both packs load the very same SDK files and are started the same way
// (PolicyPackProcess, as `authguard check` starts its pack).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyPackProcess } from "../../runner/analyzer";

const REPO = path.resolve(__dirname, "../..");

/** A compiled one-policy pack, as small as a CrossGuard pack gets. */
const ONE_POLICY_PACK = `"use strict";
const { PolicyPack } = require("@pulumi/policy");
new PolicyPack("one-policy-baseline", {
    policies: [
        {
            name: "method-has-authorization",
            description: "A REST API method names an authorization type.",
            enforcementLevel: "mandatory",
            validateResource: (args, reportViolation) => {
                if (args.type === "aws:apigateway/method:Method" && !args.props.authorization) reportViolation("no authorization");
            },
        },
    ],
});
`;

/** Writes the baseline pack into a fresh directory under `root` and returns its path. */
export function writeOnePolicyPack(root: string): string {
    const dir = path.join(root, "one-policy-pack");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: one-policy baseline for bench:check\n");
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "one-policy-baseline", version: "0.0.1", main: "index.js" }, null, 2));
    fs.writeFileSync(path.join(dir, "index.js"), ONE_POLICY_PACK);
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

export interface PackStart {
    /** Wall ms from spawning the pack to its gRPC port. */
    wallMs: number;
    /** CPU ms the pack process used to get there (undefined without /proc). */
    cpuMs: number | undefined;
}

/** Starts the pack in `packDir` (preview mode), reads its start-up cost and stops it. */
export async function measurePackStart(packDir: string): Promise<PackStart> {
    const pack = await PolicyPackProcess.start({ packDir, project: "bench", stack: "dev", dryRun: true });
    try {
        return { wallMs: pack.startMs, cpuMs: pack.cpuMs() };
    } finally {
        await pack.close();
    }
}

/** Temporary root for the baseline pack; the caller removes it. */
export function tempRoot(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "authguard-bench-pack-"));
}

export interface CliRun {
    wallMs: number;
    /** CPU ms of the CLI and every process it started (program hosts, packs); undefined without /proc. */
    cpuMs: number | undefined;
    exitCode: number;
}

/**
 * Runs `node bin/authguard.js <args>` as a user does, under a shell that reports the CPU time of everything it
 * waited for (the shell's cutime + cstime in /proc: the CLI and its reaped descendants).
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun & { stderr: string } {
    const stderrFile = path.join(os.tmpdir(), `authguard-bench-stderr-${process.pid}.txt`);
    const quoted = [path.join(REPO, "bin", "authguard.js"), ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const started = Date.now();
    const out = spawnSync("sh", ["-c", `"${process.execPath}" ${quoted} >/dev/null 2>"$AUTHGUARD_BENCH_STDERR"; echo "exit=$?"; cat /proc/$$/stat 2>/dev/null`], {
        cwd: REPO,
        env: { ...process.env, ...env, AUTHGUARD_BENCH_STDERR: stderrFile },
        encoding: "utf8",
    });
    let stderr = "";
    try {
        stderr = fs.readFileSync(stderrFile, "utf8");
        fs.rmSync(stderrFile, { force: true });
    } catch {
        // nothing written
    }
    const wallMs = Date.now() - started;
    const exitCode = Number(/exit=(\d+)/.exec(out.stdout)?.[1] ?? -1);
    const stat = out.stdout.split("\n")[1] ?? "";
    // After the parenthesised command name: state is field 3, cutime 16 and cstime 17 (clock ticks of 1/100 s).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuMs = fields.length > 14 ? (Number(fields[13]) + Number(fields[14])) * 10 : undefined;
    return { wallMs, cpuMs, exitCode, stderr };
}
