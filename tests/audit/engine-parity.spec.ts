// Parity with the real engine: `pulumi stack import` of an export written by the test support (as the CLI writes
// state), then `pulumi policy analyze` (engine v3.248.0, pkg/resource/deploy/analyze_snapshot.go) and `authguard audit`
// on the same state must report the same findings, message for message. `authguard audit` also reads the files the
// real CLI writes: its file-backend checkpoint and its `pulumi stack export`.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { runCheck } from "../../runner/cli";
import { ResourceRecord } from "../../runner/model";
import { EXAMPLES } from "../runner/helpers";
import { TempDir, audit, audited } from "./support/audit";
import { FileBackend, policyEvents } from "./support/engine";
import { PassphraseCrypter, stackOf, toStackExport } from "./support/state";

const PACK = path.resolve(__dirname, "../../policypack");
const PASSPHRASE = "authguard-parity";

function auditEvents(stack: ReturnType<typeof audited>): string[] {
    return stack.violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn}\n${v.message}`).sort();
}

describe("authguard audit: parity with `pulumi policy analyze` (real CLI)", function () {
    this.timeout(600_000);
    const tmp = new TempDir();
    const backends: Partial<Record<"plaintext" | "encrypted", FileBackend>> = {};
    const crypter = new PassphraseCrypter(PASSPHRASE);
    const records: Record<string, ResourceRecord[]> = {};

    before(async () => {
        for (const name of ["insecure-api", "secure-api"]) {
            const outcome = await runCheck({ programDir: path.join(EXAMPLES, name), mode: "up" });
            assert.ok(outcome.ok, outcome.ok ? "" : outcome.failure.message);
            records[name] = outcome.program.records;
        }
    });
    after(() => {
        tmp.cleanup();
        for (const b of Object.values(backends)) b.cleanup();
    });

    for (const secrets of ["plaintext", "encrypted"] as const) {
        it(`finds what the engine finds in an imported ${secrets === "plaintext" ? "--show-secrets" : "default (encrypted)"} export of each example`, async () => {
            const backend = (backends[secrets] = new FileBackend(PASSPHRASE));
            for (const name of ["insecure-api", "secure-api"]) {
                const { project, stack } = stackOf(records[name]);
                const file = tmp.write(`${secrets}/${name}.json`, toStackExport(records[name], { secrets, crypter }));
                backend.pulumi(project, ["stack", "init", stack, "--non-interactive"]);
                backend.pulumi(project, ["stack", "import", "--file", file]);
                const analyzed = backend.pulumi(project, ["policy", "analyze", "--policy-pack", PACK, "--json"], [0, 1]);
                const engine = policyEvents(analyzed.stdout);
                const [ours] = (await audit([file])).map(audited);
                assert.deepEqual(auditEvents(ours), engine, `${name}: authguard audit and pulumi policy analyze differ`);
                assert.equal(analyzed.status !== 0, ours.verdict === "fails", `${name}: exit status and verdict agree`);
                if (name === "insecure-api") assert.ok(engine.length > 0, "the insecure example has findings");
            }
        });
    }

    it("reads the checkpoint and the export the real CLI writes", async () => {
        const backend = backends.encrypted;
        assert.ok(backend, "the encrypted import ran");
        const { project } = stackOf(records["insecure-api"]);
        const exported = tmp.write("cli-export/insecure-api.json", backend.pulumi(project, ["stack", "export"]).stdout);
        const engine = policyEvents(backend.pulumi(project, ["policy", "analyze", "--policy-pack", PACK, "--json"], [0, 1]).stdout);
        const checkpoint = path.join(backend.state, ".pulumi", "stacks", project, "dev.json");
        assert.ok(fs.existsSync(checkpoint), "the file backend keeps the stack's checkpoint there");
        const outcomes = await audit([exported, backend.state]);
        assert.deepEqual(
            outcomes.map((o) => (o.ok ? `${o.stack.project}/${o.stack.stack}` : o.failure.message)),
            ["insecure-api/dev", "insecure-api/dev", "secure-api/dev"],
        );
        assert.deepEqual(auditEvents(audited(outcomes[0])), engine);
        assert.deepEqual(auditEvents(audited(outcomes[1])), engine);
    });
});
