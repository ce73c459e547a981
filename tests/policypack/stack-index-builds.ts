// Starts ./counting-pack (the compiled pack with every StackIndex construction recorded in a file) so a spec or
// bench/stack-index can count how often one AnalyzeStack indexes the stack. Production code keeps no counter.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureBundledPackBuilt } from "../../runner/pack-build";
import { PackHarness, POLICYPACK_DIR } from "../kit/pack";

export const COUNTING_PACK_DIR = path.join(__dirname, "counting-pack");

export interface CountingPack {
    harness: PackHarness;
    /** StackIndex constructions since the last call (each line of the log is one build). */
    takeBuilds(): number;
    close(): Promise<void>;
}

export async function startCountingPack(): Promise<CountingPack> {
    ensureBundledPackBuilt(POLICYPACK_DIR);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-stack-index-"));
    const log = path.join(dir, "builds.log");
    fs.writeFileSync(log, "");
    const previous = process.env.AUTHGUARD_STACK_INDEX_LOG;
    process.env.AUTHGUARD_STACK_INDEX_LOG = log;
    let harness: PackHarness;
    try {
        harness = await PackHarness.start(COUNTING_PACK_DIR);
    } finally {
        if (previous === undefined) delete process.env.AUTHGUARD_STACK_INDEX_LOG;
        else process.env.AUTHGUARD_STACK_INDEX_LOG = previous;
    }
    return {
        harness,
        takeBuilds() {
            const lines = fs.readFileSync(log, "utf8").split("\n").filter(Boolean).length;
            fs.writeFileSync(log, "");
            return lines;
        },
        async close() {
            await harness.close();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}
