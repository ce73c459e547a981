// `npm run bench:audit`: how fast `authguard audit` goes through an organisation's stacks, and whether its memory stays
// flat as the number of stacks grows.
//
// The exports are generated from the example programs: examples/insecure-api and examples/secure-api run once under
// the runner in `--mode up` (as `authguard check --mode up` runs them); each generated stack takes one of them, with its
// own project and stack name, and repeats its resources 1 to 4 times (55 to 240 resources, median about 140), written
// as `pulumi stack export` writes state (secrets encrypted with a passphrase key). Repeated copies reuse the
// program's IDs and ARNs, which a real organisation would not; they cost the pack the same work.
//
// Measured in one run:
//   - audit: every export through `runAudit` with one pack process, the JSON report rendered (and discarded);
//     stacks/s, resources/s, the main process's heap after GC at 10%, 50% and 100% of the stacks, and the peak RSS
//     (VmHWM) of the main process and of the pack process;
//   - baseline "pack per stack": the first --baseline stacks each audited by its own `runAudit` (a pack start each,
//     what one `authguard audit` or `pulumi policy analyze` call per stack costs);
//   - baseline "check --mode up": `runCheck` of the two example programs, the offline alternative to reading state.
//
// Usage: npm run bench:audit [-- --stacks 1000 --baseline 40 --keep]
// Nothing is asserted: this prints figures and ratios (and a Markdown row for the README).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AuditSummary, writerFor } from "../../runner/audit/report";
import { runAudit } from "../../runner/audit/run";
import { runCheck } from "../../runner/check";
import { DEFAULT_PACK_DIR } from "../../runner/tool";
import { ResourceRecord } from "../../runner/resource-records";
import { runProgram } from "../../runner/program";
import { PassphraseCrypter, toStackExport } from "../../tests/kit/audit-state";

const REPO = path.resolve(__dirname, "../..");
const EXAMPLES = ["insecure-api", "secure-api"];

function arg(name: string, fallback: number): number {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The program's records as stack `<project>/<stack>`, its resources repeated `copies` times (the root stack once). */
function variant(records: ResourceRecord[], project: string, stack: string, copies: number): ResourceRecord[] {
    const out: ResourceRecord[] = [];
    for (let c = 0; c < copies; c++) {
        const mapUrn = (urn: string): string => {
            const parts = urn.split("::");
            const isRoot = parts[2] === "pulumi:pulumi:Stack";
            const name = parts.slice(3).join("::");
            return `urn:pulumi:${stack}::${project}::${parts[2]}::${isRoot ? `${project}-${stack}` : c === 0 ? name : `${name}-c${c}`}`;
        };
        for (const r of records) {
            if (c > 0 && r.type === "pulumi:pulumi:Stack") continue;
            const pd: Record<string, string[]> = {};
            for (const [k, v] of Object.entries(r.propertyDependencies)) pd[k] = v.map(mapUrn);
            out.push({
                ...r,
                urn: mapUrn(r.urn),
                name: mapUrn(r.urn).split("::").slice(3).join("::"),
                parent: r.parent ? mapUrn(r.parent) : undefined,
                dependencies: r.dependencies.map(mapUrn),
                propertyDependencies: pd,
                provider: r.provider ? { ...r.provider, urn: mapUrn(r.provider.urn) } : undefined,
            });
        }
    }
    return out;
}

function vmHwmKb(pid: number | "self"): number {
    try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return m ? Number(m[1]) : NaN;
    } catch {
        return NaN;
    }
}

/** The pack process: our child running run-policy-pack. */
function packPid(): number | undefined {
    let children: string[] = [];
    try {
        children = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    } catch {
        return undefined;
    }
    for (const pid of children) {
        try {
            if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("run-policy-pack")) return Number(pid);
        } catch {
            // exited
        }
    }
    return undefined;
}

