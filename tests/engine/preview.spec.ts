// The real Pulumi CLI runs a program with the policy pack: `pulumi preview --policy-pack <installed pack>` with a
// file backend, the pack started by the CLI through the Node.js language host's run-policy-pack.
import { strict as assert } from "assert";
import * as path from "path";
import { installedPolicyPack, useEngine } from "../kit/engine";

const NO_AWS = path.resolve(__dirname, "../fixtures/engine/no-aws");

describe("the real engine: pulumi preview --policy-pack", function () {
    this.timeout(180_000);
    const engine = useEngine();

    it("previews a program without AWS resources; the pack is loaded and analyzes the stack and the component", async () => {
        const stack = await engine.stack(NO_AWS, "dev");
        const r = await engine.run("preview", NO_AWS, stack);
        assert.equal(r.code, 0, `${r.command}\n${r.stdout}\n${r.stderr}`);
        const summary = r.events.find((e) => e.summaryEvent)?.summaryEvent;
        assert.ok(summary, "the engine finished the preview");
        assert.deepEqual(summary.PolicyPacks, { [`authguard|local|${installedPolicyPack()}`]: "0.1.0" });
        const urns = r.events.flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent.metadata.urn] : []));
        assert.deepEqual(urns, [
            "urn:pulumi:dev::no-aws::pulumi:pulumi:Stack::no-aws-dev",
            "urn:pulumi:dev::no-aws::authguard:test:Greeting::greeting",
        ]);
        assert.deepEqual(r.events.filter((e) => e.policyEvent), []);
        assert.match(r.stdout, /Policies:\n\s+✅ authguard@v0\.1\.0 \(local: .*policypack-[0-9a-f]+\)/);
        // The pack analyzed both resources (Analyze) and the stack (AnalyzeStack), and nothing failed.
        const analyzed = r.events.flatMap((e) => (e.policyAnalyzeSummaryEvent ? [e.policyAnalyzeSummaryEvent] : []));
        assert.deepEqual(analyzed.map((a) => a.resourceUrn), urns);
        assert.ok(analyzed.every((a) => (a.passed ?? []).length > 0 && (a.failed ?? []).length === 0));
        const stackSummary = r.events.find((e) => e.policyAnalyzeStackSummaryEvent)?.policyAnalyzeStackSummaryEvent;
        assert.ok(stackSummary && (stackSummary.passed ?? []).includes("apigw-authorizer-wiring"));
    });
});
