// Exports built from the example programs: each program runs under the runner as `authguard check --mode up` runs it,
// its records are written as the CLI writes state, and `authguard audit` must then find what the check found.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CheckOutcome, runCheck } from "../../runner/check";
import { ResourceRecord } from "../../runner/resource-records";
import { EXAMPLES } from "../kit/runner";
import { TempDir, audit, audited, findings } from "../kit/audit";
import { checkpointPath, stackOf, toCheckpoint, toStackExport } from "../kit/audit-state";

function checkFindings(outcome: CheckOutcome): string[] {
    assert.ok(outcome.ok, outcome.ok ? "" : outcome.failure.message);
    return outcome.report.violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn}`).sort();
}

describe("authguard audit: exports of the example programs", function () {
    this.timeout(180_000);
    const tmp = new TempDir();
    const checked: Record<string, { records: ResourceRecord[]; findings: string[] }> = {};

    before(async () => {
        for (const name of ["insecure-api", "secure-api"]) {
            const outcome = await runCheck({ programDir: path.join(EXAMPLES, name), mode: "up" });
            assert.ok(outcome.ok, outcome.ok ? "" : outcome.failure.message);
            checked[name] = { records: outcome.program.records, findings: checkFindings(outcome) };
        }
    });
    after(() => tmp.cleanup());

    it("finds in a --show-secrets export exactly what `authguard check --mode up` finds in the program", async () => {
        const files = ["insecure-api", "secure-api"].map((name) => tmp.write(`plain/${name}.json`, toStackExport(checked[name].records, { secrets: "plaintext" })));
        const [insecure, secure] = (await audit(files)).map(audited);
        assert.ok(checked["insecure-api"].findings.some((f) => f.startsWith("mandatory ")), "the insecure example has mandatory findings under check");
        assert.deepEqual(findings(insecure), checked["insecure-api"].findings);
        assert.equal(insecure.verdict, "fails");
        assert.deepEqual(findings(secure), []);
        assert.deepEqual(checked["secure-api"].findings, []);
        assert.equal(secure.verdict, "passes");
        assert.equal(insecure.encryptedSecrets, 0);
    });

    it("reads a default (encrypted) export: secrets count as unreadable, the findings stay those of the check", async () => {
        const file = tmp.write("encrypted/insecure-api.json", toStackExport(checked["insecure-api"].records));
        const text = fs.readFileSync(file, "utf8");
        assert.match(text, /"ciphertext": "v1:/);
        const [stack] = (await audit([file])).map(audited);
        assert.ok(stack.encryptedSecrets > 0, "the example's API key value is a secret");
        // The only secret the insecure example holds is an ApiKey value, which the pack only tests for presence.
        assert.deepEqual(findings(stack), checked["insecure-api"].findings);
    });

    it("audits a file backend's state folder (only .pulumi/stacks) like the same stacks' exports", async () => {
        const root = path.join(tmp.root, "backend");
        for (const name of ["insecure-api", "secure-api"]) {
            const { project, stack } = stackOf(checked[name].records);
            tmp.write(path.relative(tmp.root, checkpointPath(root, project, stack)), toCheckpoint(checked[name].records, project, stack));
        }
        // What else a file backend keeps: old checkpoints, backups, locks, metadata. None of it is current state.
        tmp.write("backend/.pulumi/history/insecure-api/dev/dev-1700000000.checkpoint.json", "{ truncated");
        tmp.write("backend/.pulumi/backups/insecure-api/dev/dev.1700000000.json", "{ truncated");
        tmp.write("backend/.pulumi/locks/organization/insecure-api/dev/lock.json", "{}");
        tmp.write("backend/.pulumi/meta.yaml", "version: 1\n");
        tmp.write("backend/.pulumi/stacks/insecure-api/dev.json.bak", "{ truncated");

        const outcomes = await audit([root]);
        assert.deepEqual(
            outcomes.map((o) => (o.ok ? `${o.stack.project}/${o.stack.stack} ${o.stack.organization}` : o.failure.message)),
            ["insecure-api/dev organization", "secure-api/dev organization"],
        );
        assert.deepEqual(findings(audited(outcomes[0])), checked["insecure-api"].findings);
        assert.deepEqual(findings(audited(outcomes[1])), []);
    });
});
