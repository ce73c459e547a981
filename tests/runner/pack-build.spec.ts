// The bundled policy pack runs from its build, which is rebuilt when older than anything it was built from (the
// pack's sources, and the vocabulary's and authguard-shared's it bundles), atomically. The rebuilds run on a private
// copy of the three workspace packages (tests/kit/workspace-copy.ts), so specs running meanwhile keep the real build.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BUNDLED_PACK_DIR, ensureBundledPackBuilt } from "../../runner/pack-build";
import { WorkspaceCopy } from "../kit/workspace-copy";

describe("bundled policy pack build", function () {
    this.timeout(120_000);
    const copy = new WorkspaceCopy(["policypack", "apigateway", "shared"]);
    const packDir = copy.dir("policypack");
    const output = path.join(packDir, "bin", "index.js");
    /** The copy's own builder, in this process (it keeps no state between calls). */
    const ensureCopyBuilt = () => (require(path.join(packDir, "build.js")) as { ensureBuilt(): void }).ensureBuilt();
    after(() => copy.cleanup());

    it("runs from compiled JavaScript, as package.json main says", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(BUNDLED_PACK_DIR, "package.json"), "utf8"));
        assert.equal(pkg.main, "bin/index.js");
        assert.ok(pkg.files.includes("bin/"), "pulumi policy publish must ship the build");
        ensureBundledPackBuilt(BUNDLED_PACK_DIR);
        assert.ok(fs.existsSync(path.join(BUNDLED_PACK_DIR, "bin", "index.js")), "the runner's guard leaves a build in place");
    });

    it("rebuilds a build older than its sources, and leaves a fresh one alone", () => {
        ensureCopyBuilt();
        const old = new Date(0); // older than any source, however long ago the checkout was made
        fs.utimesSync(output, old, old);
        ensureCopyBuilt();
        const rebuilt = fs.statSync(output).mtimeMs;
        assert.ok(rebuilt > old.getTime() + 1000, "stale build was rebuilt");
        ensureCopyBuilt();
        assert.equal(fs.statSync(output).mtimeMs, rebuilt, "fresh build is not rebuilt");
    });

    for (const bundled of ["apigateway/src/index.ts", "shared/closest-name.js"]) {
        it(`rebuilds when ${bundled}, bundled into the pack, is newer than the build`, () => {
            ensureCopyBuilt();
            const source = path.join(copy.root, bundled);
            const built = fs.statSync(output).mtimeMs;
            const later = new Date(Date.now() + 3_600_000);
            fs.utimesSync(source, later, later);
            ensureCopyBuilt();
            assert.ok(fs.statSync(output).mtimeMs > built, "the build was redone");
        });
    }

    it("two concurrent rebuilds each swap in a complete build and leave no staging directory", async () => {
        const old = new Date(0);
        fs.utimesSync(output, old, old);
        const rebuild = () =>
            new Promise<number>((resolve) => {
                const child = spawn(process.execPath, ["-e", `require(${JSON.stringify(path.join(packDir, "build.js"))}).ensureBuilt()`], { stdio: "ignore" });
                child.on("exit", (code) => resolve(code ?? -1));
            });
        assert.deepEqual(await Promise.all([rebuild(), rebuild()]), [0, 0]);
        assert.ok(fs.statSync(output).mtimeMs > old.getTime() + 1000);
        assert.ok(fs.existsSync(path.join(packDir, "bin", "inputs.json")));
        assert.deepEqual(fs.readdirSync(packDir).filter((e) => e.startsWith(".bin-")), []);
    });

    it("never builds other packs", () => {
        assert.doesNotThrow(() => ensureBundledPackBuilt(path.join(__dirname, "../fixtures/logging-pack")));
    });
});
