// `npm run bench:check`: how long `authguard check` takes on large programs, split by phase, against the published
// @pulumi/awsguard pack on the same resources.
//
// For each N (default 100, 1000, 5000) a program with N endpoints is generated: N/2 REST methods (six per
// aws.apigateway.Resource) and N/2 HTTP API routes, one in ten of each left open. The program runs once under the
// runner (program host, preview mode); the recorded resources are then replayed, in separate runs, to authguard's
// pack and to the AwsGuard pack (bench/check/awsguard-pack), each measured as pack start, Configure (with
// GetAnalyzerInfo), Analyze (Remediate+Analyze per resource) and AnalyzeStack. Finally full `runCheck`s (program
// and pack started in parallel, as `authguard check` does) give the end-to-end wall time of `--mode preview`,
// `--mode up` and the default run (both views: two executions side by side), interleaved in each repetition so that
// a change in machine load hits all three alike, with the default run's ratio to each single view.
//
// Before the sizes, examples/secure-api end to end: the CLI as users run it (default run with the transpile cache
// off and warm, with the V8 code cache off and warm, `--mode preview`; wall and CPU), the default run's breakdown per view, and the pack's start against a
// one-policy pack on the same @pulumi/policy (bench/check/pack-start.ts).
//
// Usage: npm run bench:check [-- --sizes 100,1000,5000 --repeat 3]   (--sizes none: only examples/secure-api)
// Figures are medians over --repeat runs. Nothing is asserted: this prints figures and ratios (a Markdown table).

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AnalysisResult, runPolicyPack } from "../../runner/analyzer";
import { CheckOptions, runCheck } from "../../runner/check";
import { DEFAULT_PACK_DIR } from "../../runner/tool";
import { runProgram } from "../../runner/program";
import { CliRun, PackStart, measurePackStart, runCli, tempRoot, writeOnePolicyPack } from "./pack-start";

const REPO = path.resolve(__dirname, "../..");
const AWSGUARD_PACK = path.join(__dirname, "awsguard-pack");
const SECURE_API = path.join(REPO, "examples", "secure-api");

const PROGRAM = `import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const n = Number(new pulumi.Config("bench").require("endpoints"));
const methodsPerResource = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"];

const rest = new aws.apigateway.RestApi("bench-rest", { endpointConfiguration: { types: "REGIONAL" } });
const pool = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEfGhI";
const cognito = new aws.apigateway.Authorizer("bench-cognito", { restApi: rest.id, type: "COGNITO_USER_POOLS", providerArns: [pool] });
const restMethods = Math.ceil(n / 2);
let resource: aws.apigateway.Resource | undefined;
for (let i = 0; i < restMethods; i++) {
    if (i % methodsPerResource.length === 0) {
        resource = new aws.apigateway.Resource(\`res\${i}\`, { restApi: rest.id, parentId: rest.rootResourceId, pathPart: \`items\${i}\` });
    }
    const open = i % 10 === 0;
    new aws.apigateway.Method(\`method\${i}\`, {
        restApi: rest.id,
        resourceId: resource!.id,
        httpMethod: methodsPerResource[i % methodsPerResource.length],
        authorization: open ? "NONE" : "COGNITO_USER_POOLS",
        authorizerId: open ? undefined : cognito.id,
    });
}

const http = new aws.apigatewayv2.Api("bench-http", { protocolType: "HTTP" });
const jwt = new aws.apigatewayv2.Authorizer("bench-jwt", {
    apiId: http.id,
    authorizerType: "JWT",
    identitySources: ["$request.header.Authorization"],
    jwtConfiguration: { issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI", audiences: ["bench-client"] },
});
for (let i = 0; i < Math.floor(n / 2); i++) {
    const open = i % 10 === 0;
    new aws.apigatewayv2.Route(\`route\${i}\`, {
        apiId: http.id,
        routeKey: \`GET /items/\${i}\`,
        authorizationType: open ? "NONE" : "JWT",
        authorizerId: open ? undefined : jwt.id,
    });
}
`;

interface PackFigures {
    startMs: number;
    configureMs: number;
    analyzeMs: number;
    analyzeStackMs: number;
    /** Configure + Analyze + AnalyzeStack: the pack's own share once it runs. */
    ownMs: number;
    totalMs: number;
    violations: number;
}

interface Row {
    n: number;
    resources: number;
    programMs: number;
    programCpuMs: number;
    authguard: PackFigures;
    awsguard: PackFigures;
    /** End-to-end `runCheck` wall time per mode. */
    checkWallMs: Record<CheckMode, number>;
}

