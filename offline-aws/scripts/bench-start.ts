// Start-up of the offline AWS provider as the engine sees it: process start to the port line on stdout, against a
// bare `node -e 0` in the same run. `node -r ts-node/register/transpile-only offline-aws/scripts/bench-start.ts [runs]`
import { spawn } from "child_process";
import * as path from "path";

const PLUGIN = path.resolve(__dirname, "../bin/pulumi-resource-aws");

function timeToFirstOutput(cmd: string, args: string[], waitForStdout: boolean): Promise<number> {
    return new Promise((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
        const done = () => resolve(Number(process.hrtime.bigint() - t0) / 1e6);
        if (waitForStdout) {
            child.stdout.once("data", () => {
                done();
                child.kill();
            });
        } else {
            child.on("exit", done);
        }
        child.on("error", reject);
    });
}

async function median(runs: number, fn: () => Promise<number>): Promise<number> {
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) xs.push(await fn());
    xs.sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
}

async function main(): Promise<void> {
    const runs = Number(process.argv[2] ?? 7);
    await timeToFirstOutput(PLUGIN, ["127.0.0.1:1"], true); // builds offline-aws/dist when stale
    const plugin = await median(runs, () => timeToFirstOutput(PLUGIN, ["127.0.0.1:1"], true));
    const node = await median(runs, () => timeToFirstOutput(process.execPath, ["-e", "0"], false));
    console.log(`pulumi-resource-aws start to port: ${plugin.toFixed(0)} ms median of ${runs}; node -e 0: ${node.toFixed(0)} ms; ratio ${(plugin / node).toFixed(1)}x`);
}

void main();
