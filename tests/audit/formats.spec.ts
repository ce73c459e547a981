// The three output formats over one run with an audited, a clean and an unreadable stack.
import { strict as assert } from "assert";
import * as fs from "fs";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { AuditSummary, writerFor } from "../../runner/audit/report";
import { StackOutcome } from "../../runner/audit/run";
import { SCHEMA_FILES } from "../../runner/report";
import { TempDir, audit } from "../kit/audit";
import { toStackExport } from "../kit/audit-state";
import { restStack } from "../kit/audit-stacks";

describe("authguard audit: output formats", function () {
    this.timeout(120_000);
    const tmp = new TempDir();
    let outcomes: StackOutcome[];
    const tool = { name: "authguard", version: "0.1.0" };

    before(async () => {
        tmp.write("stacks/1-open.json", toStackExport(restStack("shop", "prod", "NONE").records, { secrets: "plaintext" }));
        tmp.write("stacks/2-iam.json", toStackExport(restStack("shop", "dev", "AWS_IAM").records, { secrets: "plaintext" }));
        tmp.write("stacks/3-broken.json", "{\"version\": 3, \"deployment\": {");
        outcomes = await audit([`${tmp.root}/stacks`]);
    });
    after(() => tmp.cleanup());

    function render(format: "text" | "json" | "sarif"): string {
        const writer = writerFor(format, tool, "policypack");
        const summary = new AuditSummary();
        let out = writer.begin();
        for (const o of outcomes) {
            summary.add(o);
            out += writer.stack(o);
        }
        return out + writer.end(summary);
    }

    it("json: one document, per-stack findings shaped as check's, and the summary", () => {
        const doc = JSON.parse(render("json"));
        assert.equal(doc.command, "audit");
        assert.equal(doc.exitCode, 2);
        assert.deepEqual(doc.stacks.map((s: { status: string; verdict?: string }) => `${s.status} ${s.verdict ?? "-"}`), ["audited fails", "audited passes", "error -"]);
        const v = doc.stacks[0].violations[0];
        const required = ["description", "enforcementLevel", "message", "policy", "resourceName", "resourceType", "resourceTypeDisplay", "stage", "urn"];
        assert.deepEqual(Object.keys(v).filter((k) => k !== "severity").sort(), required); // check's JsonViolation, no program location
        assert.equal(v.policy, "apigw-method-requires-authorization");
        assert.equal(doc.stacks[2].error.code, "INVALID_JSON");
        assert.deepEqual(doc.summary.wouldFail, ["shop/prod"]);
        assert.deepEqual(doc.summary.mostCommon[0], { policy: "apigw-method-requires-authorization", mandatory: 1, advisory: 0, stacks: 1 });
        assert.equal(doc.policyPack.name, "authguard");
    });

    it("sarif: a valid SARIF 2.1.0 log with one run per stack and the summary in its properties", () => {
        const log = JSON.parse(render("sarif")) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        const ajv = new AjvDraft04({ allErrors: true, strict: false });
        addFormats(ajv);
        const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_FILES.sarif, "utf8")));
        assert.ok(validate(structuredClone(log)), JSON.stringify(validate.errors, null, 2));
        assert.equal(log.runs.length, 3);
        assert.deepEqual(log.runs.map((r: { automationDetails?: { id: string } }) => r.automationDetails?.id), ["authguard-audit/shop/prod/", "authguard-audit/shop/dev/", undefined]);
        assert.equal(log.runs[0].results[0].level, "error");
        assert.equal(log.runs[1].results.length, 0);
        assert.equal(log.runs[2].invocations[0].executionSuccessful, false);
        assert.deepEqual(log.properties.authguardAudit.wouldFail, ["shop/prod"]);
    });

    it("text: a block per stack and a summary table a platform lead can act on", () => {
        const text = render("text");
        assert.match(text, /^❌ shop\/prod \(.*1-open\.json\): 4 resources, 1 mandatory, 0 advisory$/m);
        assert.match(text, /^✅ shop\/dev \(.*2-iam\.json\): 4 resources, no policy violations$/m);
        assert.match(text, /^✗ .*3-broken\.json: not audited: .*3-broken\.json is not valid JSON \(it ends early/m);
        const table = text.slice(text.indexOf("Summary:"));
        const rows = table.split("\n").filter((l) => /^ {2}(STACK|shop\/|\S+3-broken)/.test(l));
        assert.match(rows[0], /^ {2}STACK +RESOURCES +MANDATORY +ADVISORY +UNVERIFIED +IF ENFORCED TODAY +FILE$/);
        assert.match(rows[1], /^ {2}shop\/prod +4 +1 +0 +0 +would fail /);
        assert.match(rows[3], /^ {2}shop\/dev +4 +0 +0 +0 +passes /);
        assert.match(table, /Would fail if the pack were enforced today: 1 of 2 audited stacks: shop\/prod\./);
        assert.match(table, /Not audited \(1 file\):/);
    });
});