type CheckMode = NonNullable<CheckOptions["mode"]>;
const CHECK_MODES: CheckMode[] = ["preview", "up", "both"];

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const m = Math.floor(s.length / 2);
    return s.length % 2 ? s[m] : Math.round((s[m - 1] + s[m]) / 2);
}

function figures(results: AnalysisResult[]): PackFigures {
    const pick = (f: (r: AnalysisResult) => number) => median(results.map(f));
    const own = (r: AnalysisResult) => r.timings.configureMs + r.timings.analyzeMs + r.timings.analyzeStackMs;
    return {
        startMs: pick((r) => r.timings.startMs),
        configureMs: pick((r) => r.timings.configureMs),
        analyzeMs: pick((r) => r.timings.analyzeMs),
        analyzeStackMs: pick((r) => r.timings.analyzeStackMs),
        ownMs: pick(own),
        totalMs: pick((r) => r.timings.startMs + own(r)),
        violations: results[0].violations.length,
    };
}

function parseArgs(argv: string[]): { sizes: number[]; repeat: number } {
    let sizes = [100, 1000, 5000];
    let repeat = 1;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--sizes") {
            // `--sizes none`: only the examples/secure-api figures.
            const list = argv[++i];
            sizes = list === "none" ? [] : list.split(",").map((s) => Number(s.trim()));
        } else if (argv[i] === "--repeat") {
            repeat = Number(argv[++i]);
        }
    }
    if (sizes.some((n) => !Number.isInteger(n) || n <= 0) || !Number.isInteger(repeat) || repeat <= 0) {
        throw new Error("usage: bench.ts [--sizes 100,1000,5000] [--repeat N]");
    }
    return { sizes, repeat };
}

function ratio(a: number, b: number): string {
    return b > 0 ? `${(a / b).toFixed(2)}×` : "n/a";
}

function loadAverage(): string {
    return os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" / ");
}

interface ExampleFigures {
    /** `authguard check examples/secure-api` as a user runs it (CLI process), per variant. */
    cli: Record<"defaultCold" | "defaultNoCodeCache" | "defaultCached" | "previewCached", CliRun[]>;
    /** Per view of an in-process default run: program, pack start and the pack's analysis (Configure + Analyze + AnalyzeStack). */
    views: Record<"preview" | "up", Array<{ programMs: number; packStartMs: number; analysisMs: number }>>;
    packStart: { authguard: PackStart[]; authguardNoCodeCache: PackStart[]; onePolicy: PackStart[] };
}

/**
 * examples/secure-api end to end, interleaved per repetition so load changes hit every variant alike: the default
 * run with both caches off (every file transpiled and compiled, as before the caches), with the transpile cache warm
 * and the V8 code cache off, with both warm, `--mode preview` (both warm), the per-view breakdown, and authguard's
 * pack start (code cache warm and off) against a one-policy pack on the same SDK.
 */
async function measureExample(repeat: number, root: string): Promise<ExampleFigures> {
    const onePolicy = writeOnePolicyPack(root);
    const figures: ExampleFigures = {
        cli: { defaultCold: [], defaultNoCodeCache: [], defaultCached: [], previewCached: [] },
        views: { preview: [], up: [] },
        packStart: { authguard: [], authguardNoCodeCache: [], onePolicy: [] },
    };
    const check = (args: string[], env: NodeJS.ProcessEnv = {}): CliRun => {
        const run = runCli(["check", SECURE_API, ...args], env);
        if (run.exitCode !== 0) throw new Error(`authguard check ${SECURE_API} ${args.join(" ")} exited ${run.exitCode}: ${run.stderr.slice(-2000)}`);
        return run;
    };
    check([]); // warm-up: file system caches, the transpile cache and the code cache, not measured
    for (let r = 0; r < repeat; r++) {
        figures.cli.defaultCold.push(check([], { AUTHGUARD_TRANSPILE_CACHE: "off", AUTHGUARD_CODE_CACHE: "off" }));
        figures.cli.defaultNoCodeCache.push(check([], { AUTHGUARD_CODE_CACHE: "off" }));
        figures.cli.defaultCached.push(check([]));
        figures.cli.previewCached.push(check(["--mode", "preview"]));
        const outcome = await runCheck({ programDir: SECURE_API });
        if (!outcome.ok || !outcome.views) throw new Error(`check of ${SECURE_API} failed`);
        for (const view of ["preview", "up"] as const) {
            const t = outcome.views[view].report.timings!;
            figures.views[view].push({ programMs: t.programMs, packStartMs: t.packStartMs, analysisMs: t.configureMs + t.analyzeMs + t.analyzeStackMs });
        }
        figures.packStart.authguard.push(await measurePackStart(DEFAULT_PACK_DIR));
        figures.packStart.onePolicy.push(await measurePackStart(onePolicy));
        process.env.AUTHGUARD_CODE_CACHE = "off"; // the pack process inherits it
        try {
            figures.packStart.authguardNoCodeCache.push(await measurePackStart(DEFAULT_PACK_DIR));
        } finally {
            delete process.env.AUTHGUARD_CODE_CACHE;
        }
    }
    return figures;
}

