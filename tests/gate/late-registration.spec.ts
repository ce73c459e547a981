// Issue 13 item 1: resources a program registers after its module has loaded are registered and checked, as under
// `pulumi preview` (the Node.js runtime ends a program when its event loop is empty, not when the module returns).
// One program per shape; each registers an unauthenticated REST method late and must fail the gate with exit 1.
import { strict as assert } from "assert";
import * as path from "path";
import { CheckRun, check, checkAll, markedLine, program } from "../kit/gate";

interface JsonViolation {
    policy: string;
    enforcementLevel: string;
    urn: string;
    location?: { file: string; line: number };
}

const SHAPES = {
    "late-fs-callback": "in an fs.readFile callback",
    "late-async-unawaited": "after `await fs.promises.readFile` in an async function nobody awaits",
    "late-set-timeout": "from a setTimeout",
    "late-before-exit": "from a beforeExit handler (as pulumi-aws registers bucket notifications)",
};

describe("gate: resources registered late are checked", function () {
    this.timeout(300_000);
    let runs: Record<string, CheckRun>;

    before(async () => {
        runs = await checkAll(Object.fromEntries(Object.keys(SHAPES).map((name) => [name, [program(name), "--format", "json"]])));
    });

    for (const [name, shape] of Object.entries(SHAPES)) {
        it(`a method with authorization NONE created ${shape} is reported and fails the gate (exit 1)`, () => {
            const r = runs[name];
            assert.equal(r.status, 1, `${r.stderr}\n${r.stdout.slice(0, 2000)}`);
            const doc = JSON.parse(r.stdout) as { violations: JsonViolation[]; resources: Array<{ urn: string }> };
            const urn = `urn:pulumi:dev::${name}::aws:apigateway/method:Method::late-open`;
            assert.ok(doc.resources.some((res) => res.urn === urn), "the late method is among the registered resources");
            const found = doc.violations.filter((v) => v.urn === urn && v.policy === "apigw-method-requires-authorization");
            assert.ok(found.length > 0, JSON.stringify(doc.violations, null, 1));
            assert.equal(found[0].enforcementLevel, "mandatory");
            assert.equal(path.resolve(found[0].location!.file), path.join(program(name), "index.ts"));
            assert.equal(found[0].location!.line, markedLine(name, "LATE"), "the finding points at the line that created the late method");
        });
    }
});

describe("gate: a program that never ends is stopped, and never passes", function () {
    this.timeout(300_000);

    it("--timeout stops it; exit 2 with a report saying it was stopped, what it had registered and what kept it alive", async () => {
        const r = await check([program("never-settles"), "--timeout", "15"]);
        assert.equal(r.status, 2, r.stdout);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /the program did not finish within 15 s, so authguard stopped it and checked nothing/);
        assert.match(r.stderr, /\(4 resources were registered; it still had 1 timer \(setTimeout\/setInterval\) keeping it alive\)/);
        assert.match(r.stderr, /clear intervals and close servers and connections the program opens, or raise --timeout/);
    });
});
