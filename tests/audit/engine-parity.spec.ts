// Parity with the real engine: `pulumi stack import` of an export written by the test support (as the CLI writes
// state), then `pulumi policy analyze` (engine v3.248.0, pkg/resource/deploy/analyze_snapshot.go) and `authguard audit`
// on the same state must report the same findings, message for message. `authguard audit` also reads the files the
// real CLI writes: its file-backend checkpoint and its `pulumi stack export`.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { runCheck } from "../../runner/check";
import { ensureEngine } from "../../runner/engine/locate";
import { CliResult, ENGINE_PASSPHRASE, EngineWorkspace } from "../../runner/engine/workspace";
import { ResourceRecord } from "../../runner/resource-records";
import { EXAMPLES } from "../kit/runner";
import { TempDir, audit, audited } from "../kit/audit";
import { PassphraseCrypter, stackOf, toStackExport } from "../kit/audit-state";

const PACK = path.resolve(__dirname, "../../policypack");

/** `pulumi <args>` in the workspace's folder for `project` (a bare nodejs project); throws unless the exit code is in `ok`. */
async function pulumi(ws: EngineWorkspace, project: string, args: string[], ok: number[] = [0]): Promise<CliResult> {
    const dir = path.join(ws.dir, "projects", project);
    if (!fs.existsSync(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\n`);
    }
    const r = await ws.run(args, dir);
    if (!ok.includes(r.code)) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.stderr}\n${r.stdout}`.slice(0, 4000));
    return r;
}

/** `pulumi policy analyze --json` output as sorted `<level> <policy> <urn>\n<message>` entries. */
function policyEvents(jsonLines: string): string[] {
    const out: string[] = [];
    for (const line of jsonLines.split("\n")) {
        if (!line.trim()) continue;
        const e = JSON.parse(line).policyEvent;
        if (e) out.push(`${e.enforcementLevel} ${e.policyName} ${e.resourceUrn}\n${e.message}`);
    }
    return out.sort();
}

function auditEvents(stack: ReturnType<typeof audited>): string[] {
    return stack.violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn}\n${v.message}`).sort();
}

describe("authguard audit: parity with `pulumi policy analyze` (real CLI)", function () {
    this.timeout(600_000);
    const tmp = new TempDir();
    const backends: Partial<Record<"plaintext" | "encrypted", EngineWorkspace>> = {};
    // The workspace's own passphrase, so the CLI decrypts what the test support encrypted.
    const crypter = new PassphraseCrypter(ENGINE_PASSPHRASE);
    let engineBin: string;
    const records: Record<string, ResourceRecord[]> = {};

    before(async () => {
        engineBin = ensureEngine();
        for (const name of ["insecure-api", "secure-api"]) {
            const outcome = await runCheck({ programDir: path.join(EXAMPLES, name), mode: "up" });
            assert.ok(outcome.ok, outcome.ok ? "" : outcome.failure.message);
            records[name] = outcome.program.records;
        }
    });
    after(() => {
        tmp.cleanup();
        for (const b of Object.values(backends)) b.dispose();
    });

    for (const secrets of ["plaintext", "encrypted"] as const) {
        it(`finds what the engine finds in an imported ${secrets === "plaintext" ? "--show-secrets" : "default (encrypted)"} export of each example`, async () => {
            const backend = (backends[secrets] = EngineWorkspace.create(engineBin));
            for (const name of ["insecure-api", "secure-api"]) {
                const { project, stack } = stackOf(records[name]);
                const file = tmp.write(`${secrets}/${name}.json`, toStackExport(records[name], { secrets, crypter }));
                await pulumi(backend, project, ["stack", "init", stack, "--non-interactive"]);
                await pulumi(backend, project, ["stack", "import", "--file", file]);
                const analyzed = await pulumi(backend, project, ["policy", "analyze", "--policy-pack", PACK, "--json"], [0, 1]);
                const engine = policyEvents(analyzed.stdout);
                const [ours] = (await audit([file])).map(audited);
                assert.deepEqual(auditEvents(ours), engine, `${name}: authguard audit and pulumi policy analyze differ`);
                assert.equal(analyzed.code !== 0, ours.verdict === "fails", `${name}: exit status and verdict agree`);
                if (name === "insecure-api") assert.ok(engine.length > 0, "the insecure example has findings");
            }
        });
    }

    it("reads the checkpoint and the export the real CLI writes", async () => {
        const backend = backends.encrypted;
        assert.ok(backend, "the encrypted import ran");
        const { project } = stackOf(records["insecure-api"]);
        const exported = tmp.write("cli-export/insecure-api.json", (await pulumi(backend, project, ["stack", "export"])).stdout);
        const engine = policyEvents((await pulumi(backend, project, ["policy", "analyze", "--policy-pack", PACK, "--json"], [0, 1])).stdout);
        const checkpoint = path.join(backend.backendDir, ".pulumi", "stacks", project, "dev.json");
        assert.ok(fs.existsSync(checkpoint), "the file backend keeps the stack's checkpoint there");
        const outcomes = await audit([exported, backend.backendDir]);
        assert.deepEqual(
            outcomes.map((o) => (o.ok ? `${o.stack.project}/${o.stack.stack}` : o.failure.message)),
            ["insecure-api/dev", "insecure-api/dev", "secure-api/dev"],
        );
        assert.deepEqual(auditEvents(audited(outcomes[0])), engine);
        assert.deepEqual(auditEvents(audited(outcomes[1])), engine);
    });
});
