// Policy config validation (runner/analyzer/config-validation.ts): Ajv's verdicts, and a call whose every value
// passed is answered from its stored entry by the next process without loading Ajv; failures are never stored.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigCheck } from "../../../runner/analyzer/config-validation";
import { REPO } from "../../kit/runner";

const MODULE = path.join(REPO, "runner", "analyzer", "config-validation.ts");

const SCHEMA = {
    type: "object",
    properties: { limit: { type: "number", minimum: 1 }, enforcementLevel: { type: "string", enum: ["advisory", "mandatory"] } },
    required: ["limit"],
};

interface Outcome {
    errors: string[][];
    ajvLoaded: boolean;
}

/** Validates `checks` in a fresh process (entries under `root`). */
function validate(checks: ConfigCheck[], root: string): Outcome {
    const script = `const { validateConfigs } = require(${JSON.stringify(MODULE)});
const errors = validateConfigs(${JSON.stringify(checks)}, ${JSON.stringify(root)}).map((es) => es.map((e) => (e.instancePath || "(root)") + " " + e.message));
const ajvLoaded = Object.keys(require.cache).some((f) => f.includes("/node_modules/ajv/"));
process.stdout.write(JSON.stringify({ errors, ajvLoaded }));`;
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Outcome;
}

function entries(root: string): string[] {
    return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ok")) : [];
}

describe("runner: policy config validation", function () {
    this.timeout(120_000);
    let root: string;
    beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "authguard-config-valid-"))));
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    const good: ConfigCheck[] = [
        { schema: SCHEMA, value: { limit: 5, enforcementLevel: "mandatory" } },
        { schema: { type: "object", properties: {} }, value: { enforcementLevel: "advisory" } },
    ];

    it("answers a call that passed before from its entry, without loading Ajv", () => {
        const cold = validate(good, root);
        assert.deepEqual(cold, { errors: [[], []], ajvLoaded: true });
        assert.equal(entries(root).length, 1);
        assert.deepEqual(validate(good, root), { errors: [[], []], ajvLoaded: false });
    });

    it("validates afresh whatever differs, and never stores a failure", () => {
        validate(good, root);
        const bad: ConfigCheck[] = [{ schema: SCHEMA, value: { limit: 0, enforcementLevel: "strict" } }, good[1]];
        for (let run = 0; run < 2; run++) {
            const outcome = validate(bad, root);
            assert.equal(outcome.ajvLoaded, true);
            assert.deepEqual(outcome.errors, [["/limit must be >= 1", "/enforcementLevel must be equal to one of the allowed values"], []]);
        }
        const missing = validate([{ schema: SCHEMA, value: { enforcementLevel: "advisory" } }], root);
        assert.deepEqual(missing.errors, [["(root) must have required property 'limit'"]]);
        assert.equal(entries(root).length, 1, "only the passing call is stored");
    });

    it("ignores a damaged entry and validates again", () => {
        validate(good, root);
        const [entry] = entries(root);
        const file = path.join(root, entry);
        fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 20));
        assert.deepEqual(validate(good, root), { errors: [[], []], ajvLoaded: true });
        assert.deepEqual(validate(good, root).ajvLoaded, false, "the entry is rewritten");
    });
});