function exampleReport(f: ExampleFigures): string[] {
    const wall = (runs: CliRun[]) => median(runs.map((r) => r.wallMs));
    const cpu = (runs: { cpuMs?: number }[]) => (runs.every((r) => r.cpuMs !== undefined) ? median(runs.map((r) => r.cpuMs!)) : NaN);
    const out: string[] = [];
    out.push("`authguard check examples/secure-api` (the CLI as a user runs it), wall and CPU ms (CPU: the CLI, its program hosts and packs):");
    out.push("");
    out.push("| run | wall | CPU |");
    out.push("|---|---:|---:|");
    out.push(`| default run, both caches off (every file transpiled and compiled) | ${wall(f.cli.defaultCold)} | ${cpu(f.cli.defaultCold)} |`);
    out.push(`| default run, transpile cache warm, code cache off | ${wall(f.cli.defaultNoCodeCache)} | ${cpu(f.cli.defaultNoCodeCache)} |`);
    out.push(`| default run, transpile and code cache warm | ${wall(f.cli.defaultCached)} | ${cpu(f.cli.defaultCached)} |`);
    out.push(`| \`--mode preview\`, both caches warm | ${wall(f.cli.previewCached)} | ${cpu(f.cli.previewCached)} |`);
    out.push("");
    out.push(
        `Ratios: both caches warm ÷ off ${ratio(wall(f.cli.defaultCached), wall(f.cli.defaultCold))} wall, ${ratio(cpu(f.cli.defaultCached), cpu(f.cli.defaultCold))} CPU; ` +
            `code cache warm ÷ off (transpile cache warm) ${ratio(wall(f.cli.defaultCached), wall(f.cli.defaultNoCodeCache))} wall, ${ratio(cpu(f.cli.defaultCached), cpu(f.cli.defaultNoCodeCache))} CPU; ` +
            `default ÷ \`--mode preview\` ${ratio(wall(f.cli.defaultCached), wall(f.cli.previewCached))} wall, ${ratio(cpu(f.cli.defaultCached), cpu(f.cli.previewCached))} CPU.`,
    );
    out.push("");
    out.push("Default run, per view (in-process runCheck, medians, ms): program (host start + run) / pack start / analysis (Configure + Analyze + AnalyzeStack):");
    for (const view of ["preview", "up"] as const) {
        const v = f.views[view];
        out.push(`- ${view}: ${median(v.map((x) => x.programMs))} / ${median(v.map((x) => x.packStartMs))} / ${median(v.map((x) => x.analysisMs))}`);
    }
    const a = f.packStart.authguard;
    const b = f.packStart.onePolicy;
    const wallOf = (xs: PackStart[]) => median(xs.map((x) => x.wallMs));
    out.push("");
    out.push(
        `Pack start (to its gRPC port), authguard vs a one-policy pack on the same @pulumi/policy: wall ${wallOf(a)} vs ${wallOf(b)} ms (${ratio(wallOf(a), wallOf(b))}), ` +
            `CPU ${cpu(a)} vs ${cpu(b)} ms (${ratio(cpu(a), cpu(b))}).`,
    );
    const c = f.packStart.authguardNoCodeCache;
    out.push(
        `authguard's pack start with the code cache off: wall ${wallOf(c)} ms, CPU ${cpu(c)} ms; warm ÷ off ${ratio(wallOf(a), wallOf(c))} wall, ${ratio(cpu(a), cpu(c))} CPU.`,
    );
    return out;
}

