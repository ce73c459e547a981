import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { BUNDLED_PACK_DIR, ensureBundledPackBuilt } from "../../runner/pack-build";

describe("bundled policy pack build", () => {
    const output = path.join(BUNDLED_PACK_DIR, "bin", "index.js");

    it("runs from compiled JavaScript, as package.json main says", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(BUNDLED_PACK_DIR, "package.json"), "utf8"));
        assert.equal(pkg.main, "bin/index.js");
        assert.ok(pkg.files.includes("bin/"), "pulumi policy publish must ship the build");
    });

    it("rebuilds a build older than its sources, and leaves a fresh one alone", () => {
        ensureBundledPackBuilt(BUNDLED_PACK_DIR);
        const old = new Date(0); // older than any source, however long ago the checkout was made
        fs.utimesSync(output, old, old);
        ensureBundledPackBuilt(BUNDLED_PACK_DIR);
        const rebuilt = fs.statSync(output).mtimeMs;
        assert.ok(rebuilt > old.getTime() + 1000, "stale build was rebuilt");
        ensureBundledPackBuilt(BUNDLED_PACK_DIR);
        assert.equal(fs.statSync(output).mtimeMs, rebuilt, "fresh build is not rebuilt");
    });

    for (const bundled of ["apigateway/src/index.ts", "shared/closest-name.js"]) {
        it(`rebuilds when ${bundled}, bundled into the pack, is newer than the build`, () => {
            ensureBundledPackBuilt(BUNDLED_PACK_DIR);
            const source = path.join(BUNDLED_PACK_DIR, "..", bundled);
            const { atime, mtime } = fs.statSync(source);
            const built = fs.statSync(output).mtimeMs;
            const later = new Date(Date.now() + 3_600_000);
            fs.utimesSync(source, later, later);
            try {
                ensureBundledPackBuilt(BUNDLED_PACK_DIR);
                assert.ok(fs.statSync(output).mtimeMs > built, "the build was redone");
            } finally {
                fs.utimesSync(source, atime, mtime);
            }
        });
    }

    it("two concurrent rebuilds each swap in a complete build and leave no staging directory", async function () {
        this.timeout(120_000);
        const old = new Date(0); // older than any source, however long ago the checkout was made
        fs.utimesSync(output, old, old);
        const rebuild = () =>
            new Promise<number>((resolve) => {
                const child = spawn(
                    process.execPath,
                    ["-r", "ts-node/register/transpile-only", "-e", `require(${JSON.stringify(path.resolve(__dirname, "../../runner/pack-build.ts"))}).ensureBundledPackBuilt(${JSON.stringify(BUNDLED_PACK_DIR)})`],
                    { cwd: path.resolve(__dirname, "../.."), stdio: "ignore" },
                );
                child.on("exit", (code) => resolve(code ?? -1));
            });
        assert.deepEqual(await Promise.all([rebuild(), rebuild()]), [0, 0]);
        assert.ok(fs.statSync(output).mtimeMs > old.getTime() + 1000);
        assert.ok(fs.existsSync(path.join(BUNDLED_PACK_DIR, "bin", "inputs.json")));
        assert.deepEqual(fs.readdirSync(BUNDLED_PACK_DIR).filter((e) => e.startsWith(".bin-")), []);
    });

    it("never builds other packs", () => {
        assert.doesNotThrow(() => ensureBundledPackBuilt(path.join(__dirname, "../fixtures/logging-pack")));
    });
});
