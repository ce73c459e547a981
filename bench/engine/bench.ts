// `npm run bench:engine`: `authguard check` (built-in runner: program under the SDK's mocks, pack over the Analyzer
// protocol) against `pulumi preview --policy-pack` through the real engine (the project's CLI build, the offline AWS
// provider, the same pack folder) on the same programs, in one run.
//
// Usage: npm run bench:engine [-- --repeat 3 --programs examples/secure-api,examples/insecure-api]
// Each figure is the median wall time in ms over --repeat runs after one unmeasured warm-up run of each. The engine
// column is one `pulumi preview` process from start to exit on a stack created beforehand (stack creation is shown
// apart). Nothing is asserted: this prints a Markdown table with the ratio engine ÷ authguard check.
import * as path from "path";
import { runCheck } from "../../runner/check";
import { DEFAULT_PACK_DIR } from "../../runner/tool";
import { ensureEngine, offlineAwsBinDir } from "../../runner/engine/locate";
import { EngineWorkspace } from "../../runner/engine/workspace";
import { ensureBundledPackBuilt } from "../../runner/pack-build";

const REPO = path.resolve(__dirname, "../..");
const DEFAULT_PROGRAMS = ["examples/secure-api", "examples/insecure-api", "examples/components-api", "tests/fixtures/projects/gallery-apis"];

function parseArgs(argv: string[]): { repeat: number; programs: string[] } {
    let repeat = 3;
    let programs = DEFAULT_PROGRAMS;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--repeat") repeat = Number(argv[++i]);
        else if (argv[i] === "--programs") programs = argv[++i].split(",");
        else throw new Error(`unknown argument ${argv[i]} (use --repeat N, --programs a,b)`);
    }
    if (!Number.isInteger(repeat) || repeat < 1) throw new Error("--repeat must be a positive integer");
    return { repeat, programs };
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
    const { repeat, programs } = parseArgs(process.argv.slice(2));
    const bin = ensureEngine();
    ensureBundledPackBuilt(DEFAULT_PACK_DIR);
    const ws = EngineWorkspace.create(bin, [offlineAwsBinDir()]);
    const rows: string[] = [];
    try {
        for (const rel of programs) {
            const dir = path.resolve(REPO, rel);
            const stackStarted = Date.now();
            const stack = await ws.stageStack(dir, "dev");
            const stackMs = Date.now() - stackStarted;
            const ours: number[] = [];
            const engine: number[] = [];
            let findings = { ours: 0, engine: 0 };
            for (let r = 0; r <= repeat; r++) {
                let t = Date.now();
                const outcome = await runCheck({ programDir: dir, mode: "preview" });
                if (!outcome.ok) throw new Error(`authguard check ${rel} failed: ${outcome.failure.message}`);
                const oursMs = Date.now() - t;
                t = Date.now();
                const run = await ws.operation("preview", dir, { stack, policyPacks: [DEFAULT_PACK_DIR] });
                const engineMs = Date.now() - t;
                if (!run.events.some((e) => e.summaryEvent)) throw new Error(`${run.command} did not finish:\n${run.stdout}\n${run.stderr}`);
                if (r === 0) continue; // warm-up
                ours.push(oursMs);
                engine.push(engineMs);
                findings = { ours: outcome.report.violations.length, engine: run.events.filter((e) => e.policyEvent).length };
            }
            const o = median(ours);
            const e = median(engine);
            rows.push(`| ${rel} | ${findings.ours} / ${findings.engine} | ${o} | ${e} | ${(e / o).toFixed(2)}× | ${stackMs} |`);
            process.stderr.write(`${rel}: authguard check ${o} ms, pulumi preview ${e} ms\n`);
        }
    } finally {
        ws.dispose();
    }
    console.log(`Medians of ${repeat} runs (ms), after one warm-up run each.\n`);
    console.log("| program | findings (check / engine) | `authguard check` | `pulumi preview --policy-pack` | engine ÷ check | stack init (once) |");
    console.log("|---|---:|---:|---:|---:|---:|");
    for (const row of rows) console.log(row);
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