async function main(): Promise<void> {
    const { sizes, repeat } = parseArgs(process.argv.slice(2));
    const loadBefore = loadAverage();
    const date = new Date().toISOString().slice(0, 16).replace("T", " ");
    const exampleRoot = tempRoot();
    let example: ExampleFigures;
    try {
        example = await measureExample(repeat, exampleRoot);
    } finally {
        fs.rmSync(exampleRoot, { recursive: true, force: true });
    }
    const loadAfterExample = loadAverage();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-bench-"));
    const rows: Row[] = [];
    try {
        for (const n of sizes) {
            const dir = path.join(root, `endpoints-${n}`);
            fs.mkdirSync(dir);
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: bench-${n}\nruntime: nodejs\n`);
            fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), `config:\n  aws:region: us-east-1\n  bench:endpoints: "${n}"\n`);
            fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
            fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");

            const programTimes: number[] = [];
            const programCpu: number[] = [];
            // Warm-up run (file system caches), not measured.
            let records = (await runProgram({ programDir: dir, mode: "preview" })).records;
            const ours: AnalysisResult[] = [];
            const peer: AnalysisResult[] = [];
            const walls: Record<CheckMode, number[]> = { preview: [], up: [], both: [] };
            for (let r = 0; r < repeat; r++) {
                const run = await runProgram({ programDir: dir, mode: "preview" });
                programTimes.push(run.timings.totalMs);
                programCpu.push(run.timings.cpuMs);
                records = run.records;
                const common = { resources: records, project: `bench-${n}`, stack: "dev", dryRun: true };
                ours.push(await runPolicyPack({ ...common, packDir: DEFAULT_PACK_DIR }));
                peer.push(await runPolicyPack({ ...common, packDir: AWSGUARD_PACK }));
                for (const mode of CHECK_MODES) {
                    const started = Date.now();
                    const outcome = await runCheck({ programDir: dir, mode });
                    if (!outcome.ok) {
                        throw new Error(`check (${mode}) failed for N=${n}: ${outcome.failure.message}`);
                    }
                    walls[mode].push(Date.now() - started);
                }
            }
            const row: Row = {
                n,
                resources: records.length,
                programMs: median(programTimes),
                programCpuMs: median(programCpu),
                authguard: figures(ours),
                awsguard: figures(peer),
                checkWallMs: { preview: median(walls.preview), up: median(walls.up), both: median(walls.both) },
            };
            rows.push(row);
            process.stderr.write(`N=${n}: ${JSON.stringify(row)}\n`);
        }
    } finally {
        fs.rmSync(root, { recursive: true, force: true });
    }

    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    const out: string[] = [];
    out.push(
        `Measured by \`npm run bench:check\` on ${date} UTC (repeat ${repeat}, medians) on ${os.cpus().length} cores (${cpu}), Node ${process.version}; ` +
            `load average (1 / 5 / 15 min) ${loadBefore} at the start, ${loadAverage()} at the end. Pack columns: preview mode.`,
    );
    out.push("");
    out.push(`examples/secure-api (load average ${loadBefore} before, ${loadAfterExample} after this part):`);
    out.push("");
    out.push(...exampleReport(example));
    if (rows.length === 0) {
        process.stdout.write(out.join("\n") + "\n");
        return;
    }
    out.push("");
    out.push("Times in ms. Pack columns: start / Configure / Analyze (all resources) / AnalyzeStack; \"own\" = Configure + Analyze + AnalyzeStack.");
    out.push("");
    out.push("| endpoints | resources | program run (CPU) | authguard start / conf / Analyze / AnalyzeStack | authguard own | AwsGuard start / conf / Analyze / AnalyzeStack | AwsGuard own | own ratio | Analyze+Stack ratio | `authguard check --mode preview` wall |");
    out.push("|---:|---:|---:|---|---:|---|---:|---:|---:|---:|");
    for (const r of rows) {
        const a = r.authguard;
        const g = r.awsguard;
        out.push(
            `| ${r.n.toLocaleString("en-US")} | ${r.resources.toLocaleString("en-US")} | ${r.programMs} (${r.programCpuMs}) | ${a.startMs} / ${a.configureMs} / ${a.analyzeMs} / ${a.analyzeStackMs} | ${a.ownMs} ` +
                `| ${g.startMs} / ${g.configureMs} / ${g.analyzeMs} / ${g.analyzeStackMs} | ${g.ownMs} | ${ratio(a.ownMs, g.ownMs)} ` +
                `| ${ratio(a.analyzeMs + a.analyzeStackMs, g.analyzeMs + g.analyzeStackMs)} | ${r.checkWallMs.preview} |`,
        );
    }
    out.push("");
    out.push("`authguard check` end to end, wall ms: one view (`--mode preview`, `--mode up`) against the default run (both views, side by side).");
    out.push("");
    out.push("| endpoints | `--mode preview` | `--mode up` | default (both views) | default ÷ preview | default ÷ up |");
    out.push("|---:|---:|---:|---:|---:|---:|");
    for (const r of rows) {
        const w = r.checkWallMs;
        out.push(`| ${r.n.toLocaleString("en-US")} | ${w.preview} | ${w.up} | ${w.both} | ${ratio(w.both, w.preview)} | ${ratio(w.both, w.up)} |`);
    }
    out.push("");
    out.push(`Violations found (authguard / AwsGuard): ${rows.map((r) => `N=${r.n}: ${r.authguard.violations} / ${r.awsguard.violations}`).join("; ")}.`);
    process.stdout.write(out.join("\n") + "\n");
}

main().catch((e) => {
    process.stderr.write(`bench:check failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
