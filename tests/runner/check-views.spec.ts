// The default run's two views (runner/check/run.ts bothViews): authguard's own pack serves both views from one
// process, one operation after the other, and the default run finds exactly what the two single-mode checks find,
// merged, each of which has a pack process of its own. Another pack gets a process per view, as the engine starts
// one per operation.
import { strict as assert } from "assert";
import * as path from "path";
import { runCheck } from "../../runner/check";
import { CheckReport, mergeViews } from "../../runner/report";
import { EXAMPLES, MINIMAL_PACK } from "../kit/runner";

/** What a verdict consists of: the findings and remediations, without timings. */
function verdictOf(report: CheckReport): unknown {
    return { violations: report.violations, remediations: report.remediations, resources: report.resources.length };
}

describe("runner: the default run's two views", function () {
    this.timeout(180_000);

    for (const example of ["insecure-api", "secure-api"]) {
        it(`shares authguard's pack between the views and finds what --mode preview and --mode up find (${example})`, async () => {
            const programDir = path.join(EXAMPLES, example);
            const both = await runCheck({ programDir });
            assert.ok(both.ok, both.ok ? "" : both.failure.message);
            const { preview, up } = both.views!;
            assert.ok(preview.packPid !== undefined && preview.packPid === up.packPid, "one pack process for both views");

            const [alonePreview, aloneUp] = await Promise.all([runCheck({ programDir, mode: "preview" }), runCheck({ programDir, mode: "up" })]);
            assert.ok(alonePreview.ok && aloneUp.ok);
            assert.deepEqual(verdictOf(preview.report), verdictOf(alonePreview.report));
            assert.deepEqual(verdictOf(up.report), verdictOf(aloneUp.report));
            assert.deepEqual(verdictOf(both.report), verdictOf(mergeViews(alonePreview.report, aloneUp.report)));
        });
    }

    it("starts one process per view for a pack other than authguard's", async () => {
        const both = await runCheck({ programDir: path.join(EXAMPLES, "secure-api"), policyPack: MINIMAL_PACK });
        assert.ok(both.ok, both.ok ? "" : both.failure.message);
        const { preview, up } = both.views!;
        assert.ok(preview.packPid !== undefined && up.packPid !== undefined);
        assert.notEqual(preview.packPid, up.packPid);
    });
});