function gcHeapMb(): number {
    (global as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed / 2 ** 20;
}

const mb = (kb: number) => (kb / 1024).toFixed(0);

async function main(): Promise<void> {
    const total = arg("stacks", 1000);
    const baselineCount = arg("baseline", 40);
    const loadBefore = os.loadavg();
    const started = new Date();

    // Exports.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-bench-audit-"));
    const genStart = Date.now();
    const programs: ResourceRecord[][] = [];
    for (const name of EXAMPLES) programs.push((await runProgram({ programDir: path.join(REPO, "examples", name), mode: "up" })).records);
    const crypter = new PassphraseCrypter("bench");
    let resources = 0;
    let bytes = 0;
    const files: string[] = [];
    for (let i = 0; i < total; i++) {
        const records = variant(programs[i % programs.length], `team${String(i % 97).padStart(2, "0")}-api`, `stack${String(i).padStart(4, "0")}`, 1 + (i % 4));
        const text = JSON.stringify(toStackExport(records, { crypter, time: "2026-01-01T00:00:00Z" }), null, 4);
        const file = path.join(dir, `stack${String(i).padStart(4, "0")}.json`);
        fs.writeFileSync(file, text);
        files.push(file);
        resources += records.length;
        bytes += text.length;
    }
    console.log(`generated ${total} exports, ${resources} resources (mean ${(resources / total).toFixed(0)}), ${(bytes / 2 ** 20).toFixed(0)} MiB, in ${Date.now() - genStart} ms`);

    // The audit of every stack with one pack process.
    const writer = writerFor("json", { name: "authguard", version: "bench" }, "policypack");
    const summary = new AuditSummary();
    const heap: Array<[number, number]> = [];
    const checkpoints = new Set([Math.ceil(total / 10), Math.ceil(total / 2), total]);
    let done = 0;
    let packPeakKb = NaN;
    let rendered = writer.begin().length;
    // Forget the peak RSS of the generation phase (Linux: writing 5 to clear_refs resets VmHWM).
    try {
        fs.writeFileSync("/proc/self/clear_refs", "5");
    } catch {
        // not Linux: the peak then includes the generation phase
    }
    const auditStart = Date.now();
    await runAudit({ paths: [dir], packDir: DEFAULT_PACK_DIR }, (o) => {
        summary.add(o);
        rendered += writer.stack(o).length;
        done++;
        if (checkpoints.has(done)) heap.push([done, gcHeapMb()]);
        if (done === total) {
            const pid = packPid();
            if (pid) packPeakKb = vmHwmKb(pid);
        }
    });
    rendered += writer.end(summary).length;
    const auditMs = Date.now() - auditStart;
    const mainPeakKb = vmHwmKb("self");
    const failed = summary.rows.filter((r) => r.verdict === "not audited").length;

    // Baseline: one pack start per stack.
    const perStackStart = Date.now();
    for (const file of files.slice(0, baselineCount)) await runAudit({ paths: [file], packDir: DEFAULT_PACK_DIR }, () => undefined);
    const perStackMs = Date.now() - perStackStart;
    const perStackResources = summary.rows.slice(0, baselineCount).reduce((n, r) => n + r.resources, 0);

    // Baseline: `authguard check --mode up` of the example programs.
    const checkStart = Date.now();
    for (const name of EXAMPLES) {
        const o = await runCheck({ programDir: path.join(REPO, "examples", name), mode: "up" });
        if (!o.ok) throw new Error(o.failure.message);
    }
    const checkMs = (Date.now() - checkStart) / EXAMPLES.length;

    const loadAfter = os.loadavg();
    const auditRate = total / (auditMs / 1000);
    const perStackRate = baselineCount / (perStackMs / 1000);
    const checkRate = 1 / (checkMs / 1000);
    console.log(`audit, one pack:     ${total} stacks (${failed} not audited) in ${auditMs} ms: ${auditRate.toFixed(1)} stacks/s, ${(resources / (auditMs / 1000)).toFixed(0)} resources/s; JSON report ${(rendered / 2 ** 20).toFixed(1)} MiB`);
    console.log(`  heap after GC:     ${heap.map(([n, h]) => `${h.toFixed(1)} MiB after ${n} stacks`).join(", ")}`);
    console.log(`  peak RSS (VmHWM):  main ${mb(mainPeakKb)} MiB, pack ${mb(packPeakKb)} MiB`);
    console.log(`pack per stack:      ${baselineCount} stacks (${perStackResources} resources) in ${perStackMs} ms: ${perStackRate.toFixed(2)} stacks/s (audit is ${(auditRate / perStackRate).toFixed(1)}x)`);
    console.log(`check --mode up:     ${checkMs.toFixed(0)} ms per example program: ${checkRate.toFixed(2)} stacks/s (audit is ${(auditRate / checkRate).toFixed(0)}x)`);
    console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; ` +
        `load average ${loadBefore[0].toFixed(1)} before, ${loadAfter[0].toFixed(1)} after; ${started.toISOString().slice(0, 16)}Z`);
    console.log("");
    console.log("| stacks | resources | audit (one pack) | stacks/s | heap after 10% / 50% / 100% | peak RSS main / pack | pack per stack | check --mode up | machine, load, date |");
    console.log(
        `| ${total} | ${resources} | ${(auditMs / 1000).toFixed(1)} s | ${auditRate.toFixed(1)} | ${heap.map(([, h]) => h.toFixed(0)).join(" / ")} MiB | ${mb(mainPeakKb)} / ${mb(packPeakKb)} MiB | ` +
            `${perStackRate.toFixed(2)} stacks/s (${(auditRate / perStackRate).toFixed(1)}×) | ${checkRate.toFixed(2)} stacks/s (${(auditRate / checkRate).toFixed(0)}×) | ` +
            `${os.cpus().length} cores, load ${loadBefore[0].toFixed(0)}→${loadAfter[0].toFixed(0)}, ${started.toISOString().slice(0, 10)} |`,
    );
    if (process.argv.includes("--keep")) console.log(`exports kept in ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
