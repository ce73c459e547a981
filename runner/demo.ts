// `authguard demo` (what `npm start` runs): the default check of each bundled example. The insecure one must show
// mandatory findings; the secure one none, with nothing in its up view (its preview view may only show the
// advisories a first `pulumi preview` shows for values unknown until deployment). The demo exits 0 when all of that
// holds: it demonstrates the checker, it is not a deployment gate (`authguard check examples/insecure-api` on its own
// exits 1). Its last line says how to check one's own program.

import * as path from "path";
import { Io } from "./args";
import { CheckOutcome, runCheck } from "./check";
import { CheckReport, EXIT_FAILURE, displayPath, render } from "./report";
import { REPO_ROOT } from "./tool";

/** What to run next, on one's own program: the demo's last line. */
export const NEXT_STEP = "Next, check your own program: npx authguard check <your-program-dir>   (the folder holding its Pulumi.yaml)\n";

export async function demo(io: Io, verbose: boolean): Promise<number> {
    const examples = path.join(REPO_ROOT, "examples");
    const outcomes: CheckOutcome[] = [];
    for (const name of ["insecure-api", "secure-api"]) {
        const dir = path.join(examples, name);
        io.stdout(`$ authguard check ${displayPath(dir)}\n`);
        const outcome = await runCheck({ programDir: dir, verbose });
        const r = render(outcome, "text", verbose);
        io.stdout(r.stdout);
        io.stderr(r.stderr);
        io.stdout(`(exit code ${r.exitCode})\n\n`);
        outcomes.push(outcome);
    }
    const [insecure, secure] = outcomes;
    if (!insecure.ok || !secure.ok) {
        return EXIT_FAILURE;
    }
    const mandatory = (o: { report: CheckReport }) => o.report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const found = mandatory(insecure);
    const secureMandatory = mandatory(secure);
    const secureUpFindings = secure.views?.up.report.violations.length ?? 0;
    const findings = (n: number, what: string) => `${n} ${what} ${n === 1 ? "finding" : "findings"}`;
    if (found > 0 && secureMandatory === 0 && secureUpFindings === 0) {
        io.stdout(
            `demo OK: insecure-api has ${findings(found, "mandatory")} (checking it on its own exits 1); ` +
                "secure-api has none, and its up view is clean.\n",
        );
        io.stdout(NEXT_STEP);
        return 0;
    }
    io.stdout(
        `demo: unexpected result: insecure-api ${findings(found, "mandatory")}; secure-api ${findings(secureMandatory, "mandatory")}, ` +
            `${findings(secureUpFindings, "up-view")}.\n`,
    );
    return 1;
}
